"""OpenRouter's error envelope ``{"error": {"message", "code", "metadata"?}, "user_id"?}`` (OR-SPEC, OR-DOCS).

Every OpenRouter error, the engine's own kinds included, becomes a response in ``render_error`` and nowhere else.
"""

import functools
import hashlib
import math
import string
from collections.abc import Mapping
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.limits import Breach
from mockserver.engine.call import Call
from mockserver.errors import ErrorKind, ProviderError
from mockserver.http import MockResponse, json_response
from mockserver.providers.openrouter import router

__all__ = ["BASE_HEADERS", "FAULTS", "availability", "error", "render_error", "user_id_for"]

_ALNUM = string.ascii_letters + string.digits

# Observed response headers on api/v1 ([obs] pydantic-ai and llm-openrouter cassettes, wire-contracts 1.1).
BASE_HEADERS = {
    "access-control-allow-origin": "*",
    "vary": "Accept-Encoding",
    "permissions-policy": (
        'payment=(self "https://checkout.stripe.com" "https://connect-js.stripe.com" '
        '"https://js.stripe.com" "https://*.js.stripe.com" "https://hooks.stripe.com")'
    ),
    "referrer-policy": "no-referrer, strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
}

_KINDS = {400: ErrorKind.INVALID, 401: ErrorKind.UNAUTHORIZED, 402: ErrorKind.PAYMENT, 403: ErrorKind.FORBIDDEN,
          404: ErrorKind.NOT_FOUND, 408: ErrorKind.TIMEOUT, 413: ErrorKind.TOO_LARGE, 429: ErrorKind.THROTTLED,
          500: ErrorKind.INTERNAL, 502: ErrorKind.UPSTREAM, 503: ErrorKind.UNAVAILABLE, 524: ErrorKind.TIMEOUT,
          529: ErrorKind.UNAVAILABLE}  # fmt: skip

# The typed error_type of each status (OR-DOCS errors-and-debugging.mdx §Typed error codes, OR-SPEC ApiErrorType),
# sent in error.metadata with the openrouter.errors quirk at 2026-08. 408, 524 and 529 have no row: 408/524 take
# `timeout` (its row is 504, "did not respond within the allowed time"), 529 "Provider Overloaded" (OR-SPEC
# ProviderOverloadedResponse) takes `provider_overloaded`. 405 is no documented kind and stays untyped.
_TYPES = {400: "invalid_request", 401: "authentication", 402: "payment_required", 403: "permission_denied",
          404: "not_found", 408: "timeout", 412: "precondition_failed", 413: "payload_too_large",
          422: "unprocessable", 429: "rate_limit_exceeded", 500: "server", 502: "provider_unavailable",
          503: "provider_overloaded", 504: "timeout", 524: "timeout", 529: "provider_overloaded"}  # fmt: skip


@functools.lru_cache(maxsize=1024)
def user_id_for(key: str) -> str:
    """A stable fake ``user_…`` id per key, as OpenRouter adds to authenticated errors."""
    digest = hashlib.sha256(key.encode()).digest()
    return "user_" + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:27])


def error(
    status: int,
    message: str,
    *,
    metadata: Mapping[str, Any] | None = None,
    user: bool = True,
    headers: Mapping[str, str] | None = None,
    error_type: str | None = None,
    availability: Mapping[str, Any] | None = None,
    routing: Mapping[str, Any] | None = None,
) -> ProviderError:
    """An OpenRouter error; ``user``: the body names the calling key's ``user_id`` (absent on 401s, [obs]).

    ``metadata`` is always sent; ``error_type`` (default: the status's typed code) and ``availability`` only with
    the ``openrouter.errors`` quirk at 2026-08; ``routing`` is the ``openrouter_metadata`` the error carries when
    the request opted in (errors raised after the router had routing state: router-metadata.mdx).
    """
    details: dict[str, Any] = {"user": user, "error_type": error_type or _TYPES.get(status)}
    if metadata is not None:
        details["metadata"] = dict(metadata)
    if availability is not None:
        details["availability"] = dict(availability)
    if routing is not None:
        details["routing"] = dict(routing)
    return ProviderError(
        _KINDS.get(status, ErrorKind.INVALID), message, status=status, headers=headers, details=details
    )


