"""OpenRouter's operations: the hooks the engine calls for each step, one group per operation (OR-SPEC paths)."""

from typing import Any

from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.behaviour.validation import SchemaProblem, zod_message
from mockserver.engine.call import Call, Operation
from mockserver.engine.journal import mask_secret
from mockserver.http import MockResponse, json_bytes, json_response
from mockserver.providers.openai_compat import BodyRules, query_from_body, read_body, sse_response
from mockserver.providers.openrouter import documents, listing, reasoning, router
from mockserver.providers.openrouter.errors import BASE_HEADERS, error, user_id_for
from mockserver.providers.openrouter.stream import stream_events
from mockserver.providers.openrouter.usage import usage_of
from mockserver.stamp import Stamp, slot

__all__ = ["OPERATIONS", "RULES", "remember"]


def _invalid(call: Call, problem: SchemaProblem | None) -> Any:
    if problem is None:
        return error(400, "Invalid request: body must be an object")
    # Exact wording of OpenRouter's validation messages was not captured; the shape (400, error_type) is OR-DOCS.
    where = problem.path or "body"
    return error(400, f"Invalid request: {where}: {zod_message(problem)}",
                 metadata={"error_type": "invalid_request", "param": where})  # fmt: skip


def _prompt_as_messages(call: Call, kind: str, body: Any) -> Any:
    if kind != "chat-request" or not isinstance(body, dict) or body.get("messages"):
        return body
    if not body.get("prompt"):
        # [obs] OpenRouter chat endpoint quoted in a public PHP test and a 2026-08 live audit: no user_id
        raise error(400, 'Input required: specify "prompt" or "messages"', user=False)
    rest = {k: v for k, v in body.items() if k != "prompt"}
    return rest | {"messages": [{"role": "user", "content": body["prompt"]}]}


# application/vnd.api+json and other +json types are read as JSON (observed 200); anything else is a 400.
RULES = BodyRules(
    provider="openrouter",
    accepts=lambda media: media == "application/json" or media.endswith("+json"),
    default_type="",
    bad_type=lambda call, media: error(400, f"Invalid content type {media!r}: expected application/json",
                                       metadata={"error_type": "invalid_request"}),
    not_json=lambda call, reason: error(400, f"Invalid JSON in request body: {reason}",
                                        metadata={"error_type": "invalid_request"}),
    invalid=_invalid,
    prepare=_prompt_as_messages,
)  # fmt: skip


def _headers(gen_id: str) -> dict[str, str]:
    return BASE_HEADERS | {"X-Generation-Id": gen_id}  # OR-DOCS streaming.mdx: on all generation endpoints


_JSON_HEADERS = {"content-type": "application/json"} | BASE_HEADERS


def _model(call: Call, body: dict[str, Any]) -> Any:
    return documents.pick_model(call.state.catalogue, body)


def _served(call: Call, body: dict[str, Any]) -> documents.Served:
    """The endpoint routing chose and the shapes this request's quirks and headers ask for."""
    assert call.model is not None
    selection = documents.route(call.model, body)
    metadata = router.success_metadata(call.model, body, selection) if router.opted_in(call.request) else None
    return documents.Served(call.model, selection.provider or "", call.quirk("openrouter.usage"), metadata)


def _remember(call: Call, gen_id: str, record: dict[str, Any]) -> None:
    """Keep the generation for ``GET /generation``: ``record`` (``_record``) with this call's id, time and latency."""
    latency = call.between(150, 900)  # milliseconds, drawn from the call's seeded stream: bytes repeat with --seed
    call.state.remember(gen_id, record, call.now, latency)


def _record(call: Call, served: documents.Served, reply: Reply, streamed: bool, api_type: str) -> dict[str, Any]:
    """The generation record without its per-call fields (``_remember`` sets them): the same for identical requests."""
    app = documents.app_of(call.request)
    return documents.generation_record("", "", served, reply, streamed, 0, api_type, app)


def _stamped(gen_id: str, created: int) -> tuple[bytes, bytes]:
    """The per-call values of a stamped OpenRouter document (slots 0 and 1: ``id`` and ``created``)."""
    return f'"{gen_id}"'.encode(), str(created).encode()


