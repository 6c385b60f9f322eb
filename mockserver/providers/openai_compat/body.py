"""Reading an OpenAI-style request: bearer key, content type, JSON and schema, with each provider's own words.

OpenRouter and AI/ML API check the same things in the same order and differ only in what they accept and
how they word the refusal; a provider states that once, as ``BodyRules``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.validation import SchemaProblem, first_problem
from mockserver.engine.call import Call
from mockserver.errors import ProviderError

__all__ = ["BodyRules", "bearer_key", "read_body"]


@dataclass(frozen=True, slots=True)
class BodyRules:
    """What one provider accepts as a request body, and its errors when it does not."""

    provider: str
    accepts: Callable[[str], bool]
    """Whether a media type (lower-cased, no parameters) is read as JSON."""
    default_type: str
    """The media type assumed when ``content-type`` is absent ('' = accepted as is)."""
    bad_type: Callable[[Call, str], ProviderError]
    not_json: Callable[[Call, str], ProviderError]
    invalid: Callable[[Call, SchemaProblem | None], ProviderError]
    """A schema violation (None: valid by the schema but not an object)."""
    prepare: Callable[[Call, str, Any], Any] | None = None
    """Rewrite a parsed body before validation (OpenRouter's ``prompt`` instead of ``messages``)."""


def read_body(call: Call, kind: str, rules: BodyRules) -> dict[str, Any]:
    """Content type, then JSON, then ``contracts/schemas/<provider>/<kind>.json``: the body as a dict."""
    media = call.request.media_type(rules.default_type)
    if media and not rules.accepts(media):
        raise rules.bad_type(call, media)
    try:
        body = call.request.json_body()
    except ValueError as exc:
        raise rules.not_json(call, str(exc)) from exc
    if rules.prepare is not None:
        body = rules.prepare(call, kind, body)
    problem = first_problem(rules.provider, kind, body)
    if problem is not None or not isinstance(body, dict):
        raise rules.invalid(call, problem)
    return body


def bearer_key(call: Call, missing: Callable[[], ProviderError], unknown: Callable[[], ProviderError]) -> str:
    """The ``Authorization: Bearer`` key, checked against ``MockConfig.api_keys`` (empty list: any key)."""
    key = call.request.bearer_token()
    if not key:
        raise missing()
    allowed = call.config.api_keys.get(call.provider.name if call.provider else "")
    if allowed and key not in allowed:
        raise unknown()
    return key
