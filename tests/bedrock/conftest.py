"""Bedrock test fixtures: real boto3 clients against real uvicorn servers (see tests/conftest.py)."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess import mock_bedrock
from mockserver.inprocess.server import ServerThread
from tests.conftest import LIVE, fake_aws_credentials

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
SCOUT = "us.meta.llama4-scout-17b-instruct-v1:0"
MODELS = [MAVERICK, SCOUT]
ClientFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def _fake_aws_even_when_live(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """These tests only ever talk to local mocks: the suite's fake credentials even under MOCKKIT_LIVE=1.

    (Offline, tests/conftest.py's ``_aws_env`` has already set them.)
    """
    if LIVE:
        fake_aws_credentials(monkeypatch, tmp_path_factory)


@pytest.fixture(scope="session")
def bedrock_url(start_server: Callable[..., Any]) -> str:
    """Base URL of the default server's Bedrock mount."""
    return f"{start_server().url}/bedrock"


@pytest.fixture
def make_client(start_server: Callable[..., Any]) -> Iterator[ClientFactory]:
    """Build a bedrock-runtime client for a server with the given MockConfig fields."""

    made: list[Any] = []

    # A fresh boto3 Session per client: boto3.client() would use boto3's default session, which caches the
    # credentials it first resolves and would leak this suite's fake keys into later tests.
    def make(*, config: dict[str, Any] | None = None, **client_args: Any) -> Any:
        server = start_server(**(config or {}))
        options = {"retries": {"max_attempts": 1}, **client_args.pop("options", {})}
        made.append(boto3.session.Session().client("bedrock-runtime", region_name="us-east-1",
                                                   endpoint_url=f"{server.url}/bedrock", config=Config(**options),
                                                   **client_args))
        return made[-1]

    yield make
    for client in made:  # close pooled sockets now: filterwarnings=error turns ResourceWarning into failures
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    """A client for the default server (lenient, SigV4 signed with fake credentials)."""
    return make_client()


@pytest.fixture(scope="session")
def make_tls_client(tls_files: tuple[Path, Path]) -> Iterator[ClientFactory]:
    """Build clients for HTTPS servers (one per MockConfig): botocore sends bearer tokens over HTTPS only."""
    cert, key = tls_files
    servers: dict[str, ServerThread] = {}
    made: list[Any] = []

    def make(*, config: dict[str, Any] | None = None, **client_args: Any) -> Any:
        fields = config or {}
        ident = repr(sorted(fields.items()))
        if ident not in servers:
            servers[ident] = ServerThread(MockCore(MockConfig(**fields)), ssl_certfile=cert, ssl_keyfile=key)
        made.append(boto3.session.Session().client("bedrock-runtime", region_name="us-east-1",
                                                   endpoint_url=f"{servers[ident].url}/bedrock", verify=str(cert),
                                                   config=Config(retries={"max_attempts": 1}), **client_args))
        return made[-1]

    yield make
    for client in made:
        client.close()
    for server in servers.values():
        server.stop()


@pytest.fixture
def bedrock() -> Iterator[Any]:
    """A bedrock-runtime client answered in-process."""
    with mock_bedrock():
        client = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1")
        yield client
        client.close()
