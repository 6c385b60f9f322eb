"""Answers written at once: the HTTP/1.1 listener answers a request the mock can answer without waiting in the
loop turn its body arrives in, with no task and no ASGI messages; a paced answer by loop timers, piece by piece.

uvicorn runs every request as a task that passes ASGI messages through ``RequestResponseCycle`` (~8 µs a request
here, a third of a chat request's server time). ``AtOnce`` hands a whole request to the listener's ``answer``
(``MockApp.answer``) and writes the bytes uvicorn would have written for the same response: its status line, its
default headers (``date``, ``server``), the response's headers in order, and the body (a stream framed in chunks,
one per send ``MockApp.groups`` makes). A paced request is handled in the app's turns and written by ``Paced``:
each piece at its time by a loop timer (``http.Schedule``, as the ASGI app keeps it), not a task, a sleep and two
ASGI messages a piece. Anything uvicorn would check or frame otherwise goes its usual way: ``HEAD``,
``Expect: 100-continue``, a body over uvicorn's read limit (64 KiB, read by the app's ``receive``), a client not
reading, a header uvicorn refuses or reads (``content-length``, ``transfer-encoding``, ``connection``), a status
without a body, a paced answer on a clock that is not real time; and any app that is not the mock's.
``tests/inprocess/test_at_once.py`` compares the bytes of both ways.
"""

import asyncio
import functools
import re
import time
from collections import deque
from collections.abc import Awaitable, Iterable
from typing import Any, Protocol, cast

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import HEADER_RE, STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

from mockserver.http import Later, MockResponse, Schedule

__all__ = ["Answers", "AtOnce", "Paced"]

_READ_BY_UVICORN = frozenset({b"content-length", b"transfer-encoding", b"connection"})
"""Response headers uvicorn acts on (length checks, framing, closing): such a response is sent by ASGI."""
_BAD_VALUE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
"""uvicorn's ``HEADER_VALUE_RE``, on text: a value with a control character other than tab is refused."""


class Answers(Protocol):
    """What the listener's app offers the protocol (``inprocess.server.Listener``)."""

    at_once: bool
    real_time: bool  # whether the app's clock waits in real time: the protocol paces by the loop's timers

    def answer(self, scope: Scope, body: bytes, later: Later) -> MockResponse | None: ...
    def groups(self, response: MockResponse) -> Iterable[bytes]: ...
    def reply(self, response: MockResponse, arrived: float, receive: Receive, send: Send) -> Awaitable[None]: ...


