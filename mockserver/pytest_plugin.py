"""pytest fixtures for llama-mockkit: in-process provider mocks and a real mock server URL.

Configure per test with ``@pytest.mark.mockserver(fixtures="tests/fixtures", strict=True, seed=3)``, or for the
whole run with the ini options ``mockserver_fixtures``, ``mockserver_strict`` and ``mockserver_seed``. Nothing
heavy is imported until a fixture is used, so the plugin costs nothing to projects that do not use it.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.core import MockCore
    from mockserver.inprocess import BedrockMock, HttpxMock
    from mockserver.inprocess.server import ServerThread

__all__ = ["aimlapi_mock", "bedrock_mock", "mockserver_core", "mockserver_url", "openrouter_mock"]

MARKER = (
    "mockserver(fixtures=None, strict=False, seed=0, raise_on_mock_error=True): "
    "configure the llama-mockkit fixtures (openrouter_mock, aimlapi_mock, bedrock_mock, mockserver_url)"
)
_OPTIONS = ("fixtures", "strict", "seed", "raise_on_mock_error")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini options."""
    parser.addini("mockserver_fixtures", "llama-mockkit fixtures folder (default: the bundled fixtures)", default="")
    parser.addini("mockserver_strict", "llama-mockkit strict mode: no generated replies", type="bool", default=False)
    parser.addini("mockserver_seed", "llama-mockkit seed for generated replies", default="0")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so ``--strict-markers`` accepts it."""
    config.addinivalue_line("markers", MARKER)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ini options, overridden by the nearest ``mockserver`` marker."""
    config = request.config
    options: dict[str, Any] = {
        "fixtures": config.getini("mockserver_fixtures") or None,
        "strict": bool(config.getini("mockserver_strict")),
        "seed": int(config.getini("mockserver_seed") or 0),
        "raise_on_mock_error": True,
    }
    marker = request.node.get_closest_marker("mockserver")
    if marker is not None:
        unknown = set(marker.kwargs) - set(_OPTIONS)
        if unknown or marker.args:
            raise pytest.UsageError(f"@pytest.mark.mockserver takes keyword arguments {_OPTIONS}, got {marker}")
        options.update(marker.kwargs)
    if options["fixtures"] is not None:
        folder = Path(options["fixtures"])
        options["fixtures"] = folder if folder.is_absolute() else config.rootpath / folder
    return options


def _core(options: dict[str, Any]) -> "MockCore":
    from mockserver.core import MockCore
    from mockserver.inprocess.base import make_config

    return MockCore(make_config(fixtures=options["fixtures"], strict=options["strict"], seed=options["seed"]))


@pytest.fixture
def mockserver_core(request: pytest.FixtureRequest) -> "MockCore":
    """A fresh ``MockCore`` for this test, shared by the in-process mock fixtures it uses."""
    return _core(_options(request))


@pytest.fixture
def openrouter_mock(request: pytest.FixtureRequest, mockserver_core: "MockCore") -> Iterator["HttpxMock"]:
    """OpenRouter (``https://openrouter.ai/api/v1``) answered in-process for httpx and httpx2 clients."""
    from mockserver.inprocess import mock_openrouter

    with mock_openrouter(core=mockserver_core, raise_on_mock_error=_options(request)["raise_on_mock_error"]) as mock:
        yield mock


@pytest.fixture
def aimlapi_mock(request: pytest.FixtureRequest, mockserver_core: "MockCore") -> Iterator["HttpxMock"]:
    """AI/ML API (``https://api.aimlapi.com/v1``) answered in-process for httpx and httpx2 clients."""
    from mockserver.inprocess import mock_aimlapi

    with mock_aimlapi(core=mockserver_core, raise_on_mock_error=_options(request)["raise_on_mock_error"]) as mock:
        yield mock


@pytest.fixture
def bedrock_mock(request: pytest.FixtureRequest, mockserver_core: "MockCore") -> Iterator["BedrockMock"]:
    """Bedrock runtime answered in-process for boto3 clients (alone or inside moto's ``mock_aws()``)."""
    from mockserver.inprocess import mock_bedrock

    with mock_bedrock(core=mockserver_core, raise_on_mock_error=_options(request)["raise_on_mock_error"]) as mock:
        yield mock


@pytest.fixture(scope="session")
def _mockserver_servers() -> Iterator[dict[tuple[Any, ...], "ServerThread"]]:
    """One real server per distinct configuration, started on first use and stopped at the end of the session."""
    servers: dict[tuple[Any, ...], ServerThread] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def mockserver_url(request: pytest.FixtureRequest, _mockserver_servers: dict[tuple[Any, ...], "ServerThread"]) -> str:
    """Base URL (``http://127.0.0.1:PORT``) of a real mock server; its journal, fixtures and state reset per test."""
    from mockserver.inprocess.server import ServerThread

    options = _options(request)
    key = (options["fixtures"], options["strict"], options["seed"])
    server = _mockserver_servers.get(key)
    if server is None:
        server = _mockserver_servers[key] = ServerThread(_core(options))
    server.core.reset()
    return server.url
