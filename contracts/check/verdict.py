"""Verifying one exchange: status, content type, body or stream grammar, error extras and injected faults.

Checks compare shapes, statuses and stream grammars, never values: ids, ``created``, timestamps,
padding ``p``, latencies and request ids may change on every call and are not drift unless their
type or presence breaks the schema.
"""

from __future__ import annotations

import json

from contracts import registry
from contracts.check.catalogue import Case
from contracts.checks import ES_EXCEPTION, Violation, check
from contracts.targets import Exchange
from contracts.validate import UsageError, validate
from contracts.wire import sse

__all__ = ["CONTENT_TYPE", "ERROR_STATUS", "ERROR_TYPE", "FAULT", "HTTP_STATUS", "expected", "verify"]

HTTP_STATUS = check("http.status", "the status is the one the contract expects (2xx, or the provider's error status)")
CONTENT_TYPE = check("http.content-type", "the content type is the one the operation returns")
ERROR_STATUS = check("error.status-match", "the error body repeats the HTTP status (error.code, statusCode)")
ERROR_TYPE = check("bedrock.error-type", "x-amzn-ErrorType (or __type) names the expected Bedrock exception")
FAULT = check("fault.delivered", "an injected mid-stream fault arrives as the provider's in-stream error")


def expected(provider: str, case: Case) -> tuple[str, str]:
    """The kind and media type the answer to ``case`` must have, from the registry's operation."""
    facts = registry.provider(provider)
    op = facts.operation(case.operation)
    if case.status is not None:
        return op.error or facts.error, registry.JSON
    # OpenAI-compatible providers stream when the body asks; Bedrock's streaming operations always do.
    asked = isinstance(case.body, dict) and bool(case.body.get("stream"))
    if op.stream is not None and (op.always_streams or asked):
        return op.stream.kind, op.stream.media_type
    if not op.responses:
        raise UsageError(f"{provider} {op.name} has no response schema to check against")
    return op.responses[0], registry.JSON


def _excerpt(exchange: Exchange) -> str:
    text = exchange.content[:160].decode("utf-8", errors="replace").replace("\n", " ")
    return text + ("..." if len(exchange.content) > 160 else "")


def verify(provider: str, case: Case, exchange: Exchange) -> list[Violation]:
    """Return the violations of the contract in one answer: status, content type, body and stream grammar."""
    kind, wanted = expected(provider, case)
    if case.status is None and not 200 <= exchange.status < 300:
        return [HTTP_STATUS("$", f"status {exchange.status}, expected 2xx; body: {_excerpt(exchange)}")]
    found: list[Violation] = []
    if case.status is not None and exchange.status != case.status:
        found.append(HTTP_STATUS("$", f"status {exchange.status}, expected {case.status}; body: {_excerpt(exchange)}"))
        if 200 <= exchange.status < 300:
            return found  # a success body is no error body to validate
    content_type = exchange.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != wanted:
        found.append(CONTENT_TYPE("$", f"content-type {content_type or 'missing'!r}, expected {wanted}"))
    document: bytes | str = exchange.content
    if wanted == registry.SSE:  # SSE transcripts are text; event streams stay bytes
        document = exchange.content.decode("utf-8", errors="replace")
    found.extend(validate(provider, kind, document))
    if kind.endswith("error"):
        found.extend(_error_extras(provider, case, exchange))
    if case.fault:
        found.extend(_fault_delivered(provider, kind, document, found))
    return found


def _error_extras(provider: str, case: Case, exchange: Exchange) -> list[Violation]:
    try:
        body = json.loads(exchange.content)
    except (ValueError, UnicodeDecodeError):
        return []  # the json check has reported it
    body = body if isinstance(body, dict) else {}
    if provider == "bedrock":
        # botocore takes the code from x-amzn-ErrorType ("Name:http://internal.amazon.com/coral/...")
        # else from __type (BOTOCORE parsers.py _inject_error_code; wire-contracts §3.8).
        header = exchange.headers.get("x-amzn-errortype") or str(body.get("__type", ""))
        name = header.split(":")[0].split("#")[-1]
        if case.error and name != case.error:
            return [ERROR_TYPE("$", f"error type {name or 'missing'!r}, expected {case.error}")]
        return []
    code = body.get("error", {}).get("code") if provider == "openrouter" and isinstance(body.get("error"), dict) \
        else body.get("statusCode")  # fmt: skip
    if code is not None and str(code) != str(exchange.status):
        where = "$.error.code" if provider == "openrouter" else "$.statusCode"
        return [ERROR_STATUS(where, f"{code!r} differs from the HTTP status {exchange.status}")]
    return []


def _in_stream_error(data: str) -> bool:
    """A chat chunk with an error, Responses' response.failed or error event, or Anthropic's error event."""
    try:
        event = json.loads(data)
    except ValueError:
        return False
    if not isinstance(event, dict):
        return False
    return event.get("error") is not None or event.get("type") in ("response.failed", "error")


def _fault_delivered(provider: str, kind: str, document: bytes | str, found: list[Violation]) -> list[Violation]:
    if provider == "bedrock":
        delivered = any(v.check == ES_EXCEPTION.name for v in found)
    else:
        events, _ = sse.parse(document, named=True)
        delivered = any(_in_stream_error(e.data) for e in events)
    return [] if delivered else [FAULT("$", f"the injected fault did not arrive in the {kind}")]