class AtOnce(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol writing the mock's immediate answers itself (``at_once = False``: never)."""

    at_once = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = self.app
        self._answers: Answers | None = cast(Answers, app) if self.at_once and getattr(app, "at_once", False) else None
        self._held: RequestResponseCycle | None = None  # a request whose body is still arriving
        self._ready: deque[RequestResponseCycle] = deque()
        self._writing = False
        self._defaults: tuple[object, bytes] = (None, b"")  # uvicorn's default headers, and their bytes

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        """uvicorn starts each request here (at its headers, or a pipelined one after the reply before it)."""
        answers = self._answers
        if answers is None or app is not answers or cycle.waiting_for_100_continue or cycle.scope["method"] == "HEAD":
            super()._start_asgi_task(cycle, app)
        elif cycle.more_body:
            self._held = cycle  # answered when its body is in (on_message_complete)
        else:
            self._now(cycle)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        held = self._held
        if held is not None and len(held.body) > HIGH_WATER_LIMIT:  # uvicorn stopped reading: the app's receive reads
            self._held = None
            super()._start_asgi_task(held, self.app)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        held = self._held
        if held is not None and not held.more_body:
            self._held = None
            self._now(held)

    def connection_lost(self, exc: Exception | None) -> None:
        self._held = None
        super().connection_lost(exc)

    def _now(self, cycle: RequestResponseCycle) -> None:
        """Answer ``cycle``; pipelined requests its reply releases are answered after it, in this loop."""
        self._ready.append(cycle)
        if self._writing:
            return
        self._writing = True
        try:
            while self._ready:
                self._answer(self._ready.popleft())
        finally:
            self._writing = False

    def _answer(self, cycle: RequestResponseCycle) -> None:
        answers = self._answers
        assert answers is not None
        if self.flow.write_paused or self.transport.is_closing():  # ASGI's send waits for the client to read
            super()._start_asgi_task(cycle, self.app)
            return
        try:
            later = functools.partial(self._later, cycle)
            response = answers.answer(cast(Scope, cycle.scope), bytes(cycle.body), later)
        except Exception as exc:  # uvicorn's own handling: logged, and its 500
            super()._start_asgi_task(cycle, _raising(exc))
            return
        if response is None:  # paced: handled in turns, then sent on its schedule (_later)
            return
        head = self._head(cycle, response)
        if head is None:
            super()._start_asgi_task(cycle, _replying(answers, response, 0.0))
            return
        if response.chunks is None:
            head.append(response.body)
        else:
            for group in answers.groups(response):
                if group:
                    head += _chunk(group)
            head.append(b"0\r\n\r\n")
        cycle.response_started = True
        self.transport.write(b"".join(head))
        self._complete(cycle)

    def _later(self, cycle: RequestResponseCycle, done: "asyncio.Future[MockResponse]", arrived: float) -> None:
        """A paced request's turn has come: its response goes out on its schedule from ``arrived``, written by
        loop timers (``Paced``); by ASGI when the app's clock is not real time or uvicorn would write it otherwise."""
        answers = self._answers
        assert answers is not None
        error = done.exception()
        if error is not None:
            super()._start_asgi_task(cycle, _raising(error))
            return
        response = done.result()
        closed = self.flow.write_paused or self.transport.is_closing()
        head = None if closed or not answers.real_time else self._head(cycle, response)
        if head is None:
            super()._start_asgi_task(cycle, _replying(answers, response, arrived))
            return
        Paced(self, cycle, b"".join(head), response, arrived)

    def _complete(self, cycle: RequestResponseCycle) -> None:
        """The response is all written: what uvicorn does at the end of one."""
        cycle.response_complete = True
        cycle.message_event.set()
        if not cycle.keep_alive:
            self.transport.close()
        cycle.on_response()

    def _head(self, cycle: RequestResponseCycle, response: MockResponse) -> list[bytes] | None:
        """The head uvicorn writes for ``response`` (as ``MockResponse.wire_head`` gives it), up to its body or first
        chunk; None when uvicorn would check or frame it otherwise."""
        status, whole, headers = response.status, response.chunks is None, response.headers
        if status < 200 or status in (204, 304) or status not in STATUS_LINE:
            return None
        if _BAD_VALUE.search("".join(headers.values())):
            return None  # uvicorn refuses it (its 500): left to it
        defaults = cycle.default_headers  # uvicorn's date and server: a new list each second
        if defaults is not self._defaults[0]:
            self._defaults = (defaults, b"".join([b"%s: %s\r\n" % pair for pair in defaults]))
        parts = [STATUS_LINE[status], self._defaults[1]]
        try:
            for name, value in headers.items():
                line = _line(name)
                if line is None:
                    return None
                parts += (line, value.encode("latin-1"), b"\r\n")
        except UnicodeEncodeError:
            return None
        if whole:  # uvicorn's order: the headers (the length last), then its connection: close
            parts.append(b"content-length: %d\r\n" % len(response.body))
        if not cycle.keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(b"\r\n" if whole else b"transfer-encoding: chunked\r\n\r\n")
        return parts


class Paced:
    """A paced response written by loop timers (``Schedule``: each piece at its time from the request's arrival,
    pieces already due joined): a stream's head at once, then its chunks; a JSON body with its head at its time.

    The ASGI way takes a task, a sleep and two ASGI messages a piece; this a timer and one write. A client gone
    is seen at the next piece (as ``MockApp``'s pending ``receive`` is), and the stream stops there.
    """

    __slots__ = ("cycle", "head", "protocol", "schedule")

    def __init__(self, protocol: AtOnce, cycle: RequestResponseCycle, head: bytes, response: MockResponse,
                 arrived: float) -> None:  # fmt: skip
        self.protocol, self.cycle = protocol, cycle
        self.head: bytes | None = head
        self.schedule = Schedule(response, arrived)
        if response.chunks is not None:
            cycle.response_started = True
            protocol.transport.write(head)
            self.head = None
        self.step(False)

    def step(self, woken: bool) -> None:
        """Send what is due, then wait for the next piece's time (``woken``: by that wait's timer)."""
        schedule, cycle = self.schedule, self.cycle
        while True:
            if not woken:
                wait = schedule.wait(time.monotonic())
                if wait is None:
                    return
                if wait:
                    self.protocol.loop.call_later(wait, self.step, True)
                    return
            woken = False
            if cycle.disconnected:
                schedule.close()
                return
            data = schedule.take(time.monotonic())
            if data is not None:
                self.send(data, schedule.ended)

    def send(self, data: bytes, last: bool) -> None:
        protocol, cycle = self.protocol, self.cycle
        if self.head is not None:  # a whole body: its head and the body, at the body's time
            cycle.response_started = True
            protocol.transport.write(self.head + data)
        else:
            frame = list(_chunk(data)) if data else []
            if last:
                frame.append(b"0\r\n\r\n")
            protocol.transport.write(b"".join(frame))
        if last:
            protocol._complete(cycle)


def _chunk(data: bytes) -> tuple[bytes, bytes, bytes]:
    """The parts of one chunk of a chunked body, as uvicorn frames it (size in hex, the bytes, CRLF)."""
    return b"%x\r\n" % len(data), data, b"\r\n"


@functools.lru_cache(maxsize=1024)
def _line(name: str) -> bytes | None:
    """``name: `` as uvicorn writes it (lower-case); None for a name it refuses or acts on (length, framing)."""
    try:
        wire = name.lower().encode("latin-1")
    except UnicodeEncodeError:
        return None
    return None if HEADER_RE.search(wire) or wire in _READ_BY_UVICORN else wire + b": "


def _raising(exc: BaseException) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise exc

    return app


def _replying(answers: Answers, response: MockResponse, arrived: float) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):  # the body the answer was made from: a paced reply's receive
            pass  # then hears only a disconnect
        await answers.reply(response, arrived, receive, send)

    return app
