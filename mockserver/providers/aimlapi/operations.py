"""AI/ML API's operations: the hooks the engine calls for each step (AIML-SPEC, AIML-DOCS)."""

from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.behaviour.validation import SchemaProblem, zod_message
from mockserver.engine.call import Call, Operation
from mockserver.http import MockResponse, json_bytes, json_response
from mockserver.providers.aimlapi import documents, listing
from mockserver.providers.aimlapi.errors import body_error, error
from mockserver.providers.openai_compat import BodyRules, Catalogue, query_from_body, read_body, sse_response
from mockserver.stamp import Stamp, slot

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
    model, envelope = call.model, call.quirk("aimlapi.envelope")

    def make() -> Stamp:  # once per distinct request: the id and the time are slots 0 and 1 (mockserver.stamp)
        if query.stream:
            done = call.quirk("aimlapi.done") == "on"
            return Stamp(list(documents.stream_events(slot(0), slot(1), model, reply, done)))
        shape = documents.completion_document_2026 if envelope == "2026" else documents.completion_document
        return Stamp([json_bytes(shape(slot(0), slot(1), model, reply))])

    stamp = call.keep("chat", make)
    response_id, created = documents.new_id(call), int(call.now)
    if envelope == "2026" and not query.stream:
        response_id = documents.id_2026(response_id, created)
    values = (f'"{response_id}"'.encode(), str(created).encode())
    if query.stream:
        return sse_response(stamp.fill(values), {})
    return MockResponse(200, {"content-type": "application/json"}, stamp.fill_one(values))


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
