"""Decide what answers a chat query: a matching fixture, a generated reply, or (strict) the mock's 404."""

from dataclasses import dataclass

from mockserver.behaviour.chat import ChatQuery, Reply, ToolCall
from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.behaviour.generate import finish_reply, generate_reply, rng_for
from mockserver.behaviour.reasoning import think
from mockserver.errors import MockError
from mockserver.http import MockResponse, json_response

__all__ = ["Answer", "resolve_reply"]


@dataclass(frozen=True, slots=True)
class Answer:
    """What answers a query: a reply to render, or a recorded response to send as it is."""

    reply: Reply | None
    recorded: MockResponse | None = None
    fixture: str | None = None
    """The name of the fixture that answered (None: generated)."""


def resolve_reply(store: FixtureStore, query: ChatQuery, *, strict: bool, seed: int) -> Answer:
    """The most specific matching fixture, else a generated reply, else (strict) the mock's own 404."""
    fixture = store.find(query)
    if fixture is not None:
        if fixture.response is not None:
            return Answer(None, _recorded(fixture), fixture.name)
        return Answer(_from_fixture(query, fixture, seed), None, fixture.name)
    if strict:
        closest = [{"fixture": f.name, "failed": reasons} for f, reasons in store.closest(query)]
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
    return Answer(generate_reply(query, seed))


def _from_fixture(query: ChatQuery, fixture: Fixture, seed: int) -> Reply:
    spec = fixture.reply or {}
    # A fixture's `reasoning` is used when the model reasons on this request; without one, it is generated.
    thought = str(spec.get("reasoning") or "")
    if query.thinking is not None and not thought:
        thought = think(query, query.thinking, rng_for(query, seed))
    calls = [
        ToolCall(str(c.get("id", f"call_{fixture.name[-8:]}{i}")), str(c["name"]), dict(c.get("arguments", {})))
        for i, c in enumerate(spec.get("tool_calls", []))
    ]
    reply = finish_reply(query, str(spec.get("content", "")), calls, fixture.name, thought)
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
