"""Real uvicorn servers: the listeners ``mockserver serve`` opens, and ``ServerThread`` for tests and benchmarks.

Each runs ``inprocess/protocol.py``'s ``GuardedProtocol`` (header, body and send deadlines, header size and
connection caps, from ``ServerLimits``; HTTP/2 by prior knowledge or TLS ALPN through ``inprocess/http2.py``) and
serves the app through ``listener_app``; ``--admin-port`` is a
second socket of the same uvicorn server, told apart by the local port each request arrived on.
"""

import socket
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.config import ServerLimits
from mockserver.core import MockCore
from mockserver.engine.admin import PREFIX
from mockserver.errors import MockError
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.protocol import protocol_for

__all__ = ["ServerThread", "bind", "fit_connections", "free_port", "listener_app", "make_server"]

_RESERVE_FILES = 100  # descriptors kept free under the open-file limit: the process's own, and refused connections


def listener_app(app: ASGIApp, admin_port: int | None = None) -> "Listener":
    """``app`` as the mock's listeners serve it (``Listener``)."""
    return Listener(app, admin_port)


class Listener:
    """An ASGI app as the mock's listeners serve it.

    Every request gets a ``Host`` (an empty one when an HTTP/1.0 client sent none), so the admin guard never
    takes a network request for an in-process call; a client gone mid-request (or closed by a body deadline)
    ends quietly; with ``admin_port`` the admin API is served on that port only and providers on the others.
    With the mock's app (``at_once``), ``answer``, ``groups`` and ``reply`` are its own, for the
    protocol to write its immediate answers itself (``inprocess/direct.py``).
    """

    def __init__(self, app: ASGIApp, admin_port: int | None = None) -> None:
        self.app, self.admin_port = app, admin_port
        self.at_once = hasattr(app, "answer")
        self._mock: Any = app  # MockApp (not imported: it is the layer's app, this is its listener)
        self.real_time = bool(getattr(app, "real_time", False))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope = _with_host(scope)
        wrong = self._wrong_port(scope)
        if wrong is not None:
            return await _answer(send, wrong.to_response())
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            if not _client_gone(exc):
                raise  # else the client is gone: nobody is left to answer

    def answer(self, scope: Scope, body: bytes, later: Any) -> MockResponse | None:
        """The mock app's response when it needs no waiting, else None: a paced one goes to ``later``
        (``MockApp.answer``, given an empty ``Host`` where the request has none)."""
        wrong = self._wrong_port(scope)
        if wrong is not None:
            return wrong.to_response()
        response: MockResponse | None = self._mock.answer(scope, body, "", later)
        return response

    def groups(self, response: MockResponse) -> Iterable[bytes]:
        groups: Iterable[bytes] = self._mock.groups(response)
        return groups

    async def reply(self, response: MockResponse, arrived: float, receive: Receive, send: Send) -> None:
        await self._mock.reply(response, arrived, receive, send)

    def _wrong_port(self, scope: Scope) -> MockError | None:
        admin_port = self.admin_port
        if admin_port is None:
            return None
        raw = scope.get("raw_path") or scope["path"].encode()
        admin = MockRequest.build("GET", raw.decode("latin-1"), []).segments[:1] == [PREFIX]
        if admin != ((scope.get("server") or ("", None))[1] == admin_port):
            return _wrong_port(admin, admin_port)
        return None


def _with_host(scope: Scope) -> Scope:
    if any(name == b"host" for name, _ in scope["headers"]):
        return scope
    return {**scope, "headers": [*scope["headers"], (b"host", b"")]}


def _client_gone(exc: Exception) -> bool:
    """Whether ``exc`` is starlette's ``ClientDisconnect`` (a starlette app, the recorder's, raises it).

    Read from ``sys.modules``: the mock's own app never imports starlette.requests (~15 ms at start-up), and
    where it was never imported nothing can have raised it.
    """
    requests = sys.modules.get("starlette.requests")
    return requests is not None and isinstance(exc, requests.ClientDisconnect)


def _wrong_port(admin: bool, admin_port: int) -> MockError:
    if admin:
        return MockError("No admin API on this port", f"the admin API is served on port {admin_port} only",
                         status=404, fix=f"Use http://HOST:{admin_port}/{PREFIX}/... (--admin-port).")  # fmt: skip
    return MockError("Admin port", f"port {admin_port} serves only /{PREFIX}", status=404,
                     fix="Call the providers on the main port (--port).")  # fmt: skip


