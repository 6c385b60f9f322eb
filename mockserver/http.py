"""Transport-neutral request and response values shared by the server and the in-process adapters."""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

__all__ = ["MockRequest", "MockResponse", "json_response"]


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
        """The body parsed as JSON; ``ValueError`` with a short reason when it is empty or not JSON."""
        if not self.body.strip():
            raise ValueError("empty body")
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from exc

    def media_type(self, default: str = "") -> str:
        """The ``content-type`` without parameters, lower-cased (``default`` when absent)."""
        return (self.headers.get("content-type") or default).split(";")[0].strip().lower()

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header by case-insensitive name."""
        return self.headers.get(name.lower(), default)


@dataclass(slots=True)
class MockResponse:
    """A response the mock produces; ``chunks`` is set for streamed bodies."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: list[bytes] | None = None
    """Each item is written (and flushed) separately, so stream framing matches the provider's."""
    delays: list[float] | None = None
    """Seconds to wait before each piece of ``paced()`` (set by the engine's pacing step; None = no waiting)."""
    problem: dict[str, Any] | None = None
    """The mock's own problem document when this is the mock's error (in-process mocks raise it), else None."""

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

    def paced(self) -> list[tuple[float, bytes]]:
        """The wire pieces, each with the seconds to wait before sending it (0 when not paced)."""
        pieces = list(self.iter_bytes())
        return list(zip(self.delays or [0.0] * len(pieces), pieces, strict=True))

    def content(self) -> bytes:
        """The whole body as one byte string."""
        return self.body if self.chunks is None else b"".join(self.chunks)


def json_response(status: int, document: Any, headers: Mapping[str, str] | None = None) -> MockResponse:
    """Serialise ``document`` compactly, as the providers do, with a JSON content type."""
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    merged = {"content-type": "application/json"}
    merged.update(headers or {})
    return MockResponse(status, merged, body)
