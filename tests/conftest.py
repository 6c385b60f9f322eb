"""Shared test fixtures: offline by default (loopback only, fake AWS credentials), real uvicorn servers."""

import datetime
import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Only an explicit opt-in (MOCKKIT_LIVE=1, see tests/contracts) lets a test leave this machine.
LIVE = os.environ.get("MOCKKIT_LIVE") == "1"
# The fake AWS credentials every offline test runs with (the AWS documentation's example key id).
FAKE_AWS_KEY_ID, FAKE_AWS_SECRET = "AKIAIOSFODNN7EXAMPLE", "testing"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse to resolve any host but loopback, so a path that escaped the mock fails fast instead of going online."""
    if LIVE:
        return
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK:
            raise socket.gaierror(f"tests: network access to {name!r} refused (set MOCKKIT_LIVE=1 for live tests)")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake AWS credentials and no shared config files, so no test ever picks up a developer's real keys."""
    if not LIVE:
        fake_aws_credentials(monkeypatch, tmp_path_factory)


def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Put the fake credentials in the environment and remove every other source of AWS credentials."""
    empty: Path = tmp_path_factory.getbasetemp() / "aws-empty"
    empty.touch()
    fake = {"AWS_ACCESS_KEY_ID": FAKE_AWS_KEY_ID, "AWS_SECRET_ACCESS_KEY": FAKE_AWS_SECRET,
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty), "AWS_EC2_METADATA_DISABLED": "true"}  # fmt: skip
    for name, value in fake.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_BEARER_TOKEN_BEDROCK", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_AUTH_SCHEME_PREFERENCE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def anyio_backend() -> str:
    """Run ``@pytest.mark.anyio`` tests on asyncio only (anyio's plugin ships with anyio; no pytest-asyncio)."""
    return "asyncio"


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


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate (its own CA) for 127.0.0.1, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate and key for HTTPS servers on 127.0.0.1 (clients trust the certificate itself)."""
    return _self_signed(tmp_path_factory.mktemp("tls"))
