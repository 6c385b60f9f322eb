"""Load, index and match fixtures: JSON files under ``<provider>/<operation>/`` and ``conversations/``.

A fixture has a ``match`` object (matchers below, all must pass) and either a ``reply`` (text and
tool calls, rendered by each provider in its own vocabulary) or a recorded ``response`` (status,
headers, and a JSON ``body`` or a raw ``file`` beside it, served byte for byte).
"""

import difflib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.behaviour.chat import ChatQuery
from mockserver.errors import MockError

__all__ = ["MATCHERS", "Fixture", "FixtureStore", "split_frames"]

SHARED = "conversations"


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in expected.items())
    return bool(expected == actual)


# Each matcher returns None when the request passes, or the reason it does not (vcrpy-style).
Matcher = Callable[[Any, ChatQuery], str | None]
MATCHERS: dict[str, Matcher] = {
    "model": lambda want, q: None if want in (q.model, q.family) else f"model is {q.model!r}, fixture wants {want!r}",
    "user_message": lambda want, q: (
        None
        if _text(want) == _text(q.last_user_text)
        else f"last user message is {q.last_user_text[:60]!r}, fixture wants exactly {want!r}"
    ),
    "user_message_contains": lambda want, q: (
        None
        if _text(want) in _text(q.last_user_text)
        else f"last user message {q.last_user_text[:60]!r} does not contain {want!r}"
    ),
    "stream": lambda want, q: None if bool(want) == q.stream else f"stream is {q.stream}, fixture wants {bool(want)}",
    "has_tools": lambda want, q: (
        None if bool(want) == bool(q.tools) else f"request {'has' if q.tools else 'has no'} tools"
    ),
    "tool_result": lambda want, q: (
        None
        if bool(want) == q.answers_tool
        else f"conversation {'ends' if q.answers_tool else 'does not end'} with a tool result"
    ),
    "seed": lambda want, q: None if want == q.seed else f"seed is {q.seed!r}, fixture wants {want!r}",
    # Turns in the conversation (system included): keeps apart agent-loop steps that end on the same user text.
    "turns": lambda want, q: (
        None if want == len(q.messages) else f"conversation has {len(q.messages)} turns, fixture wants {want}"
    ),
    "body": lambda want, q: (
        None if _subset(want, q.body) else "request body does not contain the fixture's `body` fields"
    ),
    "providers": lambda want, q: None if q.provider in want else f"fixture is only for {', '.join(want)}",
}


@dataclass(slots=True)
class Fixture:
    """One fixture file, parsed and ready to match."""

    name: str
    provider: str | None
    operation: str | None
    match: dict[str, Any]
    reply: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    chunks: list[bytes] | None = None
    """Raw frames of a recorded stream (from ``response.file``), loaded at start-up."""
    provenance: dict[str, Any] = field(default_factory=dict)
    times: int | None = None
    """Answer at most this many requests, then step aside (e.g. a 429 once, then the reply): WireMock-style."""
    used: int = 0

    @property
    def exhausted(self) -> bool:
        """Whether the fixture has answered its ``times`` requests already."""
        return self.times is not None and self.used >= self.times

    def matches(self, query: ChatQuery) -> bool:
        """Whether every matcher passes (stops at the first that fails)."""
        return not self.exhausted and all(MATCHERS[key](want, query) is None for key, want in self.match.items())

    def misses(self, query: ChatQuery) -> list[str]:
        """The reasons this fixture does not match ``query`` (empty when it matches)."""
        reasons = [f"times: already answered {self.used} of {self.times} request(s)"] if self.exhausted else []
        for key, want in self.match.items():
            reason = MATCHERS[key](want, query)
            if reason:
                reasons.append(f"{key}: {reason}")
        return reasons


_SSE_BOUNDARY = re.compile(rb"\r?\n\r?\n")


def split_frames(data: bytes, framing: str) -> list[bytes]:
    """Cut a recorded body into the units it was flushed in: SSE events or event-stream messages."""
    if framing == "sse":
        # Cut after each blank line (LF or CRLF) without touching a byte, so replays are byte for byte.
        events, start = [], 0
        for boundary in _SSE_BOUNDARY.finditer(data):
            events.append(data[start : boundary.end()])
            start = boundary.end()
        if data[start:]:
            events.append(data[start:])
        return events
    if framing == "eventstream":
        frames, offset = [], 0
        while offset + 4 <= len(data):
            length = int.from_bytes(data[offset : offset + 4], "big")
            frames.append(data[offset : offset + length])
            offset += max(length, 4)
        return frames
    return [data]


def _shape_problem(reply: Any, response: Any) -> str | None:
    """What is wrong with a ``reply`` or ``response`` object's shape, checked once at load time."""
    if reply is not None:
        if not isinstance(reply, dict) or not isinstance(reply.get("content", ""), str):
            return "`reply` is an object with an optional string `content`"
        calls = reply.get("tool_calls", [])
        if not isinstance(calls, list) or not all(
            isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("arguments", {}), dict)
            for c in calls
        ):
            return "`reply.tool_calls` is a list of {name: string, arguments: object}"
        usage = reply.get("usage", {})
        if not isinstance(usage, dict) or not all(isinstance(v, int) and v >= 0 for v in usage.values()):
            return "`reply.usage` maps prompt_tokens/completion_tokens to whole numbers"
        return None
    if not isinstance(response, dict):
        return "`response` is an object"
    status, headers = response.get("status", 200), response.get("headers", {})
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        return "`response.status` is an HTTP status code"
    if not isinstance(headers, dict) or not all(isinstance(v, str | int) for v in headers.values()):
        return "`response.headers` maps names to strings"
    if "file" in response and not isinstance(response["file"], str):
        return "`response.file` is a file name beside the fixture"
    return None


