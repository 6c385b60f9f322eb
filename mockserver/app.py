"""The ASGI application: one place that wires the core to starlette."""

from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse

__all__ = ["create_app", "to_mock_request", "to_starlette_response"]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


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


def to_starlette_response(response: MockResponse) -> Response:
    """Convert a mock response; streamed bodies flush one chunk at a time."""
    if response.chunks is None:
        return Response(response.body, response.status, headers=response.headers)
    chunks = response.chunks

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    return StreamingResponse(body(), response.status, headers=response.headers)


def create_app(core: MockCore | None = None, config: MockConfig | None = None) -> Starlette:
    """Build the ASGI app serving every provider, the admin API and the mock's own 404s.

    Args:
        core: an existing core to serve (shared with in-process adapters or tests); built from ``config`` if None.
        config: configuration for a new core; ignored when ``core`` is given.
    """
    mock = core or MockCore(config)

    async def endpoint(request: Request) -> Response:
        return to_starlette_response(mock.handle(await to_mock_request(request)))

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=METHODS)])
    app.state.core = mock
    return app
