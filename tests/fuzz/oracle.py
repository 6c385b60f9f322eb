"""What must hold for every fuzzed response, and the counts by outcome the long run reports.

* no 5xx, unless the request asked for that fault (``x-mock-fault``);
* every error in its provider's own envelope (or the mock's problem+json, ``x-mock-error: true``);
* every JSON body strict JSON (UTF-8, no NaN), every stream decodable;
* a body that is JSON except for a NaN, Infinity or overflowing number is never accepted.
"""

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from contracts import registry
from contracts.checks import Severity
from contracts.wire import eventstream, sse
from mockserver.core import all_providers
from tests.fuzz.inputs import Sent

__all__ = ["OUTCOMES", "Answer", "check", "strict_json"]

_FAULTS: dict[str | None, set[str]] = {p.name: set(p.faults) for p in all_providers()}
OUTCOMES: Counter[str] = Counter()
"""``"<status class> <envelope>"`` -> how many responses, over the whole session (printed by ``make fuzz``)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A response as the oracle sees it, from either transport."""

    status: int
    headers: Mapping[str, str]
    """Names lower-cased."""
    body: bytes


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(raw: bytes) -> Any:
    """Parse as RFC 8259 JSON: UTF-8, no NaN or Infinity (Python's json accepts both)."""
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)


def provider_at(target: str) -> str | None:
    """The provider whose mount prefixes the path (decoded segments, as the engine matches)."""
    path = target.split("?", 1)[0]
    segments = [unquote(part) for part in path.split("/") if part]
    for provider in registry.PROVIDERS:
        mount = [part for part in provider.mount.split("/") if part]
        if segments[: len(mount)] == mount:
            return provider.name
    return None


def _problem(answer: Answer) -> str:
    assert answer.headers.get("content-type") == "application/problem+json", answer.headers
    assert answer.headers.get("x-should-retry") == "false"
    document = strict_json(answer.body)
    assert {"type", "title", "status", "detail"} <= set(document), document
    assert document["status"] == answer.status and 400 <= answer.status < 500, document
    return "mock-problem"


def _openrouter(answer: Answer) -> str:
    document = strict_json(answer.body)
    error = document["error"]
    if document.get("type") == "error":  # /messages: the Anthropic envelope (OR-SPEC AnthropicMessagesErrorResponse)
        assert isinstance(error["message"], str) and isinstance(error["type"], str) and "request_id" in document
        assert answer.headers.get("content-type") == "application/json"
        return "openrouter-anthropic-error"
    assert isinstance(error["message"], str) and error["code"] == answer.status, document
    assert answer.headers.get("content-type") == "application/json"
    return "openrouter-error"


def _aimlapi(answer: Answer) -> str:
    document = strict_json(answer.body)
    if answer.headers.get("content-type", "").startswith("application/problem+json"):  # quirk aimlapi.errors
        assert document["status"] == answer.status and isinstance(document["message"], str), document
        assert {"title", "instance", "requestId", "timestamp", "error"} <= set(document), document
        return "aimlapi-problem-2026"
    assert {"requestId", "statusCode", "timestamp", "path", "message"} <= set(document), document
    assert document["statusCode"] == answer.status and isinstance(document["message"], str), document
    return "aimlapi-error"


def _bedrock(answer: Answer) -> str:
    kind = answer.headers.get("x-amzn-errortype", "")
    assert kind and ":http://internal.amazon.com/coral/" in kind, answer.headers
    assert answer.headers.get("x-amzn-requestid")
    document = strict_json(answer.body)
    assert isinstance(document.get("message", document.get("Message")), str), document
    return "bedrock-" + kind.split(":")[0]


ENVELOPES = {"openrouter": _openrouter, "aimlapi": _aimlapi, "bedrock": _bedrock}


def _success(answer: Answer) -> str:
    media = answer.headers.get("content-type", "").split(";")[0]
    if answer.status == 204 or not answer.body:
        return "empty"
    if media == "application/json":
        strict_json(answer.body)
        return "json"
    if media == "text/event-stream":
        events, violations = sse.parse(answer.body)
        assert not [v for v in violations if v.severity is Severity.ERROR], violations
        for event in events:
            if event.data != "[DONE]":
                strict_json(event.data.encode())
        return "sse"
    if media == "application/vnd.amazon.eventstream":
        frames, violations = eventstream.decode(answer.body)
        assert not violations, violations
        for frame in frames:
            strict_json(frame.payload)
        return "eventstream"
    raise AssertionError(f"unexpected content type {media!r} on a {answer.status}")


def check(sent: Sent, answer: Answer, root: str | None = None) -> str:
    """Assert the response is one the real provider (or the mock) could give; return and count its outcome.

    ``root`` is the provider also served at its upstream's own paths (``--provider``): a path under no mount is
    its to answer (``//api/v1/models`` is OpenRouter's ``/api/v1/models``, empty segments ignored).
    """
    provider = provider_at(sent.target) or root
    fault = sent.headers.get("x-mock-fault", "").strip()
    asked = fault in _FAULTS.get(provider, set())  # only a provider's own fault table may ask for a 5xx
    assert answer.status < 500 or asked, f"{answer.status} without a fault asked for: {answer.body[:300]!r}"
    assert answer.status >= 400 or not sent.non_json, f"a body with {sent.tokens} was accepted: {answer.status}"
    if sent.method == "HEAD" and not answer.body:  # a server sends a HEAD answer's headers only
        outcome = "head"
    elif answer.status < 400:
        outcome = _success(answer)
    elif answer.headers.get("x-mock-error") == "true":
        outcome = _problem(answer)
    else:
        assert provider is not None, f"no provider at {sent.target!r}, yet not the mock's own error"
        outcome = ENVELOPES[provider](answer)
    label = f"{answer.status // 100}xx {outcome}"
    OUTCOMES[label] += 1
    return label