def parse_fixture(
    document: Any, name: str, provider: str | None, operation: str | None, folder: Path | None
) -> Fixture:
    """Check a fixture document's shape and build a ``Fixture``; a bad one raises the mock's own error."""
    if not isinstance(document, dict):
        raise MockError(
            "Bad fixture", f"{name}: a fixture is a JSON object", fix="See fixtures/README.md for the format."
        )
    match = document.get("match", {})
    unknown = sorted(set(match) - set(MATCHERS)) if isinstance(match, dict) else ["<not an object>"]
    if unknown:
        raise MockError(
            "Bad fixture", f"{name}: unknown matcher(s) {unknown}", fix=f"Use only: {', '.join(sorted(MATCHERS))}."
        )
    providers = match.get("providers", [])
    if not isinstance(providers, list) or not all(isinstance(p, str) for p in providers):
        raise MockError("Bad fixture", f"{name}: `match.providers` is a list of provider names", fix='e.g. ["bedrock"]')
    reply, response = document.get("reply"), document.get("response")
    if (reply is None) == (response is None):
        raise MockError(
            "Bad fixture", f"{name}: give exactly one of `reply` or `response`", fix="See fixtures/README.md."
        )
    problem = _shape_problem(reply, response)
    if problem:
        raise MockError("Bad fixture", f"{name}: {problem}", fix="See fixtures/README.md for the format.")
    times = document.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise MockError("Bad fixture", f"{name}: `times` must be a whole number >= 1", fix='e.g. "times": 1')
    chunks = None
    if response is not None and "file" in response:
        if folder is None:
            raise MockError(
                "Bad fixture", f"{name}: `response.file` needs a fixture on disk", fix="Inline the body instead."
            )
        raw = (folder / response["file"]).read_bytes()
        chunks = split_frames(raw, response.get("framing", "raw"))
    return Fixture(name, provider, operation, match, reply, response, chunks, document.get("provenance", {}), times)


class FixtureStore:
    """All fixtures in memory, indexed by (provider, operation); no file I/O on the request path."""

    def __init__(self, fixtures: list[Fixture] | None = None) -> None:
        self._fixtures: list[Fixture] = list(fixtures or [])
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path) -> "FixtureStore":
        """Read every fixture below ``root``."""
        fixtures = []
        if root.is_dir():
            for path in sorted(root.glob("*/**/*.json")):
                relative = path.relative_to(root)
                if relative.parts[0] == SHARED:
                    provider, operation = None, None
                elif len(relative.parts) == 3:
                    provider, operation = relative.parts[0], relative.parts[1]
                else:
                    continue  # catalogues (<provider>/models.json) and notes are not fixtures
                try:
                    document = json.loads(path.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise MockError("Bad fixture", f"{relative}: not valid JSON ({exc})", fix="Fix the JSON.") from exc
                fixtures.append(parse_fixture(document, str(relative), provider, operation, path.parent))
        return cls(fixtures)

    def add(self, fixture: Fixture) -> None:
        """Add a fixture at run time; it takes precedence over equally specific loaded ones."""
        self._fixtures.insert(0, fixture)

    def __len__(self) -> int:
        return len(self._fixtures)

    def candidates(self, provider: str, operation: str) -> list[Fixture]:
        """Fixtures that could answer this operation: the provider's own first, then shared replies."""
        own = [f for f in self._fixtures if f.provider == provider and f.operation == operation]
        return own + [f for f in self._fixtures if f.provider is None]

    def find(self, query: ChatQuery) -> Fixture | None:
        """Return the most specific matching fixture (the first of equals) and count the use, or None."""
        with self._lock:
            best: Fixture | None = None
            for fixture in self.candidates(query.provider, query.operation):
                if (best is None or len(fixture.match) > len(best.match)) and fixture.matches(query):
                    best = fixture
            if best is not None:
                best.used += 1
            return best

    def closest(self, query: ChatQuery, limit: int = 3) -> list[tuple[Fixture, list[str]]]:
        """The near misses, closest first, with the reason each matcher failed (only built for errors)."""
        misses = [(f, f.misses(query)) for f in self.candidates(query.provider, query.operation)]
        misses.sort(key=lambda item: (len(item[1]), -_likeness(item[0], query)))
        return [(f, reasons) for f, reasons in misses if reasons][:limit]


def _likeness(fixture: Fixture, query: ChatQuery) -> float:
    """How close the fixture's text matchers are to the last user message (0..1), to rank near misses."""
    texts = [str(fixture.match[k]) for k in ("user_message", "user_message_contains") if k in fixture.match]
    said = _text(query.last_user_text)
    return max((difflib.SequenceMatcher(None, _text(t), said).ratio() for t in texts), default=0.0)