def _throttled(breach: Breach) -> ProviderError:
    # OR-DOCS limits.mdx "Handling 429 errors": "Rate limit exceeded" + error_type; X-RateLimit-* only on
    # OpenRouter-originated 429s; Reset as epoch milliseconds (wire-contracts 1.1/1.5).
    headers = {
        "X-RateLimit-Limit": str(breach.rule.limit),
        "X-RateLimit-Remaining": str(breach.remaining),
        "X-RateLimit-Reset": str(int(breach.reset_at * 1000)),
        "Retry-After": str(max(1, math.ceil(breach.retry_after))),
    }
    return error(429, "Rate limit exceeded", metadata={"error_type": "rate_limit_exceeded"}, headers=headers)


def availability(code: str, requested: list[str], **extra: Any) -> dict[str, Any]:
    """``error.availability`` of a model-availability error (OR-DOCS errors-and-debugging.mdx, changelog 2026-08-19).

    ``retryable`` is false for every code the mock raises (``model_not_found``, ``no_endpoints``).
    """
    return {"code": code, "retryable": False, "requested_models": requested, **extra,
            "docs_url": f"https://openrouter.ai/docs/errors#{code}"}  # fmt: skip


def _context(facts: Mapping[str, Any], call: Call) -> ProviderError:
    # Wording: [obs] Aider-AI/aider#3721 (with max_tokens, metadata.provider_name), topoteretes/cognee#1061
    # (no max_tokens: text input only, provider_name null), boldsoftware/shelley#159 ("of tool input"); 2026
    # traffic names the context-compression plugin where 2025 named the middle-out transform ([obs] crmne/ruby_llm
    # chat_real_error_scenarios_openrouter_claude-haiku-4-5_handles_context_length_exceeded_errors.yml, 2026-06-08).
    prompt, tools, wanted, context = facts["prompt"], facts["tools"], facts["wanted"], facts["context"]
    parts = [f"{prompt - tools} of text input"]
    parts += [f"{tools} of tool input"] if tools else []
    parts += [f"{wanted} in the output"] if wanted else []
    provider_name = call.model.entry["mock"]["provider_name"] if call.model is not None and wanted else None
    return error(
        400,
        f"This endpoint's maximum context length is {context} tokens. However, you requested about "
        f"{prompt + wanted} tokens ({', '.join(parts)}). Please reduce the length of either one, or use "
        "the context-compression plugin to compress your prompt automatically.",
        metadata={"provider_name": provider_name},
        error_type="context_length_exceeded",
    )


# OpenRouter routes by capability: no endpoint of the model supports the feature -> 404 "No endpoints found that
# support ..." ([obs] "tool use.", "image input", "the provided 'tool_choice' value": public agent test logs
# and error classifiers, 2025-2026); other features use the require_parameters wording (OR-DOCS
# provider-selection).
_UNSUPPORTED = {
    "tools": "No endpoints found that support tool use.",
    "vision": "No endpoints found that support image input",
    "tool_choice.any": "No endpoints found that support the provided 'tool_choice' value",
    "tool_choice.tool": "No endpoints found that support the provided 'tool_choice' value",
}


# [obs] AventurasTeam/Aventuras#48 (2026-01): 404 with this text and no user_id.
UNHANDLED_PARAMETERS = (
    "No endpoints found that can handle the requested parameters. To learn more about provider routing, "
    "visit: https://openrouter.ai/docs/guides/routing/provider-selection"
)


def no_endpoints(model: Model | None, message: str = UNHANDLED_PARAMETERS) -> ProviderError:
    """The routing 404 when no endpoint of ``model`` can take the request (capabilities, require_parameters)."""
    routing = router.failure_metadata(model) if model is not None else None
    return error(404, message, user=False, routing=routing)


def _unsupported(call: Call, feature: str) -> ProviderError:
    return no_endpoints(call.model, _UNSUPPORTED.get(feature, UNHANDLED_PARAMETERS))


def _worded(call: Call, exc: ProviderError) -> ProviderError:
    """Give the engine's own kinds (raised without words) OpenRouter's status and wording."""
    if exc.message is not None:
        return exc
    kind = exc.kind
    if kind is ErrorKind.THROTTLED:
        return _throttled(exc.facts["breach"])
    if kind is ErrorKind.CONTEXT:
        return _context(exc.facts, call)
    if kind is ErrorKind.UNSUPPORTED:
        return _unsupported(call, exc.facts["feature"])
    if kind is ErrorKind.METHOD_NOT_ALLOWED:
        return error(405, "Method Not Allowed", user=False)
    if kind is ErrorKind.NOT_FOUND:
        return error(404, "Not Found", user=False)
    if kind is ErrorKind.TOO_LARGE:
        return error(413, "Request payload too large", user=False)  # OR-SPEC PayloadTooLargeResponse example
    return error(500, "Internal Server Error", metadata={"error_type": "server"}, user=False)


