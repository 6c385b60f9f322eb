"""Decide what answers a chat query: a scenario step, a matching fixture, a generated reply, or (strict) the
mock's 404."""

from dataclasses import dataclass

from mockserver.behaviour.chat import ChatQuery, Reply, ToolCall
from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.behaviour.generate import finish_reply, generate_reply, rng_for
from mockserver.behaviour.reasoning import think
from mockserver.behaviour.scenarios import Hit
from mockserver.errors import ErrorKind, MockError, ProviderError
from mockserver.http import MockResponse, json_response

__all__ = ["Answer", "resolve_reply"]


@dataclass(frozen=True, slots=True)
class Answer:
    """What answers a query: a reply to render, or a recorded response to send as it is."""

    reply: Reply | None
    recorded: MockResponse | None = None
    fixture: str | None = None
    """The name of the fixture that answered (None: generated)."""
    scenario: str | None = None
    """``NAME#STEP`` of the scenario step that answered."""
    error: ProviderError | None = None
    """A scenario step's error, for the engine to raise (the provider renders it) once the call notes the step."""
    source: Fixture | None = None
    """The fixture that answered, itself (its ``times`` and use count)."""


def resolve_reply(store: FixtureStore, query: ChatQuery, *, strict: bool, seed: int) -> Answer:
    """A scenario's step, else the most specific matching fixture, else a generated reply, else (strict) the
    mock's own 404 (a strict scenario's miss is its 404 too: ``scenarios.ScenarioBook.find``)."""
    hit = store.scenarios.find(query)
    if hit is not None:
        return _from_step(query, hit)
    fixture = store.find(query)
    if fixture is not None:
        if fixture.response is not None:
            return Answer(None, _recorded(fixture), fixture.name, source=fixture)
        return Answer(_from_fixture(query, fixture, seed), None, fixture.name, source=fixture)
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


def _from_step(query: ChatQuery, hit: Hit) -> Answer:
    step = hit.step
    if step.error is not None:
        spec = step.error
        error = ProviderError(
            ErrorKind(spec["kind"]), spec.get("message"), status=spec.get("status"), code=spec.get("code")
        )
        return Answer(None, scenario=hit.label, error=error)
    spec = step.reply or {}
    default = f"call_{hit.scenario.tag}_{step.number}_"  # unique across the steps of one conversation
    calls = [
        ToolCall(str(c.get("id", f"{default}{i}")), str(c["name"]), dict(c.get("arguments", {})))
        for i, c in enumerate(spec.get("tool_calls", []))
    ]
    reply = finish_reply(query, str(spec.get("content", "")), calls, None)
    usage = spec.get("usage", {})
    reply.prompt_tokens = int(usage.get("prompt_tokens", reply.prompt_tokens))
    reply.completion_tokens = int(usage.get("completion_tokens", reply.completion_tokens))
    return Answer(reply, scenario=hit.label)


def _recorded(fixture: Fixture) -> MockResponse:
    spec = fixture.response or {}
    status = int(spec.get("status", 200))
    headers = {str(k).lower(): str(v) for k, v in spec.get("headers", {}).items()}
    if fixture.chunks is not None:
        return MockResponse(status, headers, chunks=list(fixture.chunks))
    return json_response(status, spec.get("body"), headers)
