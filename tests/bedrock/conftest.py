"""Bedrock test fixtures: real boto3 clients against real uvicorn servers (see tests/conftest.py)."""

import datetime
import ipaddress
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
from mockserver.inprocess import mock_bedrock
from mockserver.inprocess.server import free_port
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
    """Build clients for HTTPS servers (one per MockConfig), needed for AWS_BEARER_TOKEN_BEDROCK.

    The one server runner here that is not ``start_server``: ServerThread serves plain HTTP only, and botocore
    sends bearer tokens over HTTPS only.
    """
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    servers: dict[str, tuple[uvicorn.Server, threading.Thread, str]] = {}
    made: list[Any] = []

    def make(*, config: dict[str, Any] | None = None, **client_args: Any) -> Any:
        fields = config or {}
        ident = repr(sorted(fields.items()))
        if ident not in servers:
            port = free_port()
            app = create_app(MockCore(MockConfig(**fields)))
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                                   access_log=False, lifespan="off",
                                                   ssl_certfile=str(cert), ssl_keyfile=str(key)))
            thread = threading.Thread(target=server.run, name=f"mockserver-tls:{port}", daemon=True)
            thread.start()
            deadline = time.monotonic() + 10
            while not server.started:
                if time.monotonic() > deadline or not thread.is_alive():
                    raise RuntimeError(f"TLS mock server on port {port} did not start")
                time.sleep(0.005)
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


@pytest.fixture
def bedrock() -> Iterator[Any]:
    """A bedrock-runtime client answered in-process."""
    with mock_bedrock():
        client = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1")
        yield client
        client.close()
