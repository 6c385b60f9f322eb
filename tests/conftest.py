"""Shared test fixtures: real uvicorn servers on free loopback ports."""

from collections.abc import Callable, Iterator

import pytest

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

RunningServer = ServerThread  # the product's own server thread (mockserver.inprocess.server)


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
