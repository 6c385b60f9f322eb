"""A real uvicorn server on a free loopback port, run in a daemon thread (for tests and benchmarks)."""

import socket
import threading
import time
from typing import Any

from mockserver.core import MockCore

__all__ = ["ServerThread", "free_port"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerThread:
    """Serve an ASGI app (by default the mock's, for ``core``) until ``stop()``."""

    def __init__(self, core: MockCore | None = None, app: Any = None, start_timeout: float = 10.0) -> None:
        import uvicorn  # imported here: only the server paths need it

        from mockserver.app import create_app

        self.core = core or MockCore()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # No access log, and no lifespan for the mock (it has none): nothing per request beyond the app itself.
        config = uvicorn.Config(
            app or create_app(self.core),
            host="127.0.0.1",
            port=self.port,
            log_level="error",
            access_log=False,
            lifespan="off" if app is None else "auto",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"mockserver:{self.port}", daemon=True)
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
