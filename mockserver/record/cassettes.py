"""Read recorded HTTP traffic from other tools: VCR.py / pytest-recording cassettes and HAR 1.2 files.

Each interaction becomes a ``Recorded`` (the request and the response as plain bytes, bodies decoded) or a
``Skipped`` with the reason; ``importer.py`` turns the first into fixtures. Nothing here knows the providers.
"""

import base64
import binascii
import gzip
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Recorded", "Skipped", "read_traffic"]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded exchange, bodies as the bytes the client sent and read (content-coding undone)."""

    where: str
    """``file#N`` (N: 1-based interaction or entry number), for the report."""
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    recorded_at: datetime | None = None
    """HAR ``startedDateTime``; a cassette's own modification time (VCR.py keeps no date per interaction)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An interaction that was not imported, and why."""

    where: str
    reason: str


class Undecodable(ValueError):
    """A body that cannot be turned into the bytes the client read."""


def _bytes(value: Any) -> bytes:
    """A cassette body: text, bytes (YAML ``!!binary``), absent, or vcrpy's ``{"string": ...}`` wrapper."""
    if isinstance(value, dict):
        value = value.get("string")
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    raise Undecodable(f"a body of type {type(value).__name__}")


def _headers(value: Any) -> dict[str, str]:
    """vcrpy's ``{name: [values]}`` (or ``{name: value}``), HAR's ``[{name, value}]``: lower-cased, one value each."""
    out: dict[str, str] = {}
    if isinstance(value, list):
        pairs = [(h.get("name"), h.get("value")) for h in value if isinstance(h, dict)]
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = []
    for name, raw in pairs:
        if not isinstance(name, str) or name.startswith(":"):  # HTTP/2 pseudo-headers in browser HARs
            continue
        values = raw if isinstance(raw, list) else [raw]
        out[name.lower()] = ", ".join(str(v) for v in values)
    return out


def _decoded(body: bytes, encoding: str) -> bytes:
    """Undo a ``content-encoding`` as it was recorded (vcrpy keeps the coded bytes unless told to decode)."""
    coding = encoding.strip().lower()
    if coding in ("", "identity") or not body:
        return body
    if coding in ("gzip", "x-gzip"):
        if not body.startswith(b"\x1f\x8b"):
            return body  # already decoded by the client library (httpx hands vcrpy decoded content)
        try:
            return gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            raise Undecodable(f"the gzip body does not decompress ({exc})") from exc
    if coding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # zlib-wrapped (RFC 9110 8.4.1.2) or raw, as servers send
            try:
                return zlib.decompress(body, wbits)
            except zlib.error:
                continue
        return body if _is_text(body) else _refuse("the deflate body does not decompress")
    if _is_text(body):
        return body  # decoded already, the header kept
    raise Undecodable(f"content-encoding {coding!r} is not supported (only gzip and deflate)")


def _refuse(reason: str) -> bytes:
    raise Undecodable(reason)


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _vcr(document: dict[str, Any], name: str, when: datetime | None) -> tuple[list[Recorded], list[Skipped]]:
    found: list[Recorded] = []
    skipped: list[Skipped] = []
    for number, item in enumerate(document.get("interactions") or [], 1):
        where = f"{name}#{number}"
        try:
            request, response = item["request"], item["response"]
            status = response.get("status", {})
            code = int(status["code"] if isinstance(status, dict) else status)
            response_headers = _headers(response.get("headers"))
            body = _decoded(_bytes(response.get("body")), response_headers.get("content-encoding", ""))
            request_headers = _headers(request.get("headers"))
            request_body = _decoded(_bytes(request.get("body")), request_headers.get("content-encoding", ""))
            found.append(Recorded(where, str(request["method"]).upper(), str(request["uri"]), request_headers,
                                  request_body, code, response_headers, body, when))  # fmt: skip
        except Undecodable as exc:
            skipped.append(Skipped(where, f"undecodable body: {exc}"))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            skipped.append(Skipped(where, f"not a VCR interaction ({type(exc).__name__}: {str(exc)[:80]})"))
    return found, skipped


def _har_body(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if text is None:
        raise Undecodable("the HAR entry kept no response text (content.text)")
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Undecodable(f"content.text is not base64 ({exc})") from exc
    return str(text).encode("utf-8", "surrogateescape")


def _started(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _har(document: dict[str, Any], name: str) -> tuple[list[Recorded], list[Skipped]]:
    found: list[Recorded] = []
    skipped: list[Skipped] = []
    for number, entry in enumerate(document["log"].get("entries") or [], 1):
        where = f"{name}#{number}"
        try:
            request, response = entry["request"], entry["response"]
            post = request.get("postData") or {}
            request_body = str(post.get("text", "")).encode("utf-8", "surrogateescape")
            # HAR keeps the decoded body (HAR 1.2 "content"): the coding headers no longer describe it.
            headers = {k: v for k, v in _headers(response.get("headers")).items() if k != "content-encoding"}
            body = _har_body(response.get("content") or {})
            found.append(Recorded(where, str(request["method"]).upper(), str(request["url"]),
                                  _headers(request.get("headers")), request_body, int(response["status"]), headers,
                                  body, _started(entry.get("startedDateTime"))))  # fmt: skip
        except Undecodable as exc:
            skipped.append(Skipped(where, f"undecodable body: {exc}"))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            skipped.append(Skipped(where, f"not a HAR entry ({type(exc).__name__}: {str(exc)[:80]})"))
    return found, skipped


def read_traffic(path: Path) -> tuple[list[Recorded], list[Skipped]]:
    """The exchanges recorded in a cassette (YAML or JSON) or HAR file; raises ValueError if it is neither."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot be read ({exc})") from exc
    document: Any
    try:
        document = json.loads(text)
    except ValueError:
        import yaml

        try:
            document = yaml.safe_load(text)  # safe: !!binary bodies load, no Python objects are built
        except yaml.YAMLError as exc:
            raise ValueError(f"neither JSON nor YAML ({str(exc)[:120]})") from exc
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        return _har(document, path.name)
    if isinstance(document, dict) and isinstance(document.get("interactions"), list):
        return _vcr(document, path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC))
    raise ValueError("not a VCR.py cassette (no `interactions`) nor a HAR file (no `log`)")
