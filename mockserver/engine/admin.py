"""The admin API under ``/__admin``: journal, run-time fixtures, reset and health."""

import json
from collections.abc import Mapping
from typing import Any, Protocol

from mockserver.behaviour.fixtures import FixtureStore, parse_fixture
from mockserver.engine.journal import Journal
from mockserver.errors import MockError
from mockserver.http import MockRequest, MockResponse, json_response

__all__ = ["PREFIX", "handle"]

PREFIX = "__admin"


class Served(Protocol):
    """What the admin API reads and resets (the engine)."""

    fixtures: FixtureStore
    journal: Journal

    @property
    def providers(self) -> Mapping[str, Any]:
        """The providers served, by name."""

    def reset(self) -> None:
        """Reload fixtures and state."""


def handle(core: Served, request: MockRequest, segments: list[str]) -> MockResponse:
    """Dispatch one admin request."""
    method = request.method
    route = (method, "/".join(segments))
    if route == ("GET", "health"):
        return json_response(200, {"status": "ok", "providers": sorted(core.providers), "fixtures": len(core.fixtures)})
    if route == ("GET", "requests"):
        entries = core.journal.entries()
        query = request.query
        for key in ("provider", "operation", "model"):
            if key in query:
                entries = [e for e in entries if getattr(e, key) == query[key]]
        return json_response(200, {"requests": [e.to_dict() for e in entries], "count": len(entries)})
    if route == ("DELETE", "requests"):
        core.journal.clear()
        return MockResponse(204)
    if route == ("POST", "reset"):
        core.reset()
        return json_response(200, {"status": "reset", "fixtures": len(core.fixtures)})
    if route == ("POST", "fixtures"):
        return _add_fixture(core, request)
    raise MockError(
        "Unknown admin route",
        f"{method} /{PREFIX}/{route[1]}",
        status=404,
        fix="Admin routes: GET health, GET|DELETE requests, POST fixtures, POST reset.",
    )


def _add_fixture(core: Served, request: MockRequest) -> MockResponse:
    try:
        document: Any = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MockError("Bad fixture", f"body is not JSON ({exc})", fix="POST a fixture document as JSON.") from exc
    if not isinstance(document, dict):
        raise MockError("Bad fixture", "a fixture is a JSON object", fix="See fixtures/README.md.")
    provider, operation = document.pop("provider", None), document.pop("operation", None)
    if not all(v is None or isinstance(v, str) for v in (provider, operation)):
        raise MockError("Bad fixture", "`provider` and `operation` are strings", fix='e.g. "provider": "openrouter"')
    if provider is not None and provider not in core.providers:
        raise MockError("Bad fixture", f"unknown provider {provider!r}", fix=f"Use one of {sorted(core.providers)}.")
    if (provider is None) != (operation is None):
        raise MockError(
            "Bad fixture",
            "give both `provider` and `operation`, or neither for a shared reply",
            fix='e.g. {"provider": "openrouter", "operation": "chat_completions", ...}',
        )
    name = str(document.get("name", f"admin-{len(core.fixtures) + 1}"))
    fixture = parse_fixture(document, name, provider, operation, None)
    core.fixtures.add(fixture)
    return json_response(201, {"added": name, "fixtures": len(core.fixtures)})