# POST /chat/completions ---------------------------------------------------------------------------------------


def _chat_query(call: Call, body: dict[str, Any]) -> ChatQuery:
    assert call.model is not None
    documents.route(call.model, body)  # routing options that leave no endpoint: 404 before anything is generated
    query = query_from_body(body, "openrouter", "chat_completions", call.model.id, call.model.family)
    query.thinking = reasoning.thinking_of(call.model, body, query.messages)
    return query


def _chat_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert call.model is not None and reply is not None
    kept = call.kept.get("chat")
    if kept is None:  # rendered once per distinct request, with the id and the time as slots (mockserver.stamp)
        kept = call.kept["chat"] = _chat_kept(call, query, reply)
    stamp, record = kept
    gen_id = documents.generation_id(call)
    _remember(call, gen_id, record)
    values = _stamped(gen_id, int(call.now))
    if query.stream:
        return sse_response(stamp.fill(values), _headers(gen_id))
    return MockResponse(200, _JSON_HEADERS | {"X-Generation-Id": gen_id}, stamp.fill_one(values))


def _chat_kept(call: Call, query: ChatQuery, reply: Reply) -> tuple[Stamp, dict[str, Any]]:
    served = _served(call, query.body)
    record = _record(call, served, reply, query.stream, "completions")
    if query.stream:
        fault = call.controls.stream_fault
        style = call.quirk("openrouter.usage_chunk")
        events = stream_events(slot(0), slot(1), served, reply, fault.index if fault else None, style)
        return Stamp(list(events)), record
    return Stamp([json_bytes(documents.completion_document(slot(0), slot(1), served, reply))]), record


# POST /completions (legacy text completion, OR-SPEC-2025) ------------------------------------------------------


def _completions_body(call: Call) -> dict[str, Any]:
    body = read_body(call, "completions-request", RULES)
    prompt = body.get("prompt")
    if not isinstance(prompt, str | list) or not prompt:
        raise error(400, "Invalid request: prompt: Required", metadata={"error_type": "invalid_request"})
    return body


def _completions_query(call: Call, body: dict[str, Any]) -> ChatQuery:
    assert call.model is not None
    documents.route(call.model, body)
    prompt = body["prompt"]
    text = prompt if isinstance(prompt, str) else " ".join(map(str, prompt))
    chat = {"messages": [{"role": "user", "content": text}]} | {
        k: body[k] for k in ("max_tokens", "stop", "seed", "model", "models", "provider") if k in body
    }
    return query_from_body(chat, "openrouter", "completions", call.model.id, call.model.family)


def _completions_render(call: Call, query: ChatQuery, reply: Reply | None) -> MockResponse:
    assert call.model is not None and reply is not None
    gen_id, served = documents.generation_id(call), _served(call, query.body)
    _remember(call, gen_id, _record(call, served, reply, False, "completions"))
    document: dict[str, Any] = {
        "id": gen_id,
        "object": "text_completion",
        "created": int(call.now),
        "model": call.model.id,
        "provider": served.provider,
        "system_fingerprint": None,
        "choices": [{"text": reply.text, "index": 0, "logprobs": None, "finish_reason": reply.finish}],
        "usage": usage_of(call.model, reply.prompt_tokens, reply.completion_tokens, served.usage),
    }
    if served.metadata is not None:
        document["openrouter_metadata"] = served.metadata  # router-metadata.mdx: legacy completions too
    return json_response(200, document, _headers(gen_id))


# Catalogue and account ------------------------------------------------------------------------------------------


def list_models(call: Call) -> MockResponse:
    """GET /models: public, no key needed; prices are strings in USD per token (OR-SPEC PublicPricing); the 2026
    query filters, sort and pagination are in ``listing.py``."""
    return json_response(200, listing.listing(call.state.catalogue.models, call.request, call.now), BASE_HEADERS)


