"""Starlette requests and responses to and from the mock's values, and the one route that takes every request.

The recorder's app (``record/proxy.py``) is a starlette app; the mock's own (``app.MockApp``) is plain ASGI, so
``mockserver serve`` never imports starlette's request and response machinery (anyio, http.client, multipart).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Match, NoMatchFound, request_response
from starlette.types import Receive, Scope, Send

from mockserver.clock import Clock
from mockserver.http import MockRequest, MockResponse

__all__ = ["Everything", "to_mock_request", "to_starlette_response"]


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
