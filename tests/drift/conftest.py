"""Deliberately drifted servers: the faithful mock's answers, each mutated by one planted drift."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest

Mutate = Callable[[str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
"""(path, status, headers, body) of the faithful answer -> the drifted answer (the tests define their own)."""


@dataclass
class DriftServer:
    """A uvicorn server in a thread serving the mock through one mutation."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def _app(core: MockCore, mutate: Mutate) -> Starlette:
    async def endpoint(request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        mock = MockRequest.build(request.method, raw_path.decode(), list(request.headers.items()),
                                 await request.body(), request.url.query)  # fmt: skip
        answer = core.handle(mock)
        status, headers, body = mutate(mock.raw_path, answer.status, dict(answer.headers), answer.content())
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "transfer-encoding")}
        return Response(body, status, headers=headers)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def drifted() -> Iterator[Callable[[Mutate], str]]:
    """Start a server answering like the mock but through ``mutate``; return its root URL."""
    servers: list[DriftServer] = []

    def start(mutate: Mutate) -> str:
        port = _free_port()
        config = uvicorn.Config(_app(MockCore(MockConfig()), mutate), host="127.0.0.1", port=port,
                                log_level="error", access_log=False)  # fmt: skip
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("drifted server did not start")
            time.sleep(0.01)
        servers.append(DriftServer(f"http://127.0.0.1:{port}", server, thread))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()
