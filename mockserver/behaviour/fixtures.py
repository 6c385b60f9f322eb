"""Load, index and match fixtures: JSON files under ``<provider>/<operation>/`` and ``conversations/``.

A fixture has a ``match`` object (matchers in ``matchers.py``, all must pass) and either a ``reply`` (text and
tool calls, rendered by each provider in its own vocabulary) or a recorded ``response`` (status, headers, and a
JSON ``body`` or a raw ``file`` beside it, served byte for byte). Documents are checked once, at load time or
when POSTed to the admin API (``shapes.py``); files never reach outside the fixtures folder.
"""

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.matchers import MATCHERS, TEXT_MATCHERS, Text, rank
from mockserver.behaviour.scenarios import SCENARIOS, ScenarioBook
from mockserver.behaviour.shapes import NO_BODY, confined, shape_problem
from mockserver.errors import MockError

__all__ = ["MATCHERS", "Fixture", "FixtureStore", "parse_fixture", "split_frames"]

SHARED = "conversations"


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
    size: int | None = None
    """Bytes of the document when added at run time (``POST /__admin/fixtures``); None for loaded fixtures."""

    _checks: list[tuple[str, Any]] = field(default_factory=list, init=False, repr=False, compare=False)
    """The matchers cheapest first: a fixture for another model fails before its text is searched."""

    def __post_init__(self) -> None:
        # Text matchers are folded once here, not for every request (matchers.Text).
        self.match = {k: Text.of(v) if k in TEXT_MATCHERS and isinstance(v, str) else v for k, v in self.match.items()}
        self._checks = sorted(self.match.items(), key=lambda item: item[0] in (*TEXT_MATCHERS, "body"))

    @property
    def exhausted(self) -> bool:
        """Whether the fixture has answered its ``times`` requests already."""
        return self.times is not None and self.used >= self.times

    def matches(self, query: ChatQuery) -> bool:
        """Whether every matcher passes (stops at the first that fails)."""
        return not self.exhausted and all(MATCHERS[key](want, query) is None for key, want in self._checks)

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


_CONFINED = "Keep a fixture's files beside it inside the fixtures folder and name them relatively, e.g. a.sse."


def parse_fixture(
    document: Any,
    name: str,
    provider: str | None,
    operation: str | None,
    folder: Path | None,
    root: Path | None = None,
) -> Fixture:
    """Check a fixture document's shape and build a ``Fixture``; a bad one raises the mock's own error.

    ``folder`` holds the fixture's files; they must resolve inside ``root`` (default: ``folder`` itself).
    """
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
    problem = shape_problem(reply, response)
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
        path, rule = confined(root or folder, folder, response["file"])
        if path is None:
            raise MockError("Bad fixture", f"{name}: {rule} (got {response['file'][:80]!r})", fix=_CONFINED)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MockError(
                "Bad fixture", f"{name}: `response.file` cannot be read ({exc.strerror})", fix=_CONFINED
            ) from exc
        chunks = split_frames(raw, response.get("framing", "raw"))
    elif response is not None and response.get("status", 200) in NO_BODY:
        chunks = []  # no body at all: a JSON ``null`` would break the framing of a 204 or 304
    return Fixture(name, provider, operation, match, reply, response, chunks, document.get("provenance", {}), times)


