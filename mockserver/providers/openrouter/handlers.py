"""OpenRouter's HTTP side: auth, body parsing and validation, then the responder; one function per operation."""

import time
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.core import Call, parse_json_body
from mockserver.behaviour.generate import prompt_tokens
from mockserver.http import MockResponse, json_response
from mockserver.engine.journal import mask_secret
from mockserver.behaviour.limits import admit
from mockserver.providers.openai_chat import query_from_body, sse_response
from mockserver.providers.openrouter import responder
from mockserver.providers.openrouter.errors import BASE_HEADERS, OpenRouterError
from mockserver.behaviour.quirks import quirk
from mockserver.behaviour.replies import resolve_reply
from mockserver.behaviour.validation import first_problem, zod_message

__all__ = ["HANDLERS"]

# Canned faults for ``x-mock-fault: <status>``, messages as OpenRouter words them (OR-DOCS errors, limits; [obs]).
FAULTS: dict[int, tuple[str, dict[str, Any] | None, dict[str, str]]] = {
    402: (
        "This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only "
        "afford 2666. To increase, visit https://openrouter.ai/settings/credits and add more credits",
        {"provider_name": None},
        {},
    ),
    403: ("Request blocked: prompt injection patterns detected", {"error_type": "content_policy_violation"}, {}),
    408: ("Request timed out", {"error_type": "timeout"}, {}),
    # X-RateLimit-* only on OpenRouter-originated 429s (OR-DOCS limits.mdx)
    429: (
        "Rate limit exceeded: free-models-per-min.",
        {"error_type": "rate_limit_exceeded"},
        {
            "X-RateLimit-Limit": "20",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1790000000000",
            "Retry-After": "1",
        },
    ),
    500: ("Internal Server Error", {"error_type": "server"}, {}),
    502: (
        "Provider returned error",
        {"provider_name": "DeepInfra", "raw": "upstream connect error", "is_byok": False},
        {},
    ),
    503: (
        "No allowed providers are available for the selected model.",
        {"error_type": "provider_unavailable"},
        {"Retry-After": "2"},
    ),
}


def authenticate(call: Call) -> tuple[str, str]:
    """Return the key and its user id; 401s as observed ([obs] error-401-* captures)."""
    key = call.request.bearer_token()
    if not key:
        raise OpenRouterError(401, "No cookie auth credentials found")
    allowed = call.config.api_keys.get("openrouter")
    if allowed and key not in allowed:
        raise OpenRouterError(401, "User not found.")
    call.caller = key
    return key, responder.user_id_for(key)


def read_body(call: Call, user_id: str, kind: str) -> dict[str, Any]:
    """Check content type, parse JSON and validate against ``contracts/schemas/openrouter/<kind>.json``."""
    content_type = (call.request.header("content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise OpenRouterError(
            400,
            f"Invalid content type {content_type!r}: expected application/json",
            metadata={"error_type": "invalid_request"},
            user_id=user_id,
        )
    try:
        body = parse_json_body(call.request)
    except ValueError as exc:
        raise OpenRouterError(
            400, f"Invalid JSON in request body: {exc}", metadata={"error_type": "invalid_request"}, user_id=user_id
        ) from exc
    if kind == "chat-request" and isinstance(body, dict) and not body.get("messages"):
        if not body.get("prompt"):
            # [obs] OpenRouter chat endpoint quoted in a public PHP test and a 2026-08 live audit: no user_id
            raise OpenRouterError(400, 'Input required: specify "prompt" or "messages"')
        body = {k: v for k, v in body.items() if k != "prompt"} | {
            "messages": [{"role": "user", "content": body["prompt"]}]
        }
    problem = first_problem("openrouter", kind, body)
    if problem is not None:
        # Exact wording of OpenRouter's validation messages was not captured; the shape (400, error_type) is OR-DOCS.
        where = problem.path or "body"
        raise OpenRouterError(
            400,
            f"Invalid request: {where}: {zod_message(problem)}",
            metadata={"error_type": "invalid_request", "param": where},
            user_id=user_id,
        )
    if not isinstance(body, dict):
        raise OpenRouterError(400, "Invalid request: body must be an object", user_id=user_id)
    return body


def injected_fault(call: Call, user_id: str) -> None:
    """Raise the canned error asked for with ``x-mock-fault: <status>``."""
    wanted = call.request.header("x-mock-fault")
    if wanted and wanted.isdigit() and int(wanted) in FAULTS:
        message, metadata, headers = FAULTS[int(wanted)]
        raise OpenRouterError(int(wanted), message, metadata=metadata, user_id=user_id, headers=headers)


def _headers(gen_id: str) -> dict[str, str]:
    return BASE_HEADERS | {"X-Generation-Id": gen_id}  # OR-DOCS streaming.mdx: on all generation endpoints


def chat_completions(call: Call) -> MockResponse:
    """POST /chat/completions: JSON or SSE."""
    _, user_id = authenticate(call)
    body = read_body(call, user_id, "chat-request")
    entry = responder.pick_model(call.state, body, user_id)
    call.model = entry["id"]
    injected_fault(call, user_id)
    responder.check_parameters(entry, body, user_id)
    query = query_from_body(body, "openrouter", "chat_completions", entry["id"], entry["mock"]["family"])
    responder.check_limits(entry, query, prompt_tokens(query), user_id)
    admit(call)
    started = time.monotonic()
    answer = resolve_reply(call, query)
    call.model = entry["id"]
    if isinstance(answer, MockResponse):
        return answer
    return _deliver(call, entry, answer, query.stream, started)


def _deliver(call: Call, entry: dict[str, Any], reply: Reply, stream: bool, started: float) -> MockResponse:
    gen_id, created = responder.new_generation_id(), int(time.time())
    latency = int((time.monotonic() - started) * 1000)
    call.state.remember(responder.generation_record(gen_id, entry, reply, stream, latency))
    if stream:
        fault = call.request.header("x-mock-stream-fault")
        fault_at = int(fault) if fault and fault.isdigit() else None
        style = quirk("openrouter.usage_chunk", call.config.quirks, call.request)
        return sse_response(responder.stream_events(gen_id, created, entry, reply, fault_at, style), _headers(gen_id))
    return json_response(200, responder.completion_document(gen_id, created, entry, reply), _headers(gen_id))


def completions(call: Call) -> MockResponse:
    """POST /completions (legacy text completion, OR-SPEC-2025)."""
    _, user_id = authenticate(call)
    body = read_body(call, user_id, "completions-request")
    prompt = body.get("prompt")
    if not isinstance(prompt, str | list) or not prompt:
        raise OpenRouterError(
            400, "Invalid request: prompt: Required", metadata={"error_type": "invalid_request"}, user_id=user_id
        )
    entry = responder.pick_model(call.state, body, user_id)
    chat_body = {
        "messages": [{"role": "user", "content": prompt if isinstance(prompt, str) else " ".join(map(str, prompt))}]
    }
    chat_body |= {k: body[k] for k in ("max_tokens", "stop", "seed") if k in body}
    query = query_from_body(chat_body, "openrouter", "completions", entry["id"], entry["mock"]["family"])
    responder.check_limits(entry, query, prompt_tokens(query), user_id)
    call.model = entry["id"]
    admit(call)
    answer = resolve_reply(call, query)
    call.model = entry["id"]
    if isinstance(answer, MockResponse):
        return answer
    gen_id = responder.new_generation_id()
    call.state.remember(responder.generation_record(gen_id, entry, answer, False, 0))
    document = {
        "id": gen_id,
        "object": "text_completion",
        "created": int(time.time()),
        "model": entry["id"],
        "provider": entry["mock"]["provider_name"],
        "system_fingerprint": None,
        "choices": [{"text": answer.text, "index": 0, "logprobs": None, "finish_reason": answer.finish}],
        "usage": responder.usage_of(entry, answer),
    }
    return json_response(200, document, _headers(gen_id))


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "mock"}


