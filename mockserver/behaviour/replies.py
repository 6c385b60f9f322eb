"""Decide what answers a chat query: a matching fixture, a generated reply, or (strict) the mock's 404."""

from typing import TYPE_CHECKING

from mockserver.behaviour.chat import ChatQuery, Reply, ToolCall
from mockserver.errors import MockError
from mockserver.behaviour.fixtures import Fixture
from mockserver.behaviour.generate import finish_reply, generate_reply
from mockserver.http import MockResponse, json_response

if TYPE_CHECKING:
    from mockserver.core import Call

__all__ = ["resolve_reply"]


def resolve_reply(call: "Call", query: ChatQuery) -> Reply | MockResponse:
    """Return the reply for ``query``, or a recorded response to send as it is."""
    call.model = query.model
    fixture = call.core.fixtures.find(query)
    if fixture is not None:
        call.fixture = fixture.name
        if fixture.response is not None:
            return _recorded(fixture)
        call.reply = _from_fixture(query, fixture)
        return call.reply
    if call.config.strict:
        closest = [{"fixture": f.name, "failed": reasons} for f, reasons in call.core.fixtures.closest(query)]
        hint = (
            "; ".join(f"{c['fixture']}: {c['failed'][0]}" for c in closest)
            or "there are no fixtures for this operation"
        )
        raise MockError(
            "No fixture matched",
            f"strict mode: no fixture answers {query.provider} {query.operation} for {query.model!r} "
            f"(last user message {query.last_user_text[:80]!r}). Closest: {hint}",
            status=404,
            fix=f"Add a fixture under fixtures/{query.provider}/{query.operation}/ or fixtures/conversations/, "
            "POST one to /__admin/fixtures, or run without --strict to get a generated reply.",
            extra={"closest": closest},
        )
    call.reply = generate_reply(query, call.config.seed)
    return call.reply


def _from_fixture(query: ChatQuery, fixture: Fixture) -> Reply:
    spec = fixture.reply or {}
    calls = [
        ToolCall(str(c.get("id", f"call_{fixture.name[-8:]}{i}")), str(c["name"]), dict(c.get("arguments", {})))
        for i, c in enumerate(spec.get("tool_calls", []))
    ]
    reply = finish_reply(query, str(spec.get("content", "")), calls, fixture.name)
    usage = spec.get("usage", {})
    reply.prompt_tokens = int(usage.get("prompt_tokens", reply.prompt_tokens))
    reply.completion_tokens = int(usage.get("completion_tokens", reply.completion_tokens))
    return reply


def _recorded(fixture: Fixture) -> MockResponse:
    spec = fixture.response or {}
    status = int(spec.get("status", 200))
    headers = {str(k).lower(): str(v) for k, v in spec.get("headers", {}).items()}
    if fixture.chunks is not None:
        return MockResponse(status, headers, chunks=list(fixture.chunks))
    return json_response(status, spec.get("body"), headers)
