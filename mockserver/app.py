"""The ASGI application: one place that wires the core to ASGI (starlette's request and response objects, for the
recorder, are ``record/bridge.py``'s, loaded on first use: ``serve`` never imports them)."""

import asyncio
import functools
import importlib
import time
from collections import deque
from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from starlette.types import Receive, Scope, Send

from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.exchange import RECEIVED

if TYPE_CHECKING:
    from mockserver.record.bridge import Everything, to_mock_request, to_starlette_response

__all__ = ["Everything", "MockApp", "create_app", "to_mock_request", "to_starlette_response"]
_BRIDGE = ("Everything", "to_mock_request", "to_starlette_response")


def __getattr__(name: str) -> Any:
    """The starlette bridge's names, still importable from here (PEP 562: starlette.requests is ~15 ms)."""
    if name not in _BRIDGE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module("mockserver.record.bridge"), name)


class MockApp:
    """The mock's ASGI app: a lean path from ASGI messages to the core and back, no framework objects per request.

    Behaves as the starlette ``Response``/``StreamingResponse`` pair it replaced (``to_starlette_response``): the
    same status, headers in the same order, a ``content-length`` on every whole body (not on 1xx, 204, 304) and
    none on a stream. A stream that is not paced is written in few sends (up to ``COALESCE`` bytes each); a paced
    one sends each piece at its time and stops once the client has gone.
    """

    COALESCE = 64 * 1024

    def __init__(self, core: MockCore) -> None:
        self.core = core
        self.state = SimpleNamespace(core=core)
        self.turns = Turns(core)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        elif kind == "websocket":  # no WebSocket endpoint: refused as starlette's router refuses it
            await send({"type": "websocket.close", "code": 1000, "reason": ""})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        body: bytes = message.get("body", b"")
        while message.get("more_body", False):
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # gone mid-body: nobody is left to answer
            body += message.get("body", b"")
        if message["type"] == "http.disconnect":
            return
        request = self._request(scope, body)
        core = self.core
        arrived = 0.0  # only a paced response (--pace, or x-mock-pace) keeps to a schedule from its arrival
        if self._paced(request):
            arrived = core.clock.monotonic()
            stamp = (scope.get("extensions") or {}).get(RECEIVED)
            if stamp is not None and type(core.clock).monotonic is Clock.monotonic:  # the same clock: not a fake one
                arrived = min(arrived, stamp)  # read off the socket before this task ran (a burst: up to ~20 ms)
            response = await self.turns.handle(request)  # in turns: the loop reads the other requests meanwhile
        else:
            response = core.handle(request)
        await self.reply(response, arrived, receive, send)

    def answer(self, scope: Scope, body: bytes, host: str | None = None) -> MockResponse | None:
        """The response to a whole request when it needs no waiting (it is not paced); None: serve it by ASGI.

        The listeners' protocol (``inprocess/direct.py``) writes such a response itself, the bytes ``reply``
        would have sent, without a task or ASGI messages. ``host``: the ``Host`` of a request that has none.
        """
        request = self._request(scope, body, host)
        return None if self._paced(request) else self.core.handle(request)

    async def reply(self, response: MockResponse, arrived: float, receive: Receive, send: Send) -> None:
        """Send ``response`` by ASGI; a paced one keeps to its schedule from ``arrived`` (loop time)."""
        raw = self.head(response)
        if response.chunks is None:
            if response.delays:
                await self.core.clock.asleep(sum(response.delays))  # a paced JSON body: latency + generation first
            await send({"type": "http.response.start", "status": response.status, "headers": raw})
            await send({"type": "http.response.body", "body": response.body})
            return
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        if response.delays:
            if await _paced(response, self.core.clock, arrived, receive, send):
                return  # the last piece ended the body
        else:
            for group in self.groups(response):
                await send({"type": "http.response.body", "body": group, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    def head(response: MockResponse) -> list[tuple[bytes, bytes]]:
        """The response's headers as sent, in order; a whole body (not 1xx, 204, 304) gets its ``content-length``."""
        raw = [(_wire_name(k), v.encode("latin-1")) for k, v in response.headers.items()]
        status = response.status
        whole = response.chunks is None and status >= 200 and status not in (204, 304)
        if whole and "content-length" not in response.headers:
            raw.append((b"content-length", str(len(response.body)).encode()))
        return raw

    def groups(self, response: MockResponse) -> Iterator[bytes]:
        """An unpaced stream's sends: its pieces joined up to ``COALESCE`` bytes each, every piece told to the
        journal's tap (the inspector's events) by ``paced()``."""
        pending: list[bytes] = []
        size = 0
        for _, chunk in response.paced():
            pending.append(chunk)
            size += len(chunk)
            if size >= self.COALESCE:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)

    def _paced(self, request: MockRequest) -> bool:
        return self.core.config.pace > 0 or "x-mock-pace" in request.headers

    @staticmethod
    def _request(scope: Scope, body: bytes, host: str | None = None) -> MockRequest:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        # ASGI header names are lower-case already (the spec); the last of repeated names wins, as in build()
        headers = {_header_name(k): v.decode("latin-1") for k, v in scope["headers"]}
        if host is not None and "host" not in headers:
            headers["host"] = host
        query = scope.get("query_string", b"").decode("latin-1")
        path = raw_path.decode("latin-1")
        if "?" in path and not query:
            path, query = path.split("?", 1)
        return MockRequest(scope["method"].upper(), path, headers, body, query)


@functools.lru_cache(maxsize=1024)
def _header_name(raw: bytes) -> str:
    """A request header name as the mock reads it (lower-case text), decoded once per distinct name."""
    return raw.decode("latin-1").lower()


@functools.lru_cache(maxsize=1024)
def _wire_name(name: str) -> bytes:
    """A response header name as sent (lower-case bytes), encoded once per distinct name."""
    return name.lower().encode("latin-1")


class Turns:
    """Paced requests handled in turns of the event loop, at most ``budget`` seconds of handling a turn.

    A burst of paced requests (500 streams started at once) would otherwise be handled one after another in one
    loop turn (~0.4 ms each): the loop reads no socket and fires no timer until the last is done, so the requests
    read last start their schedule ~0.2 s late and the streams already sending stall. Queued here, a request is
    stamped on arrival within a few ms, and between turns the loop reads sockets and sends the due pieces.
    """

    def __init__(self, core: MockCore, budget: float = 0.002) -> None:
        self.core, self.budget = core, budget
        self.loop: asyncio.AbstractEventLoop | None = None  # whose turns the queue is in (tests run many loops)
        self.jobs: deque[tuple[MockRequest, asyncio.Future[MockResponse]]] = deque()

    async def handle(self, request: MockRequest) -> MockResponse:
        """``core.handle(request)``, in the first turn with time left."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            self.loop, self.jobs = loop, deque()
        if not self.jobs:
            loop.call_soon(self._turn)
        done: asyncio.Future[MockResponse] = loop.create_future()
        self.jobs.append((request, done))
        return await done

    def _turn(self) -> None:
        jobs, until = self.jobs, time.monotonic() + self.budget
        while jobs:
            request, done = jobs.popleft()
            if not done.cancelled():
                try:
                    done.set_result(self.core.handle(request))
                except Exception as exc:  # raised in the request's own task, as a direct call would raise it
                    done.set_exception(exc)
            if time.monotonic() > until:
                break
        if jobs and self.loop is not None:
            self.loop.call_soon(self._turn)  # after the loop has read its sockets and fired its timers


async def _paced(response: MockResponse, clock: Clock, arrived: float, receive: Receive, send: Send) -> bool:
    """Send each piece at its time; stop early when the client disconnects (one pending ``receive``). Whether
    the body was ended: the last piece goes out as the body's last message (one send, not two, for the busiest
    moment of a stream, its end).

    The times keep to a schedule counted from the request's arrival: time spent answering, and each sleep's
    overshoot under load, comes off the next delay, so the time to first token and the tokens per second hold
    (``python -m benchmarks.paced``). A piece whose time has passed when the one before it goes out (the loop is
    behind) goes out in the same send: one send for every piece due, not one loop turn each.
    """
    gone = asyncio.ensure_future(receive())
    following = iter((response.delays or [])[1:])  # the delay before the next piece, read ahead of the piece
    due, left = arrived, len(response.chunks or ())
    pending: list[bytes] = []
    try:
        for delay, chunk in response.paced():
            left -= 1
            due += delay
            now = clock.monotonic()
            if delay and now < due:
                late = now - due + delay  # behind the schedule before this delay
                # asyncio.sleep: other connections go on meanwhile; a lag under 1 ms is left alone
                await clock.asleep(delay - late if late > 0.001 else delay)
                now = clock.monotonic()
            if gone.done():
                return False
            pending.append(chunk)
            upcoming = next(following, None)
            if left <= 0 or upcoming is None or due + upcoming >= now:  # the next piece is not due yet, or none
                await send({"type": "http.response.body", "body": b"".join(pending), "more_body": left > 0})
                pending.clear()
        return left <= 0
    finally:
        gone.cancel()


def create_app(core: MockCore | None = None, config: MockConfig | None = None, clock: Clock | None = None) -> MockApp:
    """Build the ASGI app serving every provider, the admin API and the mock's own 404s.

    Args:
        core: an existing core to serve (shared with in-process adapters or tests); built from ``config`` if None.
        config: configuration for a new core; ignored when ``core`` is given.
        clock: the new core's clock (``FrozenClock`` for ``--freeze-time``); ignored when ``core`` is given.
    """
    return MockApp(core or MockCore(config, clock=clock))
