"""A bounded journal of the requests the mock answered: secrets masked, bodies cut, always valid JSON out.

Bounded twice: ``journal_size`` entries and ``journal_bytes`` bytes (each entry counts its kept body, headers,
path and query as raw bytes; the newest entry is always kept). A body up to ``BODY_BYTES`` is kept whole, parsed
when it is JSON; a longer one keeps its first ``BODY_BYTES`` as text (``journal_bodies="full"`` keeps bodies up
to ``max_body_bytes`` whole). Every body keeps its size and sha256. What is kept is always valid JSON: a lone
surrogate becomes the six characters ``\\udXXX``, NaN, Infinity and numbers out of range stay the text they were.
"""

import hashlib
import json
import math
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.config import MockConfig

if TYPE_CHECKING:
    from mockserver.engine.call import Call
from mockserver.engine.masks import (
    SECRET_HEADERS,
    looks_like_secret,
    mask_headers,
    mask_pair,
    mask_query,
    mask_secret,
    text,
)

__all__ = ["BODY_BYTES", "SECRET_HEADERS", "Detail", "Journal", "JournalEntry", "looks_like_secret", "mask_headers",
           "mask_query", "mask_secret"]  # fmt: skip

BODY_BYTES = 64 * 1024
"""Bodies up to this many bytes are kept whole; longer ones keep this many (as text) plus their size and hash."""
MAX_DEPTH = 100
"""JSON nested deeper is kept as text: serialising it again must never reach Python's recursion limit."""
_MAX_INT_DIGITS = 4000  # Python refuses int <-> str beyond 4,300 digits (sys.get_int_max_str_digits)

# -- bodies ------------------------------------------------------------------------------------------------------


class _TooDeep(Exception):
    pass


def _number(text: str) -> Any:
    number = float(text)
    return number if math.isfinite(number) else text  # 1e999999 parses to inf: keep what was sent


def _integer(text: str) -> Any:
    return int(text) if len(text) <= _MAX_INT_DIGITS else text


class _NonFinite(Exception):
    pass


