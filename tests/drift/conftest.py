"""Deliberately drifted servers: the faithful mock's answers, each mutated by one planted drift."""

from collections.abc import Callable, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest
from tests.conftest import RunningServer

Mutate = Callable[[str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
"""(path, status, headers, body) of the faithful answer -> the drifted answer (the tests define their own)."""


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


@pytest.fixture(scope="session")
def drifted() -> Iterator[Callable[[Mutate], str]]:
    """Start a server answering like the mock but through ``mutate``; return its root URL."""
    servers: list[RunningServer] = []

    def start(mutate: Mutate) -> str:
        core = MockCore(MockConfig())
        servers.append(RunningServer(core, app=_app(core, mutate)))  # the suite's uvicorn thread, this app
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()
