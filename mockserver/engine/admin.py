"""The admin API under ``/__admin``: journal, fixtures, metrics, reset, health and the inspector, and who may call it.

Over HTTP every admin request passes ``guard`` first. A page on another site must not change the mock
(cross-site POST) nor read its journal (DNS rebinding: a foreign name resolving to 127.0.0.1), and with a token
a stranger must not either. A request without a ``Host`` header is an in-process call (``core.handle``, e.g.
``mock.add_fixture``): HTTP/1.1 requires Host (RFC 9112 3.2), every browser sends it, and the mock's own
listeners give an HTTP/1.0 request without one an empty Host, so over the wire the guard always applies. The
inspector's files (``/__admin/``, its script and style sheet) hold no data: Host and Origin are checked, the token
is not (a browser cannot send a header when it opens a page; the page sends it on every read).
"""

import hmac
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from mockserver.behaviour.fixtures import FixtureStore, parse_fixture
from mockserver.behaviour.scenarios import parse_scenario
from mockserver.config import MockConfig
from mockserver.engine import views
from mockserver.engine.journal import Journal
from mockserver.engine.metrics import Metrics
from mockserver.errors import MockError
from mockserver.http import MockRequest, MockResponse, json_response

__all__ = ["LOOPBACK_NAMES", "PREFIX", "TOKEN_HEADER", "guard", "handle", "host_name"]

PREFIX = "__admin"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_HEADER = "x-mock-admin-token"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Served(Protocol):
    """What the admin API reads and resets (the engine)."""

    config: MockConfig
    fixtures: FixtureStore
    journal: Journal
    metrics: Metrics

    @property
    def providers(self) -> Mapping[str, Any]:
        """The providers served, by name."""

    def reset(self) -> None:
        """Reload fixtures and state."""


def handle(core: Served, request: MockRequest, segments: list[str]) -> MockResponse:
    """Dispatch one admin request (after ``guard``; the inspector's files, which hold no data, need no token)."""
    method = request.method
    route = (method, "/".join(segments))
    page = method == "GET" and route[1] in views.ASSETS
    guard(core.config, request, token=not page)
    if page:
        return views.asset(route[1])
    if route == ("GET", "health"):
        return json_response(200, {"status": "ok", "providers": sorted(core.providers), "fixtures": len(core.fixtures)})
    if route == ("GET", "requests"):
        return json_response(200, views.requests_view(core.journal, request.query))
    if method == "GET" and len(segments) == 2 and segments[0] == "requests":
        return json_response(200, views.request_view(core.journal, segments[1]))
    if route == ("GET", "fixtures"):
        return json_response(200, views.fixtures_view(core.fixtures))
    if route == ("GET", "metrics"):
        kind, text = core.metrics.exposition()
        return MockResponse(200, {"content-type": kind}, text)
    if route == ("DELETE", "requests"):
        core.journal.clear()
        return MockResponse(204)
    if route == ("POST", "reset"):
        core.reset()
        return json_response(200, {"status": "reset", "fixtures": len(core.fixtures)})
    if route == ("POST", "fixtures"):
        return _add_fixture(core, request)
    if route == ("GET", "scenarios"):
        return json_response(200, {"scenarios": core.fixtures.scenarios.states()})
    if route == ("POST", "scenarios"):
        scenario = parse_scenario(_json_body(request, "scenario"), "admin", runtime=True)
        core.fixtures.scenarios.add(scenario, max_count=core.config.max_runtime_fixtures)
        return json_response(201, {"added": scenario.name, "scenarios": len(core.fixtures.scenarios)})
    if method == "POST" and len(segments) == 3 and segments[0] == "scenarios" and segments[2] == "reset":
        if not core.fixtures.scenarios.reset(segments[1]):
            raise MockError("Unknown scenario", f"no scenario named {segments[1]!r}", status=404,
                            fix="GET /__admin/scenarios lists them.")  # fmt: skip
        return json_response(200, {"status": "reset", "scenario": segments[1]})
    raise MockError(
        "Unknown admin route",
        f"{method} /{PREFIX}/{route[1]}",
        status=404,
        fix="Admin routes: GET / (the inspector), GET health, GET|DELETE requests, GET requests/ID, GET|POST "
        "fixtures, GET metrics, GET|POST scenarios, POST scenarios/NAME/reset, POST reset.",
    )