async def _answer(send: Send, response: MockResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one); ``OSError`` when it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host.strip("[]"), port), family=family, backlog=2048)


def fit_connections(wanted: int) -> int:
    """Raise the open-file soft limit toward the hard one if ``wanted`` connections need it; the cap that fits."""
    try:
        import resource
    except ImportError:  # Windows
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    infinite = resource.RLIM_INFINITY
    need = wanted + _RESERVE_FILES
    if soft != infinite and soft < need:
        target = need if hard == infinite else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == infinite else max(1, min(wanted, soft - _RESERVE_FILES))


def make_server(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    admin_port: int | None = None,
    limits: ServerLimits | None = None,
    log_level: str = "error",
    lifespan: str = "off",
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
    date_header: bool = True,
    at_once: bool = True,
) -> tuple[uvicorn.Server, list[socket.socket]]:
    """A uvicorn ``Server`` for ``app`` and its bound sockets (run it with ``server.run(sockets=...)``).

    Args:
        app: the ASGI app (``create_app(core)``); served through ``listener_app``.
        host: the address to bind (``::1`` style for IPv6).
        port: the providers' port (0: any free one).
        admin_port: also listen here and serve the admin API only there (0: any free one); None: one port for all.
        limits: timeouts and caps (``ServerLimits()`` defaults).
        log_level: uvicorn's log level; there is no access log.
        lifespan: uvicorn's lifespan mode (the mock's app has none).
        ssl_certfile: serve HTTPS with this certificate.
        ssl_keyfile: the certificate's key.
        date_header: send a ``Date`` header (off with ``--freeze-time``).
        at_once: the listener writes the mock's immediate answers itself (``inprocess/direct.py``); False: every
            request through uvicorn's ASGI task.
    """
    limits = limits or ServerLimits()
    sockets = [bind(host, port)]
    if admin_port is not None:
        sockets.append(bind(host, admin_port))
    served_admin = int(sockets[1].getsockname()[1]) if admin_port is not None else None
    config = uvicorn.Config(
        listener_app(app, served_admin),
        http=protocol_for(limits, at_once),
        ws="none",  # the mock serves no WebSocket: an Upgrade request is answered as plain HTTP
        proxy_headers=False,  # X-Forwarded-* is a client's header like any other: never the peer's address
        timeout_keep_alive=limits.keep_alive_timeout,
        access_log=False,
        log_level=log_level,
        lifespan=lifespan,  # type: ignore[arg-type]
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        date_header=date_header,
    )
    if ssl_certfile is not None:
        config.load()  # builds config.ssl; serve() then skips loading again
        assert config.ssl is not None
        config.ssl.set_alpn_protocols(["h2", "http/1.1"])  # offer HTTP/2 by ALPN, as the providers' endpoints do
    return uvicorn.Server(config), sockets


class ServerThread:
    """Serve an ASGI app (by default the mock's, for ``core``) on 127.0.0.1 until ``stop()``."""

    def __init__(
        self,
        core: MockCore | None = None,
        app: Any = None,
        start_timeout: float = 10.0,
        *,
        limits: ServerLimits | None = None,
        admin_port: bool = False,
        ssl_certfile: Path | None = None,
        ssl_keyfile: Path | None = None,
        at_once: bool = True,
        date_header: bool = True,
    ) -> None:
        """Start the server; ``admin_port=True`` serves the admin API on a port of its own (``admin_url``);
        with ``ssl_certfile`` and ``ssl_keyfile`` it serves HTTPS (HTTP/2 or HTTP/1.1 by ALPN); ``at_once`` and
        ``date_header`` are ``make_server``'s."""
        from mockserver.app import create_app

        self.core = core or MockCore()
        # No access log, and no lifespan for the mock (it has none): nothing per request beyond the app itself.
        self._server, sockets = make_server(
            app or create_app(self.core), admin_port=0 if admin_port else None, limits=limits,
            lifespan="off" if app is None else "auto", ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
            at_once=at_once, date_header=date_header,
        )  # fmt: skip
        self.port = int(sockets[0].getsockname()[1])
        self.url = f"{'https' if ssl_certfile else 'http'}://127.0.0.1:{self.port}"
        self.admin_url = f"http://127.0.0.1:{sockets[-1].getsockname()[1]}"
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": sockets}, name=f"mockserver:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + start_timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"mock server on port {self.port} did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(5)
