"""Bedrock test fixtures: real boto3 clients against real uvicorn servers (see tests/conftest.py)."""

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
SCOUT = "us.meta.llama4-scout-17b-instruct-v1:0"
MODELS = [MAVERICK, SCOUT]
ClientFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake credentials, no shared config files, no bearer token unless a test sets one."""
    empty = tmp_path_factory.getbasetemp() / "aws-empty"
    empty.touch()
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(empty),
                        "AWS_SHARED_CREDENTIALS_FILE": str(empty)}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_BEARER_TOKEN_BEDROCK", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_AUTH_SCHEME_PREFERENCE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def bedrock_url(start_server: Callable[..., Any]) -> str:
    """Base URL of the default server's Bedrock mount."""
    return f"{start_server().url}/bedrock"


@pytest.fixture
def make_client(start_server: Callable[..., Any]) -> Iterator[ClientFactory]:
    """Build a bedrock-runtime client for a server with the given MockConfig fields."""

    made: list[Any] = []

    def make(*, config: dict[str, Any] | None = None, **client_args: Any) -> Any:
        server = start_server(**(config or {}))
        options = {"retries": {"max_attempts": 1}, **client_args.pop("options", {})}
        made.append(boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{server.url}/bedrock",
                                 config=Config(**options), **client_args))
        return made[-1]

    yield make
    for client in made:  # close pooled sockets now: filterwarnings=error turns ResourceWarning into failures
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    """A client for the default server (lenient, SigV4 signed with fake credentials)."""
    return make_client()
