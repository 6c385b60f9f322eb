"""In-process OpenRouter and AI/ML API: requests from ``httpx`` and ``httpx2`` clients answered by ``MockCore``.

The openai SDK (3.x) builds its default client on ``httpx2`` (``openai/_base_client.py``), which respx does
not patch, and users may still hand it an ``httpx.Client``. Both libraries share one transport API, so one
patch of ``HTTPTransport.handle_request`` / ``AsyncHTTPTransport.handle_async_request`` in each covers the
default SDK client, explicit ``httpx`` clients and any other httpx user; every other host goes to the original
method untouched, so it still reaches respx (which patches httpcore, one layer below) or the network.
"""

import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, header_name
from mockserver.inprocess.base import ProviderMock, make_config
from mockserver.inprocess.responses import to_library_response

__all__ = ["HttpxMock", "mock_aimlapi", "mock_openrouter"]

LIBRARIES = ("httpx", "httpx2")


class HttpxMock(ProviderMock):
    """An OpenAI-compatible provider answered in-process for requests under its upstream base URL."""

    def __init__(
        self,
        provider: str,
        *,
        base_url: str | None = None,
        core: MockCore | None = None,
        config: MockConfig | None = None,
        raise_on_mock_error: bool = True,
    ) -> None:
        super().__init__(provider, core=core, config=config, raise_on_mock_error=raise_on_mock_error)
        parts = urlsplit(base_url or self.spec.upstream_base_url)
        self.base_url = base_url or self.spec.upstream_base_url
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._mount = self.spec.mount

    def owns(self, url: Any) -> bool:
        """Whether an ``httpx.URL`` / ``httpx2.URL`` lies under this mock's base URL."""
        if url.scheme != self._scheme or url.host != self._host or url.port != self._port:
            return False
        path: str = url.path
        return path == self._prefix or path.startswith(self._prefix + "/")

    def to_mock_request(self, request: Any, body: bytes) -> MockRequest:
        """Rewrite the upstream path to the provider's mount, keeping it percent-encoded as sent."""
        raw: str = request.url.raw_path.decode("ascii")  # path and query exactly as they go on the wire
        path, _, query = raw.partition("?")
        # ``MockRequest.build``'s normalising in one pass, as the ASGI app's: the method is upper-case already.
        headers = {header_name(k): v.decode("latin-1") for k, v in request.headers.raw}
        return MockRequest(request.method, self._mount + path[len(self._prefix) :], headers, body, query)

    def respond(self, request: Any, body: bytes, library: ModuleType) -> Any:
        """Answer an ``httpx``/``httpx2`` request with a response object of the same library."""
        return to_library_response(library, self.answer(self.to_mock_request(request, body)), self.core.clock)

    def side_effect(self, request: Any) -> Any:
        """A respx ``side_effect`` (sync and async clients) for routing with your own respx router."""
        import httpx

        body = request.content if hasattr(request, "_content") else request.read()
        return self.respond(request, body, httpx)

    def _install(self) -> None:
        _INTERCEPTOR.add(self)

    def _uninstall(self) -> None:
        _INTERCEPTOR.remove(self)


def mock_openrouter(
    *,
    fixtures: str | Path | None = None,
    strict: bool | None = None,
    seed: int | None = None,
    core: MockCore | None = None,
    config: MockConfig | None = None,
    base_url: str | None = None,
    raise_on_mock_error: bool = True,
) -> HttpxMock:
    """Answer ``https://openrouter.ai/api/v1/...`` in-process, for httpx and httpx2 (the openai SDK's default).

    Use it as a context manager (``with mock_openrouter() as mock:``), a decorator, or through the
    ``openrouter_mock`` pytest fixture. Other hosts are not intercepted.

    Args:
        fixtures: fixtures folder; defaults to the bundled ``fixtures/``.
        strict: answer requests no fixture matches with the mock's "no fixture matched" error.
        seed: mixed into generated replies; change it for different deterministic content.
        core: an existing ``MockCore`` to share (with another mock or a server); ``fixtures``, ``strict``,
            ``seed`` and ``config`` are then ignored.
        config: a full ``MockConfig``; ``fixtures``, ``strict`` and ``seed`` override its fields.
        base_url: the URL prefix to intercept, if not the real ``https://openrouter.ai/api/v1``.
        raise_on_mock_error: raise ``MockAssertionError`` for the mock's own errors (no fixture matched)
            instead of returning its problem+json 404; OpenRouter's own errors are always HTTP responses.
    """
    return HttpxMock(
        "openrouter",
        base_url=base_url,
        core=core,
        config=make_config(config, fixtures=fixtures, strict=strict, seed=seed),
        raise_on_mock_error=raise_on_mock_error,
    )


