"""Transport-neutral request and response values shared by the server and the in-process adapters."""

import json
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

__all__ = [
    "MAX_JSON_DEPTH",
    "LazyChunks",
    "MockRequest",
    "MockResponse",
    "Tap",
    "json_bytes",
    "json_response",
    "parse_json",
]

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects a request body may have. No provider documents one (V8's JSON.parse has
none; Jackson, behind AWS's Java services, defaults to 1,000: ``StreamReadConstraints.DEFAULT_MAX_DEPTH``); 100 is
far beyond any real chat body (a tool schema nested 40 objects deep fits) and keeps every later step off Python's
recursion limit."""
_MAX_INT_DIGITS = 309
"""A JSON number must be a finite double, as JavaScript's ``JSON.parse`` (OpenRouter, AI/ML API) reads it
(ECMA-262 Number): an integer of 309 digits or more that passes ``1.8e308`` is refused (so Python's own
4,300-digit ``int`` limit is never reached)."""


class _Refused(ValueError):
    """A JSON text Python would read but a provider cannot: NaN/Infinity, an overflowing number, too deep."""


def _constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; RFC 8259 section 6 has no such numbers.
    raise _Refused(f"{name} is not a JSON value")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999999: valid grammar, but no double holds it (JSON.parse gives Infinity)
        raise _Refused(f"number {text[:20]}... is out of range")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) >= _MAX_INT_DIGITS and not math.isfinite(float(text)):
        raise _Refused(f"number {text[:20]}... ({len(text)} digits) is out of range")
    return int(text)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether arrays/objects nest deeper than ``limit`` (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


# Each byte by its role in a number: digits "9", exponent marks "e", signs "s", anything else " ".
_SHAPE_TABLE = bytes(
    ord("9") if 48 <= b <= 57 else ord("e") if b in b"eE" else ord("s") if b in b"+-" else ord(" ") for b in range(256)
)


def _may_overflow(raw: bytes) -> bool:
    """Whether ``raw`` may hold a number no double holds: a 100-digit run or a 3-digit exponent.

    Checking each number in Python costs ~1.5 us (seconds for a body of a million numbers); this check is two
    C-speed passes (``translate``, substring search), and only a body it flags pays for the callbacks.
    """
    shapes = raw.translate(_SHAPE_TABLE)
    return b"9" * 100 in shapes or b"e999" in shapes or b"es999" in shapes


def parse_json(data: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Read a JSON text as the providers do: ``ValueError`` with a short, printable reason when it is not one.

    UTF-8 only (RFC 8259 section 8.1: Python's json would also guess UTF-16 and UTF-32 from the bytes), no byte
    order mark (JSON.parse reads it as an unexpected token); refuses what Python's json accepts but JSON does not
    (NaN, Infinity), numbers no double holds, and nesting deeper than ``max_depth``.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    numbers = _may_overflow(raw)
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from exc
    if text.startswith("\ufeff"):
        raise ValueError("Unexpected byte order mark at position 0")
    try:
        if numbers:
            value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
        else:
            value = json.loads(text, parse_constant=_constant)
    except (_Refused, json.JSONDecodeError):
        raise
    except RecursionError as exc:
        raise _Refused(f"nesting deeper than {max_depth} levels") from exc
    except ValueError as exc:  # e.g. Python's int limit, worded for Python programmers
        raise _Refused("not a JSON text") from exc
    opened = raw.count(b"[") + raw.count(b"{")
    if opened > max_depth and isinstance(value, dict | list) and _too_deep(value, max_depth):  # fewer: cannot be
        raise _Refused(f"nesting deeper than {max_depth} levels")
    return value


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
        return [unquote(part) for part in self.raw_path.split("/") if part]

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

    def iter_bytes(self) -> Iterator[bytes]:
        """Yield the body as it goes on the wire."""
        if self.chunks is None:
            yield self.body
        else:
            yield from self.chunks

    def paced(self) -> Iterator[tuple[float, bytes]]:
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


def json_bytes(document: Any, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON that never fails on what a request can carry into a document.

    A lone surrogate (``"\\ud800"`` in a request, echoed in an error) is written as that escape, as
    JavaScript's ``JSON.stringify`` does (ES2019 "well-formed JSON.stringify"); NaN and infinities (never valid
    JSON) are written as strings; nesting beyond ``MAX_JSON_DEPTH`` is cut.
    """
    try:
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False, sort_keys=sort_keys)
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
