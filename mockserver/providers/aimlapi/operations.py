"""AI/ML API's operations: the hooks the engine calls for each step (AIML-SPEC, AIML-DOCS)."""

from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.behaviour.validation import SchemaProblem, zod_message
from mockserver.engine.call import Call, Operation
from mockserver.http import MockResponse, json_response
from mockserver.providers.aimlapi import documents, listing
from mockserver.providers.aimlapi.errors import body_error, error
from mockserver.providers.openai_compat import BodyRules, Catalogue, query_from_body, read_body, sse_response

__all__ = ["OPERATIONS", "RULES"]


def _invalid(call: Call, problem: SchemaProblem | None) -> Any:
    if problem is None:
        return body_error("Expected object, received string")
    text = zod_message(problem)
    return body_error(f'{text} at "{problem.path}"' if problem.path else text)


# Only application/json is read; any other type is a zod "Expected object, received string" (the body is
# not parsed as JSON by the NestJS pipe).
RULES = BodyRules(
    provider="aimlapi",
    accepts=lambda media: media == "application/json",
    default_type="application/json",
    bad_type=lambda call, media: body_error(f"Expected object, received string (content type {media!r})"),
    not_json=lambda call, reason: error(400, f"Unexpected token in JSON body: {reason}"),
    invalid=_invalid,
)


def _model(call: Call, body: dict[str, Any]) -> Model:
    catalogue: Catalogue = call.state
    model = catalogue.get(body["model"])
    if model is None:
        options = " | ".join(f"'{m}'" for m in catalogue.models)
        raise body_error(f"Invalid enum value. Expected {options}, received '{body['model']}' at \"model\"")
    if call.quirk("aimlapi.llama4") == "retired" and listing.retired(model):
        # wire-contracts 2.5: AI/ML API's docs have a "404 Model is deprecated" page; its body wording is assumed.
        raise error(404, "Model is deprecated")
    return model


def _query(call: Call, body: dict[str, Any]) -> ChatQuery:
    assert call.model is not None
    return query_from_body(body, "aimlapi", "chat_completions", call.model.id, call.model.family)


def _render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert call.model is not None and reply is not None
    response_id, created = documents.new_id(call), int(call.now)
    if query.stream:
        done = call.quirk("aimlapi.done") == "on"
        return sse_response(documents.stream_events(response_id, created, call.model, reply, done), {})
    if call.quirk("aimlapi.envelope") == "2026":
        return json_response(200, documents.completion_document_2026(response_id, created, call.model, reply))
    return json_response(200, documents.completion_document(response_id, created, call.model, reply))


def list_models(call: Call) -> MockResponse:
    """GET /v1/models: no key needed; filters and ``include`` in ``listing.py``; an ETag, and 304 for a matching
    ``If-None-Match`` (AIML-DOCS complete-model-list.md §Caching)."""
    retired = call.quirk("aimlapi.llama4") == "retired"
    document = listing.listing(call.state.models, call.request, style=call.quirk("aimlapi.models"),
                               hide_retired=retired)  # fmt: skip
    tag = listing.etag(document)
    if call.request.header("if-none-match") == tag:
        return MockResponse(304, {"etag": tag})
    return json_response(200, document, {"etag": tag})


OPERATIONS = {
    "chat_completions": Operation("chat_completions", parse=lambda call: read_body(call, "chat-request", RULES),
                                  model=_model, query=_query, render=_render),
    "list_models": Operation("list_models", respond=list_models, public=True),
}  # fmt: skip
