"""The HTTP/1.1 protocol of the mock's listeners: uvicorn's httptools protocol with the limits uvicorn lacks.

uvicorn times out only idle keep-alive connections: a client that sends its headers or its body slowly
(slowloris), or never reads, holds its connection for ever, and ``limit_concurrency`` refuses new requests with
plain text while the idle connections keep their file descriptors. ``GuardedProtocol`` adds, with
``ServerLimits``: header, body and send deadlines, a header size cap and a connection cap that first closes the
connection idle longest (so new clients are served during a slowloris flood), else answers 503.
"""

import asyncio
import json
from http import HTTPStatus
from typing import Any

from starlette.types import Receive, Scope, Send

from mockserver.config import ServerLimits
from mockserver.errors import MockError
from mockserver.inprocess.direct import AtOnce
from mockserver.inprocess.exchange import PREFACE, received

__all__ = ["GRACE", "GuardedProtocol", "protocol_for"]

GRACE = 1.0
"""Seconds without a request after which a connection may be closed for a new one (clients send at once)."""


class GuardedProtocol(AtOnce):
    """uvicorn's HTTP/1.1 protocol with ``limits`` enforced (a subclass per server: ``protocol_for``), writing
    the mock's immediate answers itself (``AtOnce``)."""

    limits = ServerLimits()
    _sweep: "_Sweep | None" = None  # the server's deadline sweep (a class per server: protocol_for)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._due: float | None = None  # loop time of the header or the body deadline, whichever is running
        self._late: Any = None  # what to do then (the sweep calls it)
        self._send_timer: asyncio.TimerHandle | None = None
        self._waiting_since: float | None = None  # loop time since which no request is in progress
        self._header_bytes = 0
        self._over_cap = False
        self._sniff: bytes | None = b""  # the connection's first bytes until they tell HTTP/2 from HTTP/1.1

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection; over the cap, close the longest-idle one for it or give it 1 s to be refused."""
        super().connection_made(transport)
        self._waiting_since = self.loop.time()
        if len(self.connections) > self.limits.max_connections and not self._evict(GRACE):
            self._over_cap = True
        deadline = self.limits.header_timeout
        self._arm(min(deadline, GRACE) if self._over_cap else deadline, self._headers_late)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None and ssl_object.selected_alpn_protocol() == "h2":  # TLS chose HTTP/2 (RFC 9113 §3.2)
            self._to_http2(b"")

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop every deadline."""
        self._waiting_since = None
        self._cancel()
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Start the header deadline at a request's first byte; refuse headers beyond ``max_header_bytes``.

        A connection that opens with the HTTP/2 preface (prior knowledge, RFC 9113 §3.3) moves to ``Http2Protocol``.
        """
        if self._sniff is not None:
            seen = self._sniff + data
            if PREFACE.startswith(seen[: len(PREFACE)]):
                if len(seen) < len(PREFACE):
                    self._sniff = seen  # a preface cut short by the network: wait for the rest
                    return
                self._to_http2(seen)
                return
            self._sniff = None
            data = seen
        if self._waiting_since is not None:
            self._header_bytes += len(data)
            if self._due is None:  # the first bytes after a keep-alive pause
                self._arm(self.limits.header_timeout, self._headers_late)
        super().data_received(data)
        if (
            self._waiting_since is not None
            and self._header_bytes > self.limits.max_header_bytes
            and not self.transport.is_closing()
        ):
            limit, fix = self.limits.max_header_bytes, "Send smaller headers (--max-header-bytes raises the limit)."
            if self._in_flight():  # a pipelined request: never write into the reply before it
                self.transport.close()
                return
            self._refuse(431, "Request headers too large", f"the request line and headers pass {limit} bytes", fix,
                         "x-should-retry: false")  # fmt: skip

    def on_message_begin(self) -> None:
        """A pipelined request starts its own header deadline."""
        super().on_message_begin()
        if self._waiting_since is None:  # it began inside the data of the request before it
            self._waiting_since, self._header_bytes = self.loop.time(), 1
        if self._due is None:
            self._arm(self.limits.header_timeout, self._headers_late)

    def on_headers_complete(self) -> None:
        """Stop the header deadline, start the body one; a connection still over the cap gets the 503."""
        self._cancel()
        self._waiting_since = None
        # Still over the cap: a whole request beats any connection still sending its headers (or idle).
        over = self._over_cap and len(self.connections) > self.limits.max_connections
        busy = (over and not self._evict(0.0)) or len(self.tasks) >= self.limits.max_connections
        app = self.app
        if busy:
            self.app = self._busy
        try:
            super().on_headers_complete()
        finally:
            self.app = app
        self._arm(self.limits.body_timeout, self._body_late)

    def on_message_complete(self) -> None:
        """The body is in: stop its deadline, stamp the request's arrival (a paced answer counts from it)."""
        received(self.scope)
        self._cancel()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        """Between requests: idle (keep-alive) from now on, unless the next request has begun."""
        super().on_response_complete()
        cycle = self.cycle
        idle = not self.pipeline and (cycle is None or cycle.response_complete)
        if idle and self._waiting_since is None and not self.transport.is_closing():
            self._waiting_since, self._header_bytes = self.loop.time(), 0

    def pause_writing(self) -> None:
        """The client stopped reading: start the send deadline."""
        super().pause_writing()
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self.limits.send_timeout, self._send_late)

    def resume_writing(self) -> None:
        """The client reads again: stop the send deadline."""
        super().resume_writing()
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _to_http2(self, data: bytes) -> None:
        """Hand this connection to ``Http2Protocol`` (same app, state and limits), replaying ``data``."""
        from mockserver.inprocess.http2 import Http2Protocol  # h2 and hpack: only once a client speaks HTTP/2

        self._sniff = None
        self._cancel()
        self.connections.discard(self)
        app = self._busy if self._over_cap and len(self.connections) >= self.limits.max_connections else self.app
        http2 = Http2Protocol(app=app, state=self.server_state, limits=self.limits, loop=self.loop,
                              app_state=self.app_state, root_path=self.root_path)  # fmt: skip
        self.transport.set_protocol(http2)
        http2.connection_made(self.transport)
        if data:
            http2.data_received(data)

    # -- deadlines and refusals ------------------------------------------------------------------------------

    def _arm(self, seconds: float, callback: Any) -> None:
        """Run ``callback`` once ``seconds`` have passed, at the next sweep (no loop timer per request)."""
        self._due, self._late = self.loop.time() + seconds, callback
        sweep = type(self)._sweep
        if sweep is None or sweep.handle is None or sweep.loop is not self.loop:  # none yet, or stopped when idle
            type(self)._sweep = _Sweep(self.loop, self.connections, self.limits)

    def _cancel(self) -> None:
        self._due = None

    def _in_flight(self) -> bool:
        """Whether a request before the one being received is still being answered (pipelining)."""
        return self.cycle is not None and not self.cycle.response_complete

    def _headers_late(self) -> None:
        if self._waiting_since is None or self.transport.is_closing():
            return
        if self._in_flight():  # a pipelined request waits for the reply before it: its deadline starts again
            self._arm(self.limits.header_timeout, self._headers_late)
            return
        if not self._header_bytes:  # nothing sent at all: just close, as nginx does
            self.transport.close()
            return
        seconds = self.limits.header_timeout
        self._refuse(408, "Request headers too slow", f"the request line and headers took over {seconds:g} s",
                     "Send the whole request at once (--header-timeout raises the limit).")  # fmt: skip

    def _body_late(self) -> None:
        cycle = self.cycle
        if cycle is None or not cycle.more_body or self.transport.is_closing():
            return
        if cycle.response_started:
            self.transport.close()
            return
        cycle.keep_alive = False  # the app then reads a disconnect; listener_app ends it quietly
        seconds = self.limits.body_timeout
        self._refuse(408, "Request body too slow", f"the body did not arrive within {seconds:g} s of the headers",
                     "Send the body at once (--body-timeout raises the limit).")  # fmt: skip

    def _send_late(self) -> None:
        self._send_timer = None
        self.transport.abort()  # the client reads nothing: nothing can be said to it either

    def _evict(self, grace: float) -> bool:
        """Close the connection waiting longest (at least ``grace`` s) for a request; False when there is none."""
        since = self.loop.time() - grace
        idle = [c for c in self.connections if isinstance(c, GuardedProtocol) and c is not self
                and c._waiting_since is not None and c._waiting_since <= since and not c._in_flight()]  # fmt: skip
        if not idle:
            return False
        victim = min(idle, key=lambda c: c._waiting_since or since)
        victim._waiting_since = None
        victim._cancel()
        victim.transport.close()
        return True

    def _refuse(self, status: int, title: str, detail: str, fix: str, *headers: str) -> None:
        body = json.dumps(MockError(title, detail, status=status, fix=fix).document()).encode()
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "content-type: application/problem+json",
                f"content-length: {len(body)}", "connection: close", "x-mock-error: true", *headers]  # fmt: skip
        self.transport.write("\r\n".join(head).encode() + b"\r\n\r\n" + body)
        self.transport.close()

    async def _busy(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.max_connections
        fix = "Retry shortly, close idle connections, or raise --max-connections."
        error = MockError("Too many connections", f"the mock serves at most {limit} connections at once",
                          status=503, fix=fix)  # fmt: skip
        body = json.dumps(error.document()).encode()
        headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close"), (b"retry-after", b"1"), (b"x-mock-error", b"true")]  # fmt: skip
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _Sweep:
    """One timer per server instead of two per request: every ``interval`` it runs the callbacks of the
    connections whose deadline has passed (so a deadline fires up to ``interval`` late: a quarter of the shortest
    deadline or ``GRACE``, at most 0.25 s). It stops when no connection is left and starts again with the next."""

    def __init__(self, loop: asyncio.AbstractEventLoop, connections: set[Any], limits: ServerLimits) -> None:
        self.loop, self.connections = loop, connections
        self.interval = max(0.005, min(limits.header_timeout, limits.body_timeout, GRACE) / 4)
        self.handle: asyncio.TimerHandle | None = loop.call_later(self.interval, self.run)

    def run(self) -> None:
        self.handle = self.loop.call_later(self.interval, self.run) if self.connections else None
        now = self.loop.time()
        for connection in list(self.connections):
            due = getattr(connection, "_due", None)  # an HTTP/2 connection keeps its own deadlines
            if due is not None and due <= now:
                connection._due = None
                connection._late()


def protocol_for(limits: ServerLimits, at_once: bool = True) -> type[GuardedProtocol]:
    """A ``GuardedProtocol`` class enforcing ``limits`` (uvicorn builds one instance per connection); ``at_once``
    False serves every request through uvicorn's ASGI task."""

    class Limited(GuardedProtocol):
        pass

    Limited.limits, Limited.at_once = limits, at_once
    return Limited
