"""The ASGI application: one place that wires the core to starlette."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Match, NoMatchFound, request_response
from starlette.types import Receive, Scope, Send

from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse

__all__ = ["Everything", "create_app", "to_mock_request", "to_starlette_response"]

"""The methods the recorder's route accepts (``record/proxy.py``); the mock's own app takes every method."""


class Everything(BaseRoute):
    """Every HTTP request, whatever its method or path, to one endpoint: the engine routes and refuses.

    A starlette ``Route("/{path:path}", methods=...)`` answers other methods, paths without a leading ``/``
    (``OPTIONS *``) and paths holding a decoded newline (``%0A``; the path regex's ``.`` stops at it) with its own
    plain-text 404/405; the engine answers them as the provider (or the mock) would.
    """

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.app = request_response(endpoint)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match every HTTP request."""
        return (Match.FULL, {}) if scope["type"] == "http" else (Match.NONE, {})

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        """Nothing is named: the mock builds no URLs."""
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the endpoint."""
        await self.app(scope, receive, send)


async def to_mock_request(request: Request) -> MockRequest:
    """Convert a starlette request, keeping the raw (still percent-encoded) path."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    return MockRequest.build(
        request.method,
        raw_path.decode("latin-1"),
        request.headers.items(),
        await request.body(),
        request.scope.get("query_string", b"").decode("latin-1"),
    )


def to_starlette_response(response: MockResponse, clock: Clock | None = None) -> Response:
    """Convert a mock response; streamed bodies flush one chunk at a time, each after its pacing delay."""
    if response.chunks is None:
        return Response(response.body, response.status, headers=response.headers)
    pieces, timer = response.paced(), clock or Clock()

    async def body() -> AsyncIterator[bytes]:
        for delay, chunk in pieces:
            if delay:
                await timer.asleep(delay)  # asyncio.sleep: other connections go on meanwhile
            yield chunk

    return StreamingResponse(body(), response.status, headers=response.headers)


def create_app(core: MockCore | None = None, config: MockConfig | None = None, clock: Clock | None = None) -> Starlette:
    """Build the ASGI app serving every provider, the admin API and the mock's own 404s.

    Args:
        core: an existing core to serve (shared with in-process adapters or tests); built from ``config`` if None.
        config: configuration for a new core; ignored when ``core`` is given.
        clock: the new core's clock (``FrozenClock`` for ``--freeze-time``); ignored when ``core`` is given.
    """
    mock = core or MockCore(config, clock=clock)

    async def endpoint(request: Request) -> Response:
        response = mock.handle(await to_mock_request(request))
        if response.chunks is None and response.delays:
            await mock.clock.asleep(sum(response.delays))  # a paced JSON body: latency + generation time first
        return to_starlette_response(response, mock.clock)

    app = Starlette(routes=[Everything(endpoint)])
    app.state.core = mock
    return app