def count_models(call: Call) -> MockResponse:
    """GET /models/count (OR-SPEC listModelsCount): public like /models (the mock's reading: same security)."""
    return json_response(200, listing.count(call.state.catalogue.models, call.request), BASE_HEADERS)


def list_endpoints(call: Call) -> MockResponse:
    """GET /models/{author}/{slug}/endpoints ([obs] endpoint listings, wire-contracts 1.6)."""
    model = call.state.catalogue.get(f"{call.params['author']}/{call.params['slug']}")
    if model is None:
        raise error(404, "Model not found", metadata={"error_type": "not_found"}, user=False)
    entry = model.entry
    endpoints = entry["mock"]["endpoints"]
    data = {
        "id": entry["id"],
        "name": entry["name"],
        "created": entry["created"],
        "description": entry["description"][:200] + "...",
        "architecture": entry["architecture"],
        "endpoints": [router.public(e) | {"model_id": entry["id"], "model_name": entry["name"]} for e in endpoints],
    }
    return json_response(200, {"data": data}, BASE_HEADERS)


def get_generation(call: Call) -> MockResponse:
    """GET /generation?id=gen-…: stats of a generation this mock produced."""
    gen_id = call.request.query.get("id")
    if not gen_id:
        raise error(400, "Invalid request: id: Required", metadata={"error_type": "invalid_request"})
    record = call.state.generation(gen_id)
    if record is None:
        raise error(404, f"Generation {gen_id} not found", metadata={"error_type": "not_found"})
    return json_response(200, {"data": record}, BASE_HEADERS)


def get_key(call: Call) -> MockResponse:
    """GET /key: the calling key's limits and usage, label masked (OR-DOCS limits.mdx)."""
    usage = round(call.state.usage, 12)
    data = {
        "label": mask_secret(call.caller or "").replace("…", "..."),
        "limit": None,
        "limit_reset": None,
        "limit_remaining": None,
        "include_byok_in_limit": False,
        "usage": usage,
        "usage_daily": usage,
        "usage_weekly": usage,
        "usage_monthly": usage,
        "byok_usage": 0,
        "byok_usage_daily": 0,
        "byok_usage_weekly": 0,
        "byok_usage_monthly": 0,
        "is_free_tier": False,
        "is_management_key": False,
        "is_provisioning_key": False,
        "creator_user_id": user_id_for(call.caller or ""),  # OR-SPEC getCurrentKey 2026: required
        "expires_at": None,
        "rate_limit": {"requests": -1, "interval": "10s", "note": "This field is deprecated and safe to ignore."},
    }
    return json_response(200, {"data": data}, BASE_HEADERS)


def get_credits(call: Call) -> MockResponse:
    """GET /credits; an ordinary key gets zeros, as observed ([3p] openchamber PR #3411), or the documented 403."""
    if call.quirk("openrouter.credits") == "docs":
        raise error(403, "Only management keys can perform this operation")
    return json_response(200, {"data": {"total_credits": 0, "total_usage": round(call.state.usage, 12)}}, BASE_HEADERS)


OPERATIONS = {
    op.name: op
    for op in [
        Operation("chat_completions", parse=lambda call: read_body(call, "chat-request", RULES), model=_model,
                  query=_chat_query, render=_chat_render, stream_faults=("error",)),
        Operation("completions", parse=_completions_body, model=_model, query=_completions_query,
                  render=_completions_render),
        Operation("list_models", respond=list_models, public=True),
        Operation("list_endpoints", respond=list_endpoints, public=True),
        Operation("count_models", respond=count_models, public=True),
        Operation("get_generation", respond=get_generation),
        Operation("get_key", respond=get_key),
        Operation("get_credits", respond=get_credits),
    ]
}  # fmt: skip

# What the other generating doors (responses.py, messages.py) share with chat: one router, one generation record.
def remember(call: Call, gen_id: str, served: documents.Served, reply: Reply, streamed: bool) -> None:
    """Keep a generation of another door (its record is built for each call: those doors keep no stamp yet)."""
    _remember(call, gen_id, _record(call, served, reply, streamed, "completions"))


served, generation_headers, model_of = _served, _headers, _model