def mock_aimlapi(
    *,
    fixtures: str | Path | None = None,
    strict: bool | None = None,
    seed: int | None = None,
    core: MockCore | None = None,
    config: MockConfig | None = None,
    base_url: str | None = None,
    raise_on_mock_error: bool = True,
) -> HttpxMock:
    """Answer ``https://api.aimlapi.com/v1/...`` in-process, for httpx and httpx2 (the openai SDK's default).

    Args:
        fixtures: fixtures folder; defaults to the bundled ``fixtures/``.
        strict: answer requests no fixture matches with the mock's "no fixture matched" error.
        seed: mixed into generated replies; change it for different deterministic content.
        core: an existing ``MockCore`` to share; ``fixtures``, ``strict``, ``seed`` and ``config`` are then ignored.
        config: a full ``MockConfig``; ``fixtures``, ``strict`` and ``seed`` override its fields.
        base_url: the URL prefix to intercept, if not the real ``https://api.aimlapi.com/v1``.
        raise_on_mock_error: raise ``MockAssertionError`` for the mock's own errors instead of returning them.
    """
    return HttpxMock(
        "aimlapi",
        base_url=base_url,
        core=core,
        config=make_config(config, fixtures=fixtures, strict=strict, seed=seed),
        raise_on_mock_error=raise_on_mock_error,
    )


# -- the process-wide patch ---------------------------------------------------------------------------------------


class _Interceptor:
    """Patches the httpx and httpx2 default transports while at least one mock is active; newest mock wins."""

    def __init__(self) -> None:
        self._mocks: list[HttpxMock] = []
        self._originals: list[tuple[type, str, Any]] = []
        self._lock = threading.Lock()

    def add(self, mock: HttpxMock) -> None:
        with self._lock:
            if not self._mocks:
                self._patch()
            self._mocks.insert(0, mock)

    def remove(self, mock: HttpxMock) -> None:
        with self._lock:
            if mock in self._mocks:
                self._mocks.remove(mock)
            if not self._mocks:
                self._unpatch()

    def find(self, url: Any) -> HttpxMock | None:
        for mock in tuple(self._mocks):
            if mock.owns(url):
                return mock
        return None

    def _patch(self) -> None:
        for name in LIBRARIES:
            try:
                library = importlib.import_module(name)
            except ImportError:  # httpx2 arrives with openai 3.x only
                continue
            for cls, method, make in (
                (library.HTTPTransport, "handle_request", _sync_handler),
                (library.AsyncHTTPTransport, "handle_async_request", _async_handler),
            ):
                original = cls.__dict__[method]
                self._originals.append((cls, method, original))
                setattr(cls, method, make(library, original))

    def _unpatch(self) -> None:
        while self._originals:
            cls, method, original = self._originals.pop()
            setattr(cls, method, original)


def _sync_handler(library: ModuleType, original: Callable[..., Any]) -> Callable[..., Any]:
    def handle_request(transport: Any, request: Any) -> Any:
        mock = _INTERCEPTOR.find(request.url)
        if mock is None:
            return original(transport, request)
        return mock.respond(request, request.read(), library)

    return handle_request


def _async_handler(library: ModuleType, original: Callable[..., Any]) -> Callable[..., Any]:
    async def handle_async_request(transport: Any, request: Any) -> Any:
        mock = _INTERCEPTOR.find(request.url)
        if mock is None:
            return await original(transport, request)
        return mock.respond(request, await request.aread(), library)

    return handle_async_request


_INTERCEPTOR = _Interceptor()
