"""One HTTP/2 stream as the ASGI app sees it: its scope, its ``receive``, and the response head HTTP/2 allows;
the arrival stamp both listeners (HTTP/1.1 and HTTP/2) put in a request's scope.

Kept apart from ``http2.py`` (the connection: frames, flow control, deadlines) so each half stays small; neither
knows the mock's providers.
"""

import asyncio
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from mockserver.errors import MockError

__all__ = ["PREFACE", "RECEIVED", "Exchange", "FrameLengths", "received", "response_head", "scope_of", "slow_body"]

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
"""The client connection preface (RFC 9113 §3.4): an HTTP/2 client with prior knowledge starts with it."""
RECEIVED = "mockserver.received"
"""A scope extension: ``time.monotonic()`` when the listener read the request's last byte (a paced answer counts
its schedule from it, not from when its task first ran)."""

_HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade"})


@dataclass(eq=False, slots=True)
class Exchange:
    """One request/response on a stream: what the app has yet to read, and whether either side ended."""

    id: int
    body: list[bytes] = field(default_factory=list)
    request_done: bool = False  # the client ended its half
    read_done: bool = False  # the app was given the last body message
    started: bool = False  # response headers sent
    finished: bool = False  # response ended (or the stream was reset)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    deadline: asyncio.TimerHandle | None = None
    scope: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.request_done:
            received(self.scope)

    def end_request(self) -> None:
        """The client ended its half: its request is all in."""
        self.request_done = True
        received(self.scope)
        self.wake.set()

    async def receive(self) -> dict[str, Any]:
        """The ASGI ``receive``: body messages as they arrive, then ``http.disconnect`` once the stream is over."""
        while True:
            if self.finished:
                return {"type": "http.disconnect"}
            if not self.read_done and (self.body or self.request_done):
                body = b"".join(self.body)
                self.body.clear()
                self.read_done = self.request_done
                return {"type": "http.request", "body": body, "more_body": not self.request_done}
            self.wake.clear()
            await self.wake.wait()


def received(scope: Any) -> None:
    """Stamp ``scope`` (an ASGI scope: a dict, or uvicorn's typed one) with ``RECEIVED``: its request is all in."""
    extensions = scope.get("extensions")
    if extensions is None:
        extensions = scope["extensions"] = {}
    extensions[RECEIVED] = time.monotonic()


def scope_of(headers: list[Any], *, server: Any, client: Any, scheme: str, root_path: str,
             app_state: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The ASGI ``http`` scope (``http_version: "2"``) of a stream's request headers, pseudo-headers included."""
    pseudo: dict[bytes, bytes] = {}
    plain: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        name, value = bytes(name), bytes(value)
        if name.startswith(b":"):
            pseudo[name] = value
        else:
            plain.append((name, value))
    if not any(name == b"host" for name, _ in plain) and b":authority" in pseudo:
        plain.insert(0, (b"host", pseudo[b":authority"]))  # RFC 9113 §8.3.1: :authority stands for Host
    raw_path, _, query = pseudo.get(b":path", b"/").partition(b"?")
    path = raw_path.decode("latin-1")
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "2",
        "server": server, "client": client, "scheme": scheme,
        "method": pseudo.get(b":method", b"GET").decode("latin-1"), "root_path": root_path,
        "path": root_path + (urllib.parse.unquote(path) if "%" in path else path),
        "raw_path": root_path.encode("latin-1") + raw_path, "query_string": query,
        "headers": plain, "state": app_state.copy(),
    }  # fmt: skip


def response_head(status: int, default: list[tuple[bytes, bytes]], headers: Any) -> list[tuple[bytes, bytes]]:
    """``:status``, uvicorn's default headers (as over HTTP/1.1), then the app's, less what RFC 9113 §8.2.2 forbids."""
    head = [(b":status", str(status).encode())]
    for name, value in [*default, *headers]:
        lowered = bytes(name).lower()
        if lowered not in _HOP_BY_HOP and not (lowered == b"te" and bytes(value).lower() != b"trailers"):
            head.append((lowered, bytes(value)))
    return head


def slow_body(seconds: float) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The mock's 408 for a body that did not arrive in time, as the HTTP/1.1 listener words it."""
    error = MockError("Request body too slow", f"the body did not arrive within {seconds:g} s of the headers",
                      status=408, fix="Send the body at once (--body-timeout raises the limit).")  # fmt: skip
    body = json.dumps(error.document()).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"x-mock-error", b"true"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    return headers, body


class FrameLengths:
    """Frame boundaries on a connection's byte stream, to refuse an oversized frame at its header (RFC 9113 §4.2:
    FRAME_SIZE_ERROR); the ``h2`` library checks a frame's length only once its whole payload has arrived."""

    def __init__(self, skip: int) -> None:
        """Start after ``skip`` bytes (the client preface)."""
        self._skip, self._payload, self._head = skip, 0, b""

    def oversized(self, data: bytes, limit: int) -> bool:
        """Whether a frame header in ``data`` announces a payload longer than ``limit``."""
        at, size = min(self._skip, len(data)), len(data)
        self._skip -= at
        while at < size:
            if self._payload:
                step = min(self._payload, size - at)
                self._payload -= step
                at += step
                continue
            need = 9 - len(self._head)
            self._head += data[at : at + need]
            at += need
            if len(self._head) < 9:
                return False
            length, self._head = int.from_bytes(self._head[:3], "big"), b""
            if length > limit:
                return True
            self._payload = length
        return False
