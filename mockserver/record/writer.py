"""Turn one proxied exchange into a fixture the mock serves byte for byte: matchers, provenance, files."""

import hashlib
import importlib.metadata
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mockserver.behaviour.chat import ChatQuery
from mockserver.behaviour.shapes import NO_BODY
from mockserver.http import MockRequest
from mockserver.record.redact import Redactor, recordable_headers
from mockserver.record.scrub import scrub, scrub_document

__all__ = ["Exchange", "tool_version", "write_fixture"]


def tool_version() -> str:
    """This package's installed version, for provenance."""
    try:
        return importlib.metadata.version("llama-mockkit")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(slots=True)
class Exchange:
    """One forwarded request and what came back."""

    provider: str
    operation: str
    """The provider operation as routed, e.g. ``converse_stream`` (the fixture folder may differ)."""
    request: MockRequest
    upstream_url: str
    """Without credentials or query string."""
    query: ChatQuery
    redactor: Redactor
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    framing: str = "raw"
    headers_ms: float = 0.0
    frames: list[bytes] = field(default_factory=list)
    offsets_ms: list[float] = field(default_factory=list)
    """Arrival time of each frame, in ms since the request was sent upstream."""


def request_hash(exchange: Exchange) -> str:
    """SHA-256 of provider, path and the canonical JSON body (the raw body when it is not JSON)."""
    try:
        body = json.dumps(json.loads(exchange.request.body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        body = exchange.request.body
    head = f"{exchange.provider}\n{exchange.request.method}\n{'/'.join(exchange.request.segments)}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def matchers(query: ChatQuery) -> dict[str, Any]:
    """Matchers that select this request again and not its neighbours (other model, turn, tools or stream)."""
    match: dict[str, Any] = {
        "model": query.model,
        "user_message": query.last_user_text,
        "stream": query.stream,
        "has_tools": bool(query.tools),
        # The turn that answers a tool result repeats the last user message, so this keeps the two apart.
        "tool_result": query.answers_tool,
        "turns": len(query.messages),
    }
    if query.seed is not None:
        match["seed"] = query.seed
    return match


def _upstream_identity(exchange: Exchange) -> dict[str, Any]:
    """The model and (OpenRouter) provider the upstream says served the request, when it says."""
    documents: list[bytes] = []
    if exchange.framing == "sse":
        documents = [
            line[5:].strip()
            for frame in exchange.frames[:8]
            for line in frame.splitlines()
            if line.startswith(b"data:")
        ]
    elif exchange.framing == "raw":
        documents = [b"".join(exchange.frames)]
    for raw in documents:
        try:
            document = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(document, dict) and "model" in document:
            found = {"upstream_model": document["model"]}
            if isinstance(document.get("provider"), str):
                found["upstream_provider"] = document["provider"]
            return found
    return {}


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:limit].strip("-")


def _name(exchange: Exchange, digest: str, from_prompt: bool) -> str:
    """``<family>[-stream]-<hash>``; with ``from_prompt`` the (redacted) last user message leads instead."""
    query = exchange.query
    said = _slug(exchange.redactor.text(query.last_user_text)) if from_prompt else ""
    parts = (said or _slug(query.family) or "request", "stream" if query.stream else "", digest[:10])
    return "-".join(p for p in parts if p)


def write_fixture(
    root: Path,
    exchange: Exchange,
    recorded_at: datetime | None = None,
    *,
    name_from_prompt: bool = False,
    source: str = "mockserver record",
) -> Path:
    """Write ``root/<provider>/<operation>/<name>.json`` (+ transcript) and return the JSON path.

    The same request recorded again gets the same name, so re-recording refreshes a fixture in place. Every
    secret (``redact.py``) is cut out of the whole body and of the fixture; the file name holds no prompt
    text unless ``name_from_prompt``.
    """
    query, redact = exchange.query, exchange.redactor
    digest = request_hash(exchange)
    # Bedrock's streaming operations are matched in the non-streaming folder with stream: true (ARCHITECTURE).
    folder = root / exchange.provider / query.operation
    folder.mkdir(parents=True, exist_ok=True)
    name = _name(exchange, digest, name_from_prompt)
    timing: dict[str, Any] = {
        "headers_ms": exchange.headers_ms,
        "total_ms": exchange.offsets_ms[-1] if exchange.offsets_ms else exchange.headers_ms,
    }
    response: dict[str, Any] = {"status": exchange.status, "headers": recordable_headers(exchange.headers)}
    if exchange.status in NO_BODY:
        pass  # a 204 or 304 has no content (and a fixture with one would not load)
    elif exchange.framing in ("sse", "eventstream"):
        suffix = ".sse" if exchange.framing == "sse" else ".eventstream"
        (folder / f"{name}{suffix}").write_bytes(b"".join(scrub(exchange.frames, exchange.framing, redact)))
        response |= {"file": f"{name}{suffix}", "framing": exchange.framing}
        timing["chunks_ms"] = exchange.offsets_ms
    else:
        body = b"".join(scrub([b"".join(exchange.frames)], "raw", redact))
        try:
            document = json.loads(body)
            inline = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode() == body
        except (ValueError, UnicodeDecodeError):
            inline = False
        if inline:
            response["body"] = document  # the mock re-serialises compactly, so these bytes come back exactly
        else:  # e.g. pretty-printed JSON or leading keep-alive whitespace: keep the bytes as they came
            (folder / f"{name}.raw").write_bytes(body)
            response["file"] = f"{name}.raw"
    provenance = {
        "source": source,
        "recorded_at": (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "tool_version": f"llama-mockkit {tool_version()}",
        "provider": exchange.provider,
        "operation": exchange.operation,
        "upstream_url": exchange.upstream_url,
        "model": query.model,
        **_upstream_identity(exchange),
        "request_sha256": digest,
        "timing": timing,
    }
    document_out = scrub_document({"provenance": provenance, "match": matchers(query), "response": response}, redact)
    text = json.dumps(document_out, indent=2, ensure_ascii=False)
    cleaned = redact.text(text)  # and over the text as written (keys, numbers); kept only if still the JSON
    path = folder / f"{name}.json"
    # backslashreplace: a lone surrogate from the request becomes its JSON escape (\\ud800), still the same JSON.
    path.write_text((cleaned if _is_json(cleaned) else text) + "\n", encoding="utf-8", errors="backslashreplace")
    return path


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