def render_error(call: Call, exc: ProviderError) -> MockResponse:
    """The body OpenRouter sends; HTTP status equals ``error.code`` for request-level errors."""
    exc = _worded(call, exc)
    status = exc.status or 400
    details = exc.details
    typed = call.quirk("openrouter.errors") != "2026-06"  # 2026-06: as June 2026 traffic, untyped, no availability
    body: dict[str, Any] = {"message": exc.message, "code": status}
    if typed and "availability" in details:
        body["availability"] = details["availability"]
    metadata = dict(details.get("metadata") or {})
    if typed and details.get("error_type"):
        metadata.setdefault("error_type", details["error_type"])
    if metadata or "metadata" in details:
        body["metadata"] = metadata
    document: dict[str, Any] = {"error": body}
    if details.get("user") and call.caller:
        document["user_id"] = user_id_for(call.caller)  # a top-level sibling ([obs] 400/402/403/429 samples)
    # router-metadata.mdx §Error Responses: a top-level sibling of error, opt-in; never on 500s (masked).
    if "routing" in details and status != 500 and router.opted_in(call.request):
        document["openrouter_metadata"] = details["routing"]
    return json_response(status, document, BASE_HEADERS | exc.headers)


def _fault(
    status: int,
    message: str,
    metadata: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    routed: int | None = None,
    pipeline: tuple[Mapping[str, Any], ...] = (),
) -> Any:
    """A canned fault; ``routed``: the router had state (its attempt number), so the error carries it when asked."""

    def raise_it(call: Call) -> ProviderError:
        routing = None
        if routed is not None and call.model is not None:
            failed = status if routed else None
            routing = router.failure_metadata(call.model, attempt=routed, status=failed, pipeline=pipeline)
        return error(status, message, metadata=metadata, headers=headers, routing=routing)

    return raise_it


# OR-DOCS errors-and-debugging.mdx §Guardrail errors: the 403 body and, opted in, its guardrail pipeline stage.
_PATTERNS = ["ignore all previous instructions"]
_GUARDRAIL = {"type": "guardrail", "name": "regex_pi_detection", "guardrail_scope": "api-key",
              "summary": "Blocked: prompt injection detected (1 pattern matched)",
              "data": {"action": "blocked", "detected": True, "engines": ["regex"], "patterns": _PATTERNS}}  # fmt: skip

# Canned faults for ``x-mock-fault: <status>``: every status OR-SPEC lists for POST /chat/completions but 400, 401
# and 404 (which real requests reach). Messages as OpenRouter words them (OR-DOCS errors, limits; [obs]), else
# OR-SPEC's example for that status (408, 413, 422, 524, 529). Router metadata on 403 (guardrail) and the 5xx
# classes router-metadata.mdx names (502, 503, 529), not on 500 (masked), 429 or edge errors (408, 413, 422, 524).
FAULTS = {
    "402": _fault(
        402,
        "This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only "
        "afford 2666. To increase, visit https://openrouter.ai/settings/credits and add more credits",
        {"provider_name": None},
    ),
    "403": _fault(403, "Request blocked: prompt injection patterns detected", {"patterns": _PATTERNS},
                  routed=1, pipeline=(_GUARDRAIL,)),
    "408": _fault(408, "Operation timed out. Please try again later."),
    "413": _fault(413, "Request payload too large"),
    "422": _fault(422, "Invalid argument"),
    # X-RateLimit-* only on OpenRouter-originated 429s (OR-DOCS limits.mdx)
    "429": _fault(429, "Rate limit exceeded: free-models-per-min.", {"error_type": "rate_limit_exceeded"},
                  {"X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1790000000000",
                   "Retry-After": "1"}),
    "500": _fault(500, "Internal Server Error", {"error_type": "server"}),
    "502": _fault(502, "Provider returned error",
                  {"provider_name": "DeepInfra", "raw": "upstream connect error", "is_byok": False}, routed=1),
    # OR-DOCS errors: 503 "no available model provider that meets your routing requirements"; Retry-After on 503s
    "503": _fault(503, "No allowed providers are available for the selected model.", None, {"Retry-After": "2"},
                  routed=1),
    "524": _fault(524, "Request timed out. Please try again later."),
    "529": _fault(529, "Provider returned error", routed=1),
}  # fmt: skip
