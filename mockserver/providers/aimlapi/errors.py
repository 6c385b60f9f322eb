"""AI/ML API's error envelopes: the documented ``{requestId, statusCode, timestamp, path, message}`` and the 2026
problem+json one (quirk ``aimlapi.errors``). Every AI/ML API error becomes a response here and nowhere else."""

import time
from typing import Any

from mockserver.engine.call import Call
from mockserver.errors import ErrorKind, ProviderError
from mockserver.http import MockResponse, json_response

__all__ = ["FAULTS", "body_error", "error", "render_error", "upstream_path"]

_KINDS = {400: ErrorKind.INVALID, 401: ErrorKind.UNAUTHORIZED, 403: ErrorKind.PAYMENT, 404: ErrorKind.NOT_FOUND,
          413: ErrorKind.TOO_LARGE, 429: ErrorKind.THROTTLED, 500: ErrorKind.INTERNAL, 502: ErrorKind.UPSTREAM,
          503: ErrorKind.UNAVAILABLE, 504: ErrorKind.TIMEOUT}  # fmt: skip

# Messages from AIML-DOCS errors-with-status-code-4xx.md / 5xx.md, for ``x-mock-fault: <status>``.
MESSAGES = {
    401: "This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys",
    403: "You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
    429: "Too Many Requests",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service unavailable",
    504: "Generation timeout",
}


def error(status: int, message: str) -> ProviderError:
    """An AI/ML API error (not OpenAI's ``{"error": …}``)."""
    return ProviderError(_KINDS.get(status, ErrorKind.INVALID), message, status=status)


def body_error(detail: str) -> ProviderError:
    """AIML-DOCS 4xx: "Body validation error!" then zod details (Expected ..., received ...)."""
    return error(400, f"Body validation error!\n{detail}")


def _fault(status: int) -> Any:
    return lambda call: error(status, MESSAGES[status])


FAULTS = {str(status): _fault(status) for status in MESSAGES}


def upstream_path(call: Call) -> str:
    """The request path as AI/ML API would see it (``/v1/...``), whether sent to the mount or the root."""
    segments = call.request.segments
    return "/" + "/".join(segments[1:] if segments[:1] == ["aimlapi"] else segments)


def _worded(call: Call, exc: ProviderError) -> tuple[int, str]:
    if exc.message is not None:
        return exc.status or 400, exc.message
    if exc.kind in (ErrorKind.NOT_FOUND, ErrorKind.METHOD_NOT_ALLOWED):
        # AIML-DOCS 4xx: 404 for an unknown endpoint; NestJS-style "Cannot <METHOD> <path>" wording is assumed.
        return 404, f"Cannot {call.request.method} {upstream_path(call)}"
    if exc.kind is ErrorKind.TOO_LARGE:
        return 413, "request entity too large"
    if exc.kind is ErrorKind.THROTTLED:
        # AIML-DOCS errors-with-status-code-4xx.md: 429 "Too Many Requests"; no Retry-After or X-RateLimit-*
        # on any observed response ([3p] api-evangelist/aimlapi rate-limits probe, 2026-08).
        return 429, "Too Many Requests"
    if exc.kind is ErrorKind.UNSUPPORTED:
        # Not captured: AI/ML API's wording for a parameter the model does not take is assumed to be its zod
        # body-validation message (AIML-DOCS 4xx "Body validation error!").
        return 400, f"Body validation error!\n{exc.facts['feature']} is not supported by this model"
    if exc.kind is ErrorKind.CONTEXT:
        facts = exc.facts
        used, wanted = facts["prompt"], facts["wanted"]
        return 400, (
            f"This model's maximum context length is {facts['context']} tokens and its output is "
            f"limited to {facts['max_output']} tokens. However, you requested {used + wanted} "
            f"tokens ({used} in the messages, {wanted} in the completion)."
        )
    return 500, "Internal server error"


def render_error(call: Call, exc: ProviderError) -> MockResponse:
    """Render in the envelope the ``aimlapi.errors`` quirk chooses; ``statusCode`` is a number (AIML-DOCS batch)."""
    status, message = _worded(call, exc)
    timestamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(call.now)) + f".{int(call.now % 1 * 1000):03d}Z"
    if call.quirk("aimlapi.errors") == "problem-2026":
        return _problem(call, status, message, timestamp, exc.headers)
    document = {
        "requestId": call.uuid(),
        "statusCode": status,
        "timestamp": timestamp,
        "path": upstream_path(call),
        "message": message,
    }
    return json_response(status, document, exc.headers)


def _problem(call: Call, status: int, message: str, timestamp: str, headers: dict[str, str]) -> MockResponse:
    # [obs] api-evangelist/aimlapi errors/aimlapi-problem-types.yml (live probe 2026-08-30): 401 and 404 shapes;
    # the other titles/exception names follow the same NestJS pattern (assumed).
    title, name = _PROBLEMS.get(status, ("Error", "HttpException"))
    document = {
        "title": title,
        "status": status,
        "message": message,
        "instance": upstream_path(call),
        "requestId": call.uuid(),
        "timestamp": timestamp,
        "error": {"name": name, "message": message},
    }
    response = json_response(status, document, headers)
    response.headers["content-type"] = "application/problem+json; charset=utf-8"
    return response


_PROBLEMS = {
    400: ("Bad Request", "BadRequestException"),
    401: ("Unauthorized", "UnauthorizedException"),
    403: ("Forbidden", "ForbiddenException"),
    404: ("Not Found", "NotFoundException"),
    413: ("Payload Too Large", "PayloadTooLargeException"),
    429: ("Too Many Requests", "ThrottlerException"),
    500: ("Internal Server Error", "InternalServerErrorException"),
    502: ("Bad Gateway", "BadGatewayException"),
    503: ("Service Unavailable", "ServiceUnavailableException"),
    504: ("Gateway Timeout", "GatewayTimeoutException"),
}
