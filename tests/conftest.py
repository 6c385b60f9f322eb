"""Shared test fixtures: real uvicorn servers on free loopback ports."""

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn

from mockserver.app import create_app
from mockserver.config import MockConfig
from mockserver.core import MockCore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningServer:
    """A uvicorn server in a daemon thread, stopped at teardown."""

    def __init__(self, core: MockCore) -> None:
        self.core = core
        self.port = _free_port()
        config = uvicorn.Config(create_app(core), host="127.0.0.1", port=self.port, log_level="error", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("mock server did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[..., RunningServer]]:
    """Start servers with given MockConfig fields; one per distinct configuration, reused for the session."""
    servers: dict[str, RunningServer] = {}

    def start(**fields: object) -> RunningServer:
        key = repr(sorted(fields.items()))
        if key not in servers:
            servers[key] = RunningServer(MockCore(MockConfig(**fields)))  # type: ignore[arg-type]
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., RunningServer]) -> RunningServer:
    """The default server: bundled fixtures, lenient, any key accepted."""
    return start_server()
