"""Bedrock test fixtures: real boto3 clients against real uvicorn servers (see tests/conftest.py)."""

import datetime
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import uvicorn
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mockserver.app import create_app
from mockserver.config import MockConfig
from mockserver.core import MockCore

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


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 (botocore sends bearer tokens over HTTPS only)."""
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
def make_tls_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClientFactory]:
    """Build clients for HTTPS servers (one per MockConfig), needed for AWS_BEARER_TOKEN_BEDROCK."""
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    servers: dict[str, tuple[uvicorn.Server, threading.Thread, str]] = {}
    made: list[Any] = []

    def make(*, config: dict[str, Any] | None = None, **client_args: Any) -> Any:
        fields = config or {}
        ident = repr(sorted(fields.items()))
        if ident not in servers:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            app = create_app(MockCore(MockConfig(**fields)))
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                                   access_log=False, ssl_certfile=str(cert), ssl_keyfile=str(key)))
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            deadline = time.monotonic() + 10
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.01)
            servers[ident] = (server, thread, f"https://127.0.0.1:{port}/bedrock")
        made.append(boto3.session.Session().client("bedrock-runtime", region_name="us-east-1",
                                                   endpoint_url=servers[ident][2], verify=str(cert),
                                                   config=Config(retries={"max_attempts": 1}), **client_args))
        return made[-1]

    yield make
    for client in made:
        client.close()
    for server, thread, _ in servers.values():
        server.should_exit = True
        thread.join(5)
