"""Transport-neutral request and response values shared by the server and the in-process adapters."""

import functools
import json
import math
import re
from collections.abc import Callable, Collection, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, unquote

from mockserver.parsing import MAX_JSON_DEPTH, parse_json

if TYPE_CHECKING:
    import asyncio

__all__ = ["MAX_JSON_DEPTH", "Later", "LazyChunks", "MockRequest", "MockResponse", "Schedule", "Tap", "header_name",
           "json_bytes", "json_response", "parse_json", "split_path", "wire_name"]


def split_path(raw_path: str) -> list[str]:
    """A raw path split on ``/``, each part percent-decoded (so ``%2F`` inside an ARN stays in its part)."""
    if "%" not in raw_path:
        return [part for part in raw_path.split("/") if part]
    return [unquote(part) for part in raw_path.split("/") if part]


@functools.lru_cache(maxsize=1024)
def header_name(raw: bytes) -> str:
    """A request header name as the mock reads it (lower-case text), decoded once per distinct name."""
    return raw.decode("latin-1").lower()


@functools.lru_cache(maxsize=1024)
def wire_name(name: str) -> bytes:
    """A response header name as sent (lower-case bytes), encoded once per distinct name."""
    return name.lower().encode("latin-1")


@dataclass(frozen=True, slots=True)
class MockRequest:
    """One HTTP request as the mock sees it, whatever transport carried it."""

    method: str
    raw_path: str
    """The path as sent, still percent-encoded (Bedrock model ids arrive with ``%3A``)."""
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes = b""
    query_string: str = ""

    @classmethod
    def build(
        cls,
        method: str,
        raw_path: str,
        headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes = b"",
        query_string: str = "",
    ) -> "MockRequest":
        """Normalise header names and split a query string off the path."""
        if "?" in raw_path and not query_string:
            raw_path, query_string = raw_path.split("?", 1)
        items = headers.items() if isinstance(headers, Mapping) else headers
        return cls(method.upper(), raw_path, {k.lower(): v for k, v in items}, body, query_string)

    @property
    def query(self) -> dict[str, str]:
        """The query parameters, last value wins."""
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    @property
    def segments(self) -> list[str]:
        """The path split on ``/`` and each part percent-decoded (so ``%2F`` inside an ARN survives)."""
        return split_path(self.raw_path)

    def bearer_token(self) -> str:
        """The token of an ``Authorization: Bearer <token>`` header ('' when there is none)."""
        header = self.headers.get("authorization", "")
        return header[7:].strip() if header.lower().startswith("bearer ") else ""

    def json_body(self) -> Any:
        """The body parsed as JSON (``parse_json``'s rules); ``ValueError`` with a short reason when it is empty or
        not JSON."""
        if not self.body.strip():
            raise ValueError("empty body")
        return parse_json(self.body)

    def media_type(self, default: str = "") -> str:
        """The ``content-type`` without parameters, lower-cased (``default`` when absent)."""
        return (self.headers.get("content-type") or default).split(";")[0].strip().lower()

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header by case-insensitive name."""
        return self.headers.get(name.lower(), default)


class LazyChunks(Collection[bytes]):
    """A stream body made on demand, piece by piece, as the transport sends it.

    A renderer that knows how many pieces it will make passes ``count`` and a function that makes them; nothing
    is built before the client reads, so a client that never reads holds a socket buffer, not the whole reply.
    Iterating again makes the same pieces again (the renderer is deterministic).
    """

    def __init__(self, count: int, produce: Callable[[], Iterator[bytes]]) -> None:
        self._count = count
        self._produce = produce

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[bytes]:
        made = 0
        for piece in self._produce():
            made += 1
            yield piece
        if made != self._count:  # the count drives pacing; a renderer that miscounts is a bug of the mock
            raise RuntimeError(f"a lazy stream promised {self._count} pieces and made {made}")

    def __contains__(self, item: object) -> bool:
        return any(piece == item for piece in self)


class Tap(Protocol):
    """What watches a stream go out (the journal's stream log): each piece once sent, then how the stream ended."""

    def sent(self, delay: float, piece: bytes) -> None:
        """``piece`` was handed to the transport (after waiting ``delay`` seconds)."""

    def ended(self, complete: bool) -> None:
        """The stream ended: every piece sent (``complete``), or the client went away first."""


@dataclass(slots=True)
class MockResponse:
    """A response the mock produces; ``chunks`` is set for streamed bodies."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: Collection[bytes] | None = None
    """Each item is written (and flushed) separately, so stream framing matches the provider's; a list, or
    ``LazyChunks`` made as the transport sends them."""
    delays: list[float] | None = None
    """Seconds to wait before each piece of ``paced()`` (set by the engine's pacing step; None = no waiting)."""
    problem: dict[str, Any] | None = None
    """The mock's own problem document when this is the mock's error (in-process mocks raise it), else None."""
    tap: Tap | None = None
    """Told of each streamed piece as ``paced()`` hands it over (set by the engine's journal step for streams)."""

    @property
    def streamed(self) -> bool:
        """Whether the body is sent as separate chunks."""
        return self.chunks is not None

    def content_length(self) -> int | None:
        """The ``content-length`` starlette gives a whole body; None for a stream, 1xx, 204, 304."""
        if self.chunks is not None or self.status < 200 or self.status in (204, 304):
            return None
        return len(self.body)

    def wire_head(self) -> list[tuple[bytes, bytes]]:
        """The headers as sent, in order (names lower-cased, latin-1); a whole body gets its ``content-length``."""
        raw = [(wire_name(k), v.encode("latin-1")) for k, v in self.headers.items()]
        length = self.content_length()
        if length is not None and "content-length" not in self.headers:
            raw.append((b"content-length", b"%d" % length))
        return raw

    def iter_bytes(self) -> Iterator[bytes]:
        """Yield the body as it goes on the wire."""
        if self.chunks is None:
            yield self.body
        else:
            yield from self.chunks

    def paced(self) -> Generator[tuple[float, bytes], None, None]:
        """The wire pieces as they are made, each with the seconds to wait before sending it (0 when not paced)."""
        delays, tap = iter(self.delays or ()), self.tap
        if tap is None:
            for piece in self.iter_bytes():
                yield next(delays, 0.0), piece
            return
        complete = False
        try:
            for piece in self.iter_bytes():
                delay = next(delays, 0.0)
                yield delay, piece
                tap.sent(delay, piece)  # resumed: the transport has sent the piece and asks for the next
            complete = True
        finally:  # also when the client went away and the transport closed this generator
            tap.ended(complete)

    def content(self) -> bytes:
        """The whole body as one byte string."""
        return self.body if self.chunks is None else b"".join(self.chunks)


Later = Callable[["asyncio.Future[MockResponse]", float], None]
"""Told a paced request's handling (its response, or what it raised) and its arrival time: the listener's
protocol hands one to ``MockApp.answer`` and sends the response on its ``Schedule``."""


class Schedule:
    """A paced response's pieces on a schedule counted from the request's arrival (a ``monotonic`` time).

    Time spent before a piece (answering, waiting a turn, a wait's overshoot under load) comes off its wait, so
    the time to first token and the tokens per second hold (``python -m benchmarks.paced``); a piece whose time
    has passed when the one before it goes out goes out with it: one send for every piece due, not a loop turn
    each. A transport alternates ``wait`` (take the next piece; how long to wait before it) and ``take`` (the
    bytes to send now, or None when the next piece is due as well). The ASGI app and the listener's own writer
    (``inprocess/direct.py``) both send by it.
    """

    __slots__ = ("due", "following", "left", "pending", "pieces")

    def __init__(self, response: MockResponse, arrived: float) -> None:
        self.pieces = response.paced()
        self.following = iter((response.delays or [])[1:])  # the delay before the next piece, read ahead of it
        self.due, self.left = arrived, 1 if response.chunks is None else len(response.chunks)
        self.pending: list[bytes] = []

    @property
    def ended(self) -> bool:
        """Whether the last piece has been taken."""
        return self.left <= 0

    def wait(self, now: float) -> float | None:
        """Take the next piece: the seconds to wait before sending it (0: at once), None when there is none."""
        try:
            delay, piece = next(self.pieces)
        except StopIteration:
            return None
        self.left -= 1
        self.due += delay
        self.pending.append(piece)
        if delay and now < self.due:
            late = now - self.due + delay  # behind the schedule before this delay; a lag under 1 ms is left alone
            return delay - late if late > 0.001 else delay
        return 0.0

    def take(self, now: float) -> bytes | None:
        """After the wait, at ``now``: the pieces to send, joined; None when the next piece is due already."""
        upcoming = next(self.following, None)
        if self.left > 0 and upcoming is not None and self.due + upcoming < now:
            return None
        data = b"".join(self.pending)
        self.pending.clear()
        return data

    def close(self) -> None:
        """Stop early (the client left): the journal's tap hears that the stream was cut."""
        self.pieces.close()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(value: Any, depth: int = 0) -> Any:
    """A copy JSON can carry: NaN and infinities as text, nesting past ``MAX_JSON_DEPTH`` cut."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if depth > MAX_JSON_DEPTH and isinstance(value, dict | list | tuple):
        return "..."
    if isinstance(value, dict):
        return {str(k): _printable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v, depth + 1) for v in value]
    return value


_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_SORTED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False, sort_keys=True)


def json_bytes(document: Any, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON that never fails on what a request can carry into a document.

    A lone surrogate (``"\\ud800"`` in a request, echoed in an error) is written as that escape, as
    JavaScript's ``JSON.stringify`` does (ES2019 "well-formed JSON.stringify"); NaN and infinities (never valid
    JSON) are written as strings; nesting beyond ``MAX_JSON_DEPTH`` is cut.
    """
    try:
        text = (_SORTED if sort_keys else _COMPACT).encode(document)  # what json.dumps(...) builds on every call
    except (ValueError, RecursionError):
        text = json.dumps(_printable(document), separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)
    try:
        return text.encode()
    except UnicodeEncodeError:  # only inside strings: a raw surrogate becomes its \uXXXX escape
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode()


def json_response(status: int, document: Any, headers: Mapping[str, str] | None = None) -> MockResponse:
    """Serialise ``document`` compactly, as the providers do, with a JSON content type (``json_bytes``)."""
    body = json_bytes(document)
    merged = {"content-type": "application/json"}
    merged.update(headers or {})
    return MockResponse(status, merged, body)