def list_models(call: Call) -> MockResponse:
    """GET /models: public, no key needed; prices are strings in USD per token (OR-SPEC PublicPricing)."""
    models = [_public(entry) for entry in call.state.models.values()]
    return json_response(200, {"data": models}, BASE_HEADERS)


def list_endpoints(call: Call) -> MockResponse:
    """GET /models/{author}/{slug}/endpoints ([obs] endpoint listings, wire-contracts 1.6)."""
    model_id = f"{call.params['author']}/{call.params['slug']}"
    entry = call.state.models.get(model_id)
    if entry is None:
        raise OpenRouterError(404, "Model not found", metadata={"error_type": "not_found"})
    data = {
        "id": entry["id"],
        "name": entry["name"],
        "created": entry["created"],
        "description": entry["description"][:200] + "...",
        "architecture": entry["architecture"],
        "endpoints": [ep | {"model_id": entry["id"], "model_name": entry["name"]} for ep in entry["mock"]["endpoints"]],
    }
    return json_response(200, {"data": data}, BASE_HEADERS)


def get_generation(call: Call) -> MockResponse:
    """GET /generation?id=gen-…: stats of a generation this mock produced."""
    _, user_id = authenticate(call)
    gen_id = call.request.query.get("id")
    if not gen_id:
        raise OpenRouterError(
            400, "Invalid request: id: Required", metadata={"error_type": "invalid_request"}, user_id=user_id
        )
    record = call.state.generations.get(gen_id)
    if record is None:
        raise OpenRouterError(
            404, f"Generation {gen_id} not found", metadata={"error_type": "not_found"}, user_id=user_id
        )
    return json_response(200, {"data": record}, BASE_HEADERS)


def get_key(call: Call) -> MockResponse:
    """GET /key: the calling key's limits and usage, label masked (OR-DOCS limits.mdx)."""
    key, _ = authenticate(call)
    usage = round(call.state.usage, 12)
    data = {
        "label": mask_secret(key).replace("…", "..."),
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
        "expires_at": None,
        "rate_limit": {"requests": -1, "interval": "10s", "note": "This field is deprecated and safe to ignore."},
    }
    return json_response(200, {"data": data}, BASE_HEADERS)


def get_credits(call: Call) -> MockResponse:
    """GET /credits; an ordinary key gets zeros, as observed ([3p] openchamber PR #3411), or the documented 403."""
    _, user_id = authenticate(call)
    if quirk("openrouter.credits", call.config.quirks, call.request) == "docs":
        raise OpenRouterError(403, "Only management keys can perform this operation", user_id=user_id)
    return json_response(200, {"data": {"total_credits": 0, "total_usage": round(call.state.usage, 12)}}, BASE_HEADERS)


HANDLERS = {
    "chat_completions": chat_completions,
    "completions": completions,
    "list_models": list_models,
    "list_endpoints": list_endpoints,
    "get_generation": get_generation,
    "get_key": get_key,
    "get_credits": get_credits,
}
