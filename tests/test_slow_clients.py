"""Slow and idle clients against a real uvicorn server: header, body and send deadlines, header size, connection cap.

Timings are asserted only as "closed before N seconds", N generous; the limits under test are a fraction of it.
"""

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from mockserver.config import ServerLimits
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

SHORT = ServerLimits(header_timeout=0.5, body_timeout=0.5, keep_alive_timeout=30, send_timeout=0.5)
GENEROUS = 10.0  # seconds: every close below must come well before this
HEALTH = b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


class Tracebacks(logging.Handler):
    """Collects uvicorn's error log (it does not propagate to pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    running = ServerThread(MockCore(), limits=SHORT)
    yield running
    running.stop()


@pytest.fixture
def errors() -> Iterator[Tracebacks]:
    handler, logger = Tracebacks(), logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records if r.levelno >= logging.ERROR or r.exc_info] == []


def connect(server: ServerThread) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS)
    sock.settimeout(GENEROUS)
    return sock


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    started, data = time.monotonic(), b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data, time.monotonic() - started


def test_a_slowloris_is_closed_with_408(server: ServerThread, errors: Tracebacks) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        try:
            for number in range(40):  # a header line every 0.1 s: never idle, never done
                sock.sendall(f"X-Slow-{number}: 1\r\n".encode())
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = read_until_closed(sock)
    assert time.monotonic() - started < GENEROUS
    assert data.startswith(b"HTTP/1.1 408 ") and b"application/problem+json" in data and b"--header-timeout" in data


def test_a_silent_connection_is_closed(server: ServerThread) -> None:
    with connect(server) as sock:
        data, took = read_until_closed(sock)
    assert data == b"" and took < GENEROUS


def test_a_keep_alive_connection_gets_a_new_header_deadline(server: ServerThread) -> None:
    with connect(server) as sock:
        sock.sendall(HEALTH)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /__admin/health HTTP/1.1\r\n")  # the next request never finishes its headers
        data, took = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and took < GENEROUS


def test_a_slow_body_is_closed_with_408_and_no_traceback(server: ServerThread, errors: Tracebacks) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /openrouter/api/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                     b"Bearer k\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")  # fmt: skip
        data, took = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and b"--body-timeout" in data and took < GENEROUS
    time.sleep(0.2)  # let the app see the disconnect (and not log it)


def test_the_deadline_sweep_stops_when_idle_and_starts_again() -> None:
    """One sweep per server runs the deadlines (no loop timer per request); with no connection it stops, and the
    next connection starts it again: its deadline still fires."""
    alone = ServerThread(MockCore(), limits=SHORT)
    try:
        protocol = alone._server.config.http_protocol_class
        with connect(alone) as sock:
            sock.sendall(HEALTH)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
            running = protocol._sweep  # type: ignore[attr-defined]
            assert running is not None and running.handle is not None
        deadline = time.monotonic() + GENEROUS
        while running.handle is not None and time.monotonic() < deadline:  # stops once no connection is left
            time.sleep(0.05)
        assert running.handle is None
        with connect(alone) as sock:
            sock.sendall(b"GET /__admin/health HTTP/1.1\r\n")
            data, took = read_until_closed(sock)
        assert data.startswith(b"HTTP/1.1 408 ") and took < GENEROUS
        assert protocol._sweep is not running  # type: ignore[attr-defined]
    finally:
        alone.stop()


def test_headers_beyond_the_cap_get_431(server: ServerThread) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000)
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 431 ")


def test_normal_requests_are_untouched(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url) as client:
        for _ in range(3):  # one keep-alive connection, several requests
            assert client.get("/__admin/health").status_code == 200
        body = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}
        reply = client.post("/openrouter/api/v1/chat/completions", json=body, headers={"authorization": "Bearer k"})
        assert reply.status_code == 200


def test_at_the_connection_cap_the_longest_idle_connection_makes_room() -> None:
    capped = ServerThread(MockCore(), limits=ServerLimits(header_timeout=30, max_connections=3))
    idle = [socket.create_connection(("127.0.0.1", capped.port)) for _ in range(3)]
    try:
        time.sleep(1.3)  # idle past the grace second
        assert httpx.get(f"{capped.url}/__admin/health", timeout=GENEROUS).status_code == 200
        closed = 0
        for sock in idle:
            sock.settimeout(0.5)
            with contextlib.suppress(TimeoutError):
                closed += sock.recv(1) == b""
        assert closed >= 1
    finally:
        for sock in idle:
            sock.close()
        capped.stop()


def test_at_the_cap_with_every_connection_busy_a_newcomer_gets_503() -> None:
    capped = ServerThread(MockCore(), limits=ServerLimits(body_timeout=30, max_connections=2))
    busy = [socket.create_connection(("127.0.0.1", capped.port)) for _ in range(2)]
    try:
        for sock in busy:  # in the middle of a body: a request in progress, not idle
            sock.sendall(b"POST /__admin/fixtures HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{")
        time.sleep(1.3)
        refused = httpx.get(f"{capped.url}/__admin/health", timeout=GENEROUS)
        assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        assert "--max-connections" in refused.json()["fix"]
    finally:
        for sock in busy:
            sock.close()
        capped.stop()


def slow_reply() -> Starlette:
    async def answer(request: Request) -> PlainTextResponse:
        await asyncio.sleep(1.5)  # longer than the header deadline of the request pipelined behind it
        return PlainTextResponse("first reply, whole")

    return Starlette(routes=[Route("/", answer)])


def test_a_pipelined_slow_request_never_cuts_the_reply_before_it() -> None:
    pipelined = ServerThread(app=slow_reply(), limits=SHORT)
    try:
        with socket.create_connection(("127.0.0.1", pipelined.port), timeout=GENEROUS) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            data, took = read_until_closed(sock)
        first, _, rest = data.partition(b"first reply, whole")
        assert first.startswith(b"HTTP/1.1 200 ") and rest.startswith(b"HTTP/1.1 408 ") and took < GENEROUS
    finally:
        pipelined.stop()


def endless() -> Starlette:
    async def stream(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            while True:
                yield b"x" * 65536
                await asyncio.sleep(0)  # a suspension point: once the client is gone, starlette cancels the stream

        return StreamingResponse(chunks())

    return Starlette(routes=[Route("/", stream)])


def test_a_client_that_never_reads_is_dropped() -> None:
    stalled = ServerThread(app=endless(), limits=ServerLimits(send_timeout=0.5))
    try:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", stalled.port))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            time.sleep(2.0)  # read nothing while the server's buffers fill
            sock.settimeout(GENEROUS)
            received, started = 0, time.monotonic()
            try:
                while (chunk := sock.recv(65536)) and time.monotonic() - started < GENEROUS:
                    received += len(chunk)
            except ConnectionResetError:
                pass
        assert time.monotonic() - started < GENEROUS  # the endless reply ended: the server dropped us
    finally:
        stalled.stop()
