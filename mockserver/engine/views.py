"""What the inspector reads from the admin API: the journal filtered, the fixtures held, and the page itself.

The page (``engine/inspector/``: HTML, one script, one style sheet; no build step, nothing fetched from elsewhere)
is read from the package once and served with a Content-Security-Policy that lets it load only itself and talk only
to the admin API of the mock that served it. It writes every journal value into the page as text, never as markup.
"""

import functools
from importlib import resources
from typing import Any

from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.engine.journal import Journal, JournalEntry
from mockserver.errors import MockError
from mockserver.http import MockResponse

__all__ = ["ASSETS", "asset", "fixtures_view", "request_view", "requests_view"]

ASSETS = {"": ("index.html", "text/html; charset=utf-8"), "inspector.js": ("inspector.js", "text/javascript"),
          "inspector.css": ("inspector.css", "text/css")}  # fmt: skip
"""Admin paths of the inspector's files (``/__admin/`` is the page)."""
_PAGE_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",  # no other site may frame the page (clickjacking)
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
_FILTERS = ("provider", "operation", "model", "source")
MATCH_CHARS = 300
"""How much of a fixture's text matcher the listing quotes (a recorded prompt may be 100 KB)."""


@functools.cache
def _read(name: str) -> bytes:
    return resources.files("mockserver.engine").joinpath("inspector", name).read_bytes()


def asset(route: str) -> MockResponse:
    """The inspector file at admin path ``route`` (a key of ``ASSETS``)."""
    name, media_type = ASSETS[route]
    return MockResponse(200, {"content-type": media_type, **_PAGE_HEADERS}, _read(name))


def _number(query: dict[str, str], key: str) -> int | None:
    if key not in query:
        return None
    try:
        return int(query[key])
    except ValueError:
        raise MockError("Bad admin query", f"{key}={query[key][:40]!r} is not a whole number",
                        fix=f"e.g. ?{key}=10") from None  # fmt: skip


def _id(entry: JournalEntry) -> int:
    return entry.detail.number if entry.detail is not None else -1


def _value(entry: JournalEntry, key: str) -> Any:
    if key == "source":
        return entry.detail.source if entry.detail is not None else None
    return getattr(entry, key)


def requests_view(journal: Journal, query: dict[str, str]) -> dict[str, Any]:
    """The journal, oldest first, filtered by ``provider``, ``operation``, ``model``, ``source``, ``status``,
    ``since`` (ids after it) and ``limit`` (the newest N of what is left)."""
    entries = journal.entries()
    newest = _id(entries[-1]) if entries else None
    for key in _FILTERS:
        if key in query:
            entries = [e for e in entries if _value(e, key) == query[key]]
    status, since, limit = (_number(query, k) for k in ("status", "since", "limit"))
    if status is not None:
        entries = [e for e in entries if e.status == status]
    if since is not None:
        entries = [e for e in entries if _id(e) > since]
    if limit is not None:
        entries = entries[-limit:] if limit > 0 else []
    return {"requests": [e.to_dict() for e in entries], "count": len(entries), "newest": newest}


def request_view(journal: Journal, number: str) -> dict[str, Any]:
    """The journal entry with id ``number``, or the mock's own 404."""
    wanted = _number({"id": number}, "id")
    entries = journal.entries()
    for entry in reversed(entries):
        if _id(entry) == wanted:
            return entry.to_dict()
    raise MockError("No such request", f"the journal holds no request {number[:40]!r}", status=404,
                    fix="GET /__admin/requests lists the ids it holds (the oldest leave first).")  # fmt: skip


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MATCH_CHARS:
        return str(value[:MATCH_CHARS]) + "…"
    return str(value) if isinstance(value, str) else value  # a matchers.Text becomes a plain str


def _fixture(fixture: Fixture) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": fixture.name,
        "provider": fixture.provider,
        "operation": fixture.operation,
        "kind": "reply" if fixture.reply is not None else "recorded",
        "match": {k: _short(v) for k, v in fixture.match.items()},
        "times": fixture.times,
        "used": fixture.used,
        "runtime": fixture.size is not None,
        "provenance": fixture.provenance,
    }
    if fixture.reply is not None:
        calls = fixture.reply.get("tool_calls", [])
        document["reply"] = {"content": _short(str(fixture.reply.get("content", ""))),
                             "tool_calls": [str(c.get("name")) for c in calls if isinstance(c, dict)]}  # fmt: skip
    elif fixture.response is not None:
        document["response"] = {k: fixture.response[k] for k in ("status", "file", "framing") if k in fixture.response}
    return document


def fixtures_view(store: FixtureStore) -> dict[str, Any]:
    """Every fixture held, in precedence order: its matchers (text cut), kind, uses and provenance."""
    fixtures = store.all()
    return {"fixtures": [_fixture(f) for f in fixtures], "count": len(fixtures)}