class FixtureStore:
    """All fixtures in memory, indexed by (provider, operation); no file I/O on the request path."""

    def __init__(self, fixtures: list[Fixture] | None = None, scenarios: ScenarioBook | None = None) -> None:
        self._fixtures: list[Fixture] = list(fixtures or [])
        self.scenarios = ScenarioBook() if scenarios is None else scenarios
        """The scenarios (``scenarios/`` beside the fixtures), consulted first."""
        self._lock = threading.Lock()
        self.added_bytes = 0
        """Bytes of the fixtures added at run time and still held."""
        self.version = 0
        """Counts the changes to what is held: work kept for identical requests is valid for one version."""

    @classmethod
    def load(cls, root: Path) -> "FixtureStore":
        """Read every fixture below ``root``; a fixture (or a file it names) outside ``root`` is refused."""
        fixtures = []
        if root.is_dir():
            top = root.resolve()
            for path in sorted(root.glob("*/**/*.json")):
                relative = path.relative_to(root)
                if relative.parts[0] == SCENARIOS:
                    continue  # scenarios.py reads these
                if relative.parts[0] == SHARED:
                    provider, operation = None, None
                elif len(relative.parts) == 3:
                    provider, operation = relative.parts[0], relative.parts[1]
                else:
                    continue  # catalogues (<provider>/models.json) and notes are not fixtures
                if not path.resolve().is_relative_to(top):
                    raise MockError(
                        "Bad fixture", f"{relative}: a symlink to outside the fixtures folder", fix=_CONFINED
                    )
                fixtures.append(parse_fixture(_read(path, relative), str(relative), provider, operation,
                                              path.parent, top))  # fmt: skip
        return cls(fixtures, ScenarioBook.load(root))

    def add(
        self, fixture: Fixture, size: int = 0, *, max_count: int | None = None, max_bytes: int | None = None
    ) -> None:
        """Add a fixture at run time (``size`` bytes); it takes precedence over equally specific loaded ones.

        At most ``max_count`` run-time fixtures of ``max_bytes`` in all are held: those that have answered
        their ``times`` requests make room first, then the mock's own 413 refuses the fixture.
        """
        with self._lock:
            if not self._room(size, max_count, max_bytes):
                self._fixtures = [f for f in self._fixtures if f.size is None or not f.exhausted]
                self.added_bytes = sum(f.size or 0 for f in self._fixtures)
            if not self._room(size, max_count, max_bytes):
                raise MockError(
                    "Too many run-time fixtures",
                    f"{self.added} fixture(s) of {self.added_bytes} bytes were added at run time; this one "
                    f"({size} bytes) would pass the limit of {max_count} fixtures or {max_bytes} bytes",
                    status=413,
                    fix="POST /__admin/reset to drop run-time fixtures, or raise MockConfig.max_runtime_fixtures "
                    "/ max_runtime_fixture_bytes.",
                )
            fixture.size = size
            self.added_bytes += size
            self._fixtures.insert(0, fixture)
            self.version += 1

    @property
    def added(self) -> int:
        """How many fixtures added at run time are held."""
        return sum(1 for f in self._fixtures if f.size is not None)

    def _room(self, size: int, max_count: int | None, max_bytes: int | None) -> bool:
        return (max_count is None or self.added < max_count) and (
            max_bytes is None or self.added_bytes + size <= max_bytes
        )

    def __len__(self) -> int:
        return len(self._fixtures)

    def all(self) -> list[Fixture]:
        """Every fixture held, in precedence order (run-time additions first)."""
        with self._lock:
            return list(self._fixtures)

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

    def count_use(self, fixture: Fixture) -> None:
        """Count one more request answered by ``fixture`` (one whose answer was kept for identical requests)."""
        with self._lock:
            fixture.used += 1

    def closest(self, query: ChatQuery, limit: int = 3) -> list[tuple[Fixture, list[str]]]:
        """The near misses, closest first, with the reason each matcher failed (only built for errors).

        Bounded whatever the prompt and fixture count: see ``matchers.rank``.
        """
        misses = [(f, f.match, f.misses(query)) for f in self.candidates(query.provider, query.operation)]
        ranked = rank([(i, match, reasons) for i, (_, match, reasons) in enumerate(misses) if reasons], query, limit)
        return [(misses[i][0], misses[i][2]) for i in ranked]


def _read(path: Path, relative: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:  # ValueError: bad JSON, huge int
        raise MockError("Bad fixture", f"{relative}: not valid JSON ({exc})", fix="Fix the JSON.") from exc
