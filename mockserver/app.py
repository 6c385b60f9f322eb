"""The ASGI application: one place that wires the core to ASGI (starlette's request and response objects, for the
recorder, are ``record/bridge.py``'s, loaded on first use: ``serve`` never imports them)."""

import asyncio
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
from mockserver.http import Later, MockRequest, MockResponse, Schedule, header_name
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
        arrived = 0.0  # only a paced response (--pace, or x-mock-pace) keeps to a schedule from its arrival
        if self._paced(request):
            arrived = self._arrival(scope)
            response = await self.turns.submit(request)  # in turns: the loop reads the other requests meanwhile
        else:
            response = self.core.handle(request)
        await self.reply(response, arrived, receive, send)

    def answer(
        self, scope: Scope, body: bytes, host: str | None = None, later: Later | None = None
    ) -> MockResponse | None:
        """The response to a whole request when it needs no waiting (it is not paced); None: a paced one.

        The listeners' protocol (``inprocess/direct.py``) writes such a response itself, the bytes ``reply``
        would have sent, without a task or ASGI messages. A paced request is handled in turns (``Turns``) and
        given to ``later`` with its arrival time, for the protocol to send on its schedule; with no ``later``
        it is left to be served by ASGI. ``host``: the ``Host`` of a request that has none.
        """
        request = self._request(scope, body, host)
        if not self._paced(request):
            return self.core.handle(request)
        if later is not None:
            arrived = self._arrival(scope)
            self.turns.submit(request).add_done_callback(lambda done: later(done, arrived))
        return None

    @property
    def real_time(self) -> bool:
        """Whether the core's clock waits in real time (a fake clock's waits are its own: only ``reply`` keeps them)."""
        clock = type(self.core.clock)
        return clock.monotonic is Clock.monotonic and clock.asleep is Clock.asleep

    async def reply(self, response: MockResponse, arrived: float, receive: Receive, send: Send) -> None:
        """Send ``response`` by ASGI; a paced one keeps to its schedule from ``arrived`` (loop time)."""
        raw = response.wire_head()
        if response.chunks is None:
            if response.delays:  # a paced JSON body: latency + generation from its arrival first
                clock = self.core.clock
                await clock.asleep(arrived + sum(response.delays) - clock.monotonic())
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

    def _arrival(self, scope: Scope) -> float:
        """When a paced request arrived: the listener's stamp (read off the socket before a task or a turn ran;
        a burst: up to ~20 ms earlier), else now."""
        arrived = self.core.clock.monotonic()
        stamp = (scope.get("extensions") or {}).get(RECEIVED)
        if stamp is not None and type(self.core.clock).monotonic is Clock.monotonic:  # the same clock: not a fake one
            arrived = min(arrived, stamp)
        return arrived

    @staticmethod
    def _request(scope: Scope, body: bytes, host: str | None = None) -> MockRequest:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        # ASGI header names are lower-case already (the spec); the last of repeated names wins, as in build()
        headers = {header_name(k): v.decode("latin-1") for k, v in scope["headers"]}
        if host is not None and "host" not in headers:
            headers["host"] = host
        query = scope.get("query_string", b"").decode("latin-1")
        path = raw_path.decode("latin-1")
        if "?" in path and not query:
            path, query = path.split("?", 1)
        return MockRequest(scope["method"].upper(), path, headers, body, query)


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

    def submit(self, request: MockRequest) -> "asyncio.Future[MockResponse]":
        """``core.handle(request)``, in the first turn with time left (awaited by the ASGI app, or told to the
        listener's protocol by a done callback)."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            self.loop, self.jobs = loop, deque()
        if not self.jobs:
            loop.call_soon(self._turn)
        done: asyncio.Future[MockResponse] = loop.create_future()
        self.jobs.append((request, done))
        return done

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
    """Send each piece at its time (``Schedule``: from the request's arrival, pieces already due joined); stop
    early when the client disconnects (one pending ``receive``). Whether the body was ended: the last piece goes
    out as the body's last message (one send, not two, for the busiest moment of a stream, its end).
    """
    gone = asyncio.ensure_future(receive())
    schedule = Schedule(response, arrived)
    try:
        while (wait := schedule.wait(clock.monotonic())) is not None:
            if wait:
                await clock.asleep(wait)  # asyncio.sleep: other connections go on meanwhile
            if gone.done():
                schedule.close()
                return False
            data = schedule.take(clock.monotonic())
            if data is not None:
                await send({"type": "http.response.body", "body": data, "more_body": not schedule.ended})
        return schedule.ended
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