def host_name(authority: str) -> str:
    """The host of a ``Host`` value, lower-cased, without port, brackets or trailing dot (``[::1]:80`` -> ``::1``)."""
    value = authority.strip().lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def guard(config: MockConfig, request: MockRequest, *, token: bool = True) -> None:
    """Refuse an admin request from a foreign site, a foreign host name or, when a token is set, without it."""
    host = request.header("host")
    if host is None:
        return  # in-process (see the module docstring)
    allowed = LOOPBACK_NAMES | {host_name(h) for h in config.admin_hosts}
    anywhere = "*" in config.admin_hosts
    if not anywhere and host_name(host) not in allowed:
        raise MockError(
            "Admin API refused",
            f"Host {host!r} is not localhost, 127.0.0.1, [::1] or an allowed name (DNS rebinding guard)",
            status=403,
            fix="Call the admin API as http://127.0.0.1:PORT/__admin/..., or start the server with "
            "--admin-host NAME (repeatable; * for any) to accept the name your clients use.",
        )
    origin = request.header("origin")
    if origin is not None and _origin_host(origin) not in allowed:  # never "*": that would let every site in
        raise MockError(
            "Admin API refused",
            f"a request from the web page at {origin!r} (cross-site requests cannot use the admin API)",
            status=403,
            fix="Call the admin API from a test or a script (no Origin header), or from a page served by an "
            "allowed host (--admin-host NAME).",
        )
    tokens = [config.admin_token] if config.admin_token else [k for keys in config.api_keys.values() for k in keys]
    if token and tokens and not _has_token(request, tokens):
        which = "--admin-token" if config.admin_token else "one of the --api-key keys (no --admin-token was given)"
        raise MockError(
            "Admin API needs a token",
            f"{request.method} /{PREFIX}/... without a valid admin token",
            status=401,
            fix=f"Send {TOKEN_HEADER}: TOKEN or Authorization: Bearer TOKEN, with TOKEN {which}.",
        )
    # Only JSON writes: a page can send text/plain or a form cross-site without asking (CORS "simple" requests);
    # a body-less DELETE may omit the type (a browser always asks before a cross-site DELETE).
    bare_delete = request.method == "DELETE" and not request.body and request.header("content-type") is None
    if request.method in _WRITES and request.media_type() != "application/json" and not bare_delete:
        raise MockError(
            "Admin API refused",
            f"{request.method} with Content-Type {request.header('content-type')!r}: admin writes must be JSON "
            "(a browser cannot send that cross-site without asking first)",
            status=415,
            fix="Send Content-Type: application/json, also with an empty body (httpx: json={}).",
        )


def _origin_host(origin: str) -> str:
    try:
        return urlsplit(origin).hostname or ""
    except ValueError:
        return ""


def _has_token(request: MockRequest, tokens: list[str]) -> bool:
    given = request.header(TOKEN_HEADER) or request.bearer_token()
    # compare_digest: the time taken does not tell how much of a guess was right.
    return bool(given) and any(hmac.compare_digest(_bytes(given), _bytes(t)) for t in tokens)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _json_body(request: MockRequest, what: str) -> Any:
    try:
        return request.json_body()  # the request rules: no NaN, bounded depth and numbers
    except ValueError as exc:
        raise MockError(f"Bad {what}", f"body is not JSON ({exc})", fix=f"POST a {what} document as JSON.") from exc


def _add_fixture(core: Served, request: MockRequest) -> MockResponse:
    document = _json_body(request, "fixture")
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
    limits = core.config  # run-time fixtures are capped in count and bytes (behaviour/fixtures.py)
    core.fixtures.add(
        fixture, len(request.body), max_count=limits.max_runtime_fixtures, max_bytes=limits.max_runtime_fixture_bytes
    )
    return json_response(201, {"added": name, "fixtures": len(core.fixtures)})
