"""OpenRouter's error envelope ``{"error": {"message", "code", "metadata"?}, "user_id"?}`` (OR-SPEC, OR-DOCS).

Every OpenRouter error, the engine's own kinds included, becomes a response in ``render_error`` and nowhere else.
"""

import functools
import hashlib
import math
import string
from collections.abc import Mapping
from typing import Any

from mockserver.behaviour.limits import Breach
from mockserver.engine.call import Call
from mockserver.errors import ErrorKind, ProviderError
from mockserver.http import MockResponse, json_response

__all__ = ["BASE_HEADERS", "FAULTS", "error", "render_error", "user_id_for"]

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
          404: ErrorKind.NOT_FOUND, 408: ErrorKind.TIMEOUT, 429: ErrorKind.THROTTLED, 500: ErrorKind.INTERNAL,
          502: ErrorKind.UPSTREAM, 503: ErrorKind.UNAVAILABLE}  # fmt: skip


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
) -> ProviderError:
    """An OpenRouter error; ``user``: the body names the calling key's ``user_id`` (absent on 401s, [obs])."""
    details: dict[str, Any] = {"user": user}
    if metadata is not None:
        details["metadata"] = dict(metadata)
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


def _context(facts: Mapping[str, Any], call: Call) -> ProviderError:
    # Wording: [obs] Aider-AI/aider#3721 (with max_tokens, metadata.provider_name), topoteretes/cognee#1061
    # (no max_tokens: text input only, provider_name null), boldsoftware/shelley#159 ("of tool input").
    prompt, tools, wanted, context = facts["prompt"], facts["tools"], facts["wanted"], facts["context"]
    parts = [f"{prompt - tools} of text input"]
    parts += [f"{tools} of tool input"] if tools else []
    parts += [f"{wanted} in the output"] if wanted else []
    provider_name = call.model.entry["mock"]["provider_name"] if call.model is not None and wanted else None
    return error(
        400,
        f"This endpoint's maximum context length is {context} tokens. However, you requested about "
        f"{prompt + wanted} tokens ({', '.join(parts)}). Please reduce the length of either one, or use "
        'the "middle-out" transform to compress your prompt automatically.',
        metadata={"provider_name": provider_name},
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


def _unsupported(feature: str) -> ProviderError:
    message = _UNSUPPORTED.get(
        feature,
        "No endpoints found that can handle the requested parameters. To learn more about provider routing, "
        "visit: https://openrouter.ai/docs/guides/routing/provider-selection",
    )
    return error(404, message, user=False)


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
        return _unsupported(exc.facts["feature"])
    if kind is ErrorKind.METHOD_NOT_ALLOWED:
        return error(405, "Method Not Allowed", user=False)
    if kind is ErrorKind.NOT_FOUND:
        return error(404, "Not Found", user=False)
    if kind is ErrorKind.TOO_LARGE:
        return error(413, "Request body too large", metadata={"error_type": "payload_too_large"}, user=False)
    return error(500, "Internal Server Error", metadata={"error_type": "server"}, user=False)


def render_error(call: Call, exc: ProviderError) -> MockResponse:
    """The body OpenRouter sends; HTTP status equals ``error.code`` for request-level errors."""
    exc = _worded(call, exc)
    status = exc.status or 400
    body: dict[str, Any] = {"message": exc.message, "code": status}
    if "metadata" in exc.details:
        body["metadata"] = exc.details["metadata"]
    document: dict[str, Any] = {"error": body}
    if exc.details.get("user") and call.caller:
        document["user_id"] = user_id_for(call.caller)  # a top-level sibling ([obs] 400/402/403/429 samples)
    return json_response(status, document, BASE_HEADERS | exc.headers)


def _fault(status: int, message: str, metadata: Mapping[str, Any] | None, headers: Mapping[str, str]) -> Any:
    return lambda call: error(status, message, metadata=metadata, headers=headers)


# Canned faults for ``x-mock-fault: <status>``, messages as OpenRouter words them (OR-DOCS errors, limits; [obs]).
FAULTS = {
    "402": _fault(
        402,
        "This request requires more credits, or fewer max_tokens. You requested up to 16384 tokens, but can only "
        "afford 2666. To increase, visit https://openrouter.ai/settings/credits and add more credits",
        {"provider_name": None},
        {},
    ),
    "403": _fault(403, "Request blocked: prompt injection patterns detected",
                  {"error_type": "content_policy_violation"}, {}),
    "408": _fault(408, "Request timed out", {"error_type": "timeout"}, {}),
    # X-RateLimit-* only on OpenRouter-originated 429s (OR-DOCS limits.mdx)
    "429": _fault(429, "Rate limit exceeded: free-models-per-min.", {"error_type": "rate_limit_exceeded"},
                  {"X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1790000000000",
                   "Retry-After": "1"}),
    "500": _fault(500, "Internal Server Error", {"error_type": "server"}, {}),
    "502": _fault(502, "Provider returned error",
                  {"provider_name": "DeepInfra", "raw": "upstream connect error", "is_byok": False}, {}),
    "503": _fault(503, "No allowed providers are available for the selected model.",
                  {"error_type": "provider_unavailable"}, {"Retry-After": "2"}),
}  # fmt: skip