def _clean(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _NonFinite  # read again, keeping the number's own text
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {text(k): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _keep_body(raw: bytes, limit: int) -> tuple[Any, bool]:
    """The body as the journal keeps it, and whether it was cut: parsed JSON when whole, else UTF-8 text."""
    if not raw:
        return None, False
    if len(raw) > limit:
        return raw[:limit].decode("utf-8", "replace"), True
    try:
        try:
            return _clean(json.loads(raw)), False  # the C parser at full speed for ordinary bodies
        except (ValueError, _NonFinite):  # NaN, 1e999999, an integer past 4,300 digits: each kept as its text
            hooked = json.loads(raw, parse_constant=str, parse_float=_number, parse_int=_integer)
            return _clean(hooked), False
    except (ValueError, RecursionError, _TooDeep):  # not JSON, not UTF-8, or nested too deep to write back
        return raw.decode("utf-8", "replace"), False


def _read(item: list[Any]) -> "JournalEntry":
    """The entry of a journal item, made (once) from what ``Journal.record`` or ``record_call`` kept: headers and
    query masked, the body read from its raw bytes and hashed. Until then an item holds references, and no secret
    is copied."""
    if isinstance(item[0], tuple):
        if len(item[0]) == 3:  # record_call's (call, status, detail)
            call, status, detail = item[0]
            request = call.request
            item[0] = (call.now, call.provider.name if call.provider else "__mock",
                       call.operation.name if call.operation else None, call.model.id if call.model else None,
                       request.method, request.raw_path, request.query_string, request.headers, len(request.body),
                       status, call.fixture, call.scenario, detail)  # fmt: skip
        (time, provider, operation, model, method, path, query, headers, size, status, fixture, scenario,
         detail) = item[0]  # fmt: skip
        raw, cut, digest = item[2] if item[2] is not None else (b"", False, None)
        if digest is None and raw:
            digest = hashlib.sha256(raw).hexdigest()
        masked = {k: v for k, v in map(mask_pair, headers.items())}
        body = (raw.decode("utf-8", "replace") if cut else _keep_body(raw, len(raw))[0]) if raw else None
        item[0] = JournalEntry(
            time, provider, operation, model, text(method), text(path), mask_query(query) if query else {}, masked,
            body, size, digest, cut, status, fixture, scenario, detail,
        )  # fmt: skip
        item[2] = None
    entry: JournalEntry = item[0]
    return entry


class Detail(Protocol):
    """What an entry keeps beyond the request (``engine/outcome.py``): read only when the admin API is."""

    number: int
    source: str | None
    cost: int  # bytes counted against journal_bytes

    def to_dict(self) -> dict[str, Any]:
        """Its JSON-ready members, merged into the entry's."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One answered request.

    ``body`` is the parsed JSON when the body was whole and JSON, else its text (the first ``BODY_BYTES`` when
    ``body_truncated``), None when empty; ``body_size`` and ``body_sha256`` describe the body as received.
    """

    time: float
    provider: str | None
    operation: str | None
    model: str | None
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    body_size: int
    body_sha256: str | None
    body_truncated: bool
    status: int
    fixture: str | None
    scenario: str | None = None
    """``NAME#STEP`` of the scenario step that answered (``behaviour/scenarios.py``)."""
    detail: Detail | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (shallow: the kept values are already safe to serialise), with the detail's members."""
        document = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "detail"}
        return document if self.detail is None else {**document, **self.detail.to_dict()}


class Journal:
    """Thread-safe ring buffer of ``JournalEntry`` values, bounded in entries and in bytes."""

    def __init__(
        self,
        size: int = 1000,
        *,
        max_bytes: int = 64 * 1024 * 1024,
        full_bodies: bool = False,
        max_body_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        """Keep at most ``size`` entries and about ``max_bytes`` bytes; ``full_bodies`` keeps bodies whole."""
        self.size, self.max_bytes = size, max_bytes
        self.body_limit = max_body_bytes if full_bodies else BODY_BYTES
        self._entries: deque[list[Any]] = deque()  # [entry, cost, (raw body, cut) or None once read]
        self._bytes = 0
        self._lock = threading.Lock()

    @classmethod
    def for_config(cls, config: MockConfig) -> "Journal":
        """A journal with ``config``'s bounds (``journal_size``, ``journal_bytes``, ``journal_bodies``)."""
        return cls(
            config.journal_size,
            max_bytes=config.journal_bytes,
            full_bodies=config.journal_bodies == "full",
            max_body_bytes=config.max_body_bytes,
        )

    def record(
        self,
        *,
        time: float,
        provider: str | None,
        operation: str | None,
        model: str | None,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        status: int,
        fixture: str | None,
        query: str = "",
        lazy: bool = False,
        detail: Detail | None = None,
        scenario: str | None = None,
    ) -> JournalEntry | None:
        """Append an entry (masked, cut, made JSON-safe); drop the oldest beyond either bound.

        ``lazy`` (the engine's hot path) returns None and keeps the cut raw body, read into the entry only when
        the journal is read: most entries of a load test are dropped unread. ``detail`` (the outcome the
        inspector shows) is kept as it is and read only when the admin API is.
        """
        pending = (time, provider, operation, model, method, path, query, headers, len(body), status, fixture,
                   scenario, detail)  # fmt: skip
        item = self._append(pending, body, path, query, headers, detail.cost if detail is not None else 0)
        return None if lazy else _read(item)

    def record_call(self, call: "Call", status: int, detail: Detail) -> None:
        """Append the entry of an answered ``call`` (the engine's hot path): its fields are read from the call
        when the journal is read, so most entries of a load test, dropped unread, cost a tuple."""
        request = call.request
        self._append((call, status, detail), request.body, request.raw_path, request.query_string, request.headers,
                     detail.cost)  # fmt: skip

    def _append(self, pending: tuple[Any, ...], body: bytes, path: str, query: str, headers: Mapping[str, str],
                extra: int) -> list[Any]:
        """Keep ``pending`` with its body cut to the bound, counted against the bounds; drop the oldest beyond."""
        # A body refused as too large (beyond max_body_bytes) keeps only BODY_BYTES, even with full bodies.
        limit = self.body_limit if len(body) <= self.body_limit else BODY_BYTES
        cut = len(body) > limit
        kept_raw = body[:limit] if cut else body
        digest = hashlib.sha256(body).hexdigest() if cut else None  # a whole body is hashed when read
        cost = 256 + len(kept_raw) + len(path) + len(query) + sum(map(len, headers)) + sum(map(len, headers.values()))
        item: list[Any] = [pending, cost + extra, (kept_raw, cut, digest) if body else None]
        with self._lock:
            self._entries.append(item)
            self._bytes += item[1]
            while len(self._entries) > 1 and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                self._bytes -= self._entries.popleft()[1]
        return item

    def entries(self) -> list[JournalEntry]:
        """All kept entries, oldest first."""
        with self._lock:
            return [_read(item) for item in self._entries]

    @property
    def bytes(self) -> int:
        """What the kept entries count against ``max_bytes``."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
