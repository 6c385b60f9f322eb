"""AI/ML API's HTTP side: auth, body validation, then the responder; one function per operation."""

import time
from typing import Any

from mockserver.core import Call, parse_json_body
from mockserver.behaviour.generate import prompt_tokens
from mockserver.http import MockResponse, json_response
from mockserver.behaviour.limits import admit
from mockserver.providers.aimlapi import responder
from mockserver.providers.aimlapi.errors import AimlError
from mockserver.providers.openai_chat import query_from_body, sse_response
from mockserver.behaviour.quirks import quirk
from mockserver.behaviour.replies import resolve_reply
from mockserver.behaviour.validation import SchemaProblem, first_problem, zod_message

__all__ = ["HANDLERS"]

# Messages from AIML-DOCS errors-with-status-code-4xx.md / 5xx.md, for ``x-mock-fault: <status>``.
FAULTS = {
    401: "This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys",
    403: "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
    429: "Too Many Requests",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service unavailable",
    504: "Generation timeout",
}


def authenticate(call: Call) -> str:
    """Require ``Authorization: Bearer <key>`` (AIML-SPEC securitySchemes); a missing or unknown key is 401."""
    key = call.request.bearer_token()
    allowed = call.config.api_keys.get("aimlapi")
    if not key or (allowed and key not in allowed):
        raise AimlError.for_call(call, 401, FAULTS[401])
    call.caller = key
    return key


def _body_error(call: Call, detail: str) -> AimlError:
    # AIML-DOCS 4xx: "Body validation error!" then zod details (Expected ..., received ...).
    return AimlError.for_call(call, 400, f"Body validation error!\n{detail}")


def read_body(call: Call) -> dict[str, Any]:
    """Parse and validate the body with ``contracts/schemas/aimlapi/chat-request.json``."""
    try:
        body = parse_json_body(call.request)
    except ValueError as exc:
        raise AimlError.for_call(call, 400, f"Unexpected token in JSON body: {exc}") from exc
    problem = first_problem("aimlapi", "chat-request", body)
    if problem is not None:
        raise _body_error(call, _describe(problem))
    return dict(body)


def _describe(problem: SchemaProblem) -> str:
    return f'{zod_message(problem)} at "{problem.path}"' if problem.path else zod_message(problem)


def chat_completions(call: Call) -> MockResponse:
    """POST /v1/chat/completions: JSON or SSE."""
    authenticate(call)
    content_type = (call.request.header("content-type") or "application/json").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise _body_error(call, f"Expected object, received string (content type {content_type!r})")
    body = read_body(call)
    entry = call.state.models.get(body["model"])
    call.model = body["model"]
    if entry is None:
        options = " | ".join(f"'{m}'" for m in call.state.models)
        raise _body_error(call, f"Invalid enum value. Expected {options}, received '{body['model']}' at \"model\"")
    fault = call.request.header("x-mock-fault")
    if fault and fault.isdigit() and int(fault) in FAULTS:
        raise AimlError.for_call(call, int(fault), FAULTS[int(fault)])
    query = query_from_body(body, "aimlapi", "chat_completions", entry["id"], entry["mock"]["family"])
    info = entry["info"]
    used = prompt_tokens(query)
    if (query.max_tokens or 0) > info["outputMax"] or used + (query.max_tokens or 0) > info["contextLength"]:
        raise AimlError.for_call(
            call,
            400,
            f"This model's maximum context length is {info['contextLength']} tokens and its output is "
            f"limited to {info['outputMax']} tokens. However, you requested {used + (query.max_tokens or 0)} "
            f"tokens ({used} in the messages, {query.max_tokens or 0} in the completion).",
        )
    admit(call)
    answer = resolve_reply(call, query)
    if isinstance(answer, MockResponse):
        return answer
    response_id, created = responder.new_id(), int(time.time())
    if query.stream:
        done = quirk("aimlapi.done", call.config.quirks, call.request) == "on"
        return sse_response(responder.stream_events(response_id, created, entry, answer, done), {})
    if quirk("aimlapi.envelope", call.config.quirks, call.request) == "2026":
        return json_response(200, responder.completion_document_2026(created, entry, answer))
    return json_response(200, responder.completion_document(response_id, created, entry, answer))


def list_models(call: Call) -> MockResponse:
    """GET /v1/models: no key needed (AIML-DOCS complete-model-list.md)."""
    data = [{k: v for k, v in entry.items() if k != "mock"} for entry in call.state.models.values()]
    return json_response(200, {"object": "list", "data": data})


HANDLERS = {"chat_completions": chat_completions, "list_models": list_models}
