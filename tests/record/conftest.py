"""Record tests: a real mock as the upstream, the recorder in a uvicorn thread, real SDK clients."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.inprocess.server import ServerThread, free_port
from mockserver.record import RecorderConfig, create_recorder_app

# The recorder re-signs Bedrock requests with these (its environment); the upstream mock verifies them, so a
# request forwarded with the client's own signature would be refused.
RECORDER_KEY_ID = "AKIARECORDEREXAMPLE"
RECORDER_SECRET = "recorder-secret-do-not-record"
CLIENT_KEY_ID = "AKIACLIENTEXAMPLE"
CLIENT_SECRET = "client-secret-do-not-record"
OPENROUTER_KEY = "sk-or-v1-" + "c0ffee" * 10 + "beef"
AIML_KEY = "aiml-test-key-5f1e2d3c4b5a69788796a5b4"
BEDROCK_API_KEY = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ=="
SECRETS = [RECORDER_KEY_ID, RECORDER_SECRET, CLIENT_KEY_ID, CLIENT_SECRET, OPENROUTER_KEY, AIML_KEY, BEDROCK_API_KEY]
MOUNTS = {"openrouter": "/openrouter/api/v1", "aimlapi": "/aimlapi/v1", "bedrock": "/bedrock"}


RunningApp = ServerThread  # any ASGI app under uvicorn on a free loopback port (mockserver.inprocess.server)
_free_port = free_port


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The recorder's credentials in the environment; no config files, no instance metadata (no network)."""
    empty = tmp_path_factory.getbasetemp() / "aws-empty"
    empty.touch()
    for name, value in {"AWS_ACCESS_KEY_ID": RECORDER_KEY_ID, "AWS_SECRET_ACCESS_KEY": RECORDER_SECRET,
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(empty),
                        "AWS_SHARED_CREDENTIALS_FILE": str(empty), "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_BEARER_TOKEN_BEDROCK", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_AUTH_SCHEME_PREFERENCE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def upstream(start_server: Callable[..., Any]) -> Any:
    """The stand-in for the real providers: a mock that verifies SigV4 against the recorder's key only."""
    return start_server(sigv4_credentials={RECORDER_KEY_ID: RECORDER_SECRET})


@pytest.fixture
def start_recorder(upstream: Any, tmp_path: Path) -> Iterator[Callable[..., RunningApp]]:
    """Start recorders in front of ``upstream`` (or given upstream URLs) writing under ``tmp_path/rec``."""
    running: list[RunningApp] = []

    def start(out: Path | None = tmp_path / "rec", upstreams: dict[str, str] | None = None) -> RunningApp:
        targets = upstreams or {name: f"{upstream.url}{mount}" for name, mount in MOUNTS.items()}
        running.append(RunningApp(app=create_recorder_app(RecorderConfig(out, targets))))
        return running[-1]

    yield start
    for app in running:
        app.stop()


@pytest.fixture
def recorder(start_recorder: Callable[..., RunningApp]) -> RunningApp:
    """A recorder in front of the upstream mock, writing to ``tmp_path/rec``."""
    return start_recorder()


def assert_no_secrets(folder: Path) -> None:
    """No test key appears in any file under ``folder`` (names included)."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, "nothing was recorded"
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret[:6]}… leaked into {path.name}"
            assert secret not in str(path)
