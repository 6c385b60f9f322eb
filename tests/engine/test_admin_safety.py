"""Admin API safety: no cross-site writes, no foreign Host (DNS rebinding), tokens, a separate port, a loud warning."""

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.cli import build_parser, config_from_args, is_loopback
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess import mock_openrouter
from mockserver.inprocess.server import ServerThread, free_port

JSON = {"content-type": "application/json"}
LOCAL = {"host": "127.0.0.1:8080"}
FIXTURE = {"provider": "openrouter", "operation": "chat_completions", "name": "planted",
           "match": {"user_message_contains": "zebra"}, "reply": {"content": "Planted by a web page."}}  # fmt: skip
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "zebra?"}]}
KEY = {"authorization": "Bearer sk-or-v1-test"}


def admin(core: MockCore, method: str, route: str, headers: dict[str, str], body: Any = None) -> MockResponse:
    content = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return core.handle(MockRequest.build(method, f"/__admin/{route}", headers, content))


def assert_refused(response: MockResponse, status: int, *words: str) -> None:
    assert response.status == status, response.body[:300]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-should-retry"] == "false"
    problem = json.loads(response.body)
    assert problem["mock"] is True and problem["fix"]
    for word in words:
        assert word in problem["fix"] + problem["detail"]


def test_a_cross_site_text_plain_post_is_refused_and_adds_nothing() -> None:
    core = MockCore(MockConfig(strict=True))
    before = len(core.fixtures)
    page = {**LOCAL, "content-type": "text/plain", "origin": "https://evil.example"}
    assert_refused(admin(core, "POST", "fixtures", page, FIXTURE), 403, "Origin")
    old_browser = {**LOCAL, "content-type": "text/plain"}  # no Origin: the content type alone refuses it
    assert_refused(admin(core, "POST", "fixtures", old_browser, FIXTURE), 415, "application/json")
    form = {**LOCAL, "content-type": "application/x-www-form-urlencoded"}
    assert_refused(admin(core, "POST", "reset", form), 415)
    assert_refused(admin(core, "POST", "reset", LOCAL), 415)  # a body-less POST needs the type too
    assert len(core.fixtures) == before
    chat = core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", {**KEY, **JSON},
                                         json.dumps(CHAT).encode()))  # fmt: skip
    assert chat.status == 404  # strict: nothing planted answers


def test_json_writes_from_this_machine_are_accepted() -> None:
    core = MockCore()
    for origin in ({}, {"origin": "http://localhost:3000"}, {"origin": "http://127.0.0.1:8080"}):
        assert admin(core, "POST", "fixtures", {**LOCAL, **JSON, **origin}, FIXTURE).status == 201
    assert admin(core, "POST", "reset", {**LOCAL, "content-type": "application/json; charset=utf-8"}).status == 200
    assert admin(core, "DELETE", "requests", LOCAL).status == 204  # a body-less DELETE: browsers preflight it


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io:8080", "", "localhost.evil"])
def test_a_foreign_host_cannot_even_read(host: str) -> None:
    core = MockCore()
    assert_refused(admin(core, "GET", "requests", {"host": host}), 403, "--admin-host")
    assert_refused(admin(core, "GET", "health", {"host": host}), 403)


@pytest.mark.parametrize("host", ["localhost", "localhost:1", "LOCALHOST.:80", "127.0.0.1:9", "[::1]:8080"])
def test_loopback_hosts_on_any_port_are_accepted(host: str) -> None:
    assert admin(MockCore(), "GET", "requests", {"host": host}).status == 200


def test_named_hosts_and_star_are_accepted_when_configured() -> None:
    named = MockCore(MockConfig(admin_hosts=["mock", "10.0.0.5"]))
    assert admin(named, "GET", "health", {"host": "mock:8080"}).status == 200
    assert admin(named, "GET", "health", {"host": "10.0.0.5"}).status == 200
    assert admin(named, "GET", "health", {"host": "other"}).status == 403
    anything = MockCore(MockConfig(admin_hosts=["*"]))
    assert admin(anything, "GET", "health", {"host": "whatever:1"}).status == 200
    # "*" opens the Host check only: a page on another site is still refused.
    assert admin(anything, "GET", "health", {"host": "whatever:1", "origin": "https://evil.example"}).status == 403


def test_the_admin_token_is_required_when_set() -> None:
    core = MockCore(MockConfig(admin_token="s3cret-admin"))
    assert_refused(admin(core, "GET", "requests", LOCAL), 401, "x-mock-admin-token", "--admin-token")
    assert_refused(admin(core, "GET", "requests", {**LOCAL, "x-mock-admin-token": "guess"}), 401)
    assert_refused(admin(core, "GET", "requests", {**LOCAL, "authorization": "Bearer s3cret"}), 401)
    assert admin(core, "GET", "requests", {**LOCAL, "x-mock-admin-token": "s3cret-admin"}).status == 200
    assert admin(core, "GET", "requests", {**LOCAL, "authorization": "Bearer s3cret-admin"}).status == 200
    problem = admin(core, "GET", "requests", LOCAL).body
    assert b"s3cret" not in problem


def test_api_keys_close_the_admin_api_unless_an_admin_token_is_given() -> None:
    core = MockCore(MockConfig(api_keys={"openrouter": ["sk-or-v1-good"], "aimlapi": ["aiml-good"]}))
    assert_refused(admin(core, "GET", "requests", LOCAL), 401, "--api-key")
    assert admin(core, "GET", "requests", {**LOCAL, "authorization": "Bearer aiml-good"}).status == 200
    both = MockCore(MockConfig(api_keys={"openrouter": ["sk-or-v1-good"]}, admin_token="adm"))
    assert admin(both, "GET", "requests", {**LOCAL, "authorization": "Bearer sk-or-v1-good"}).status == 401
    assert admin(both, "GET", "requests", {**LOCAL, "x-mock-admin-token": "adm"}).status == 200


def test_in_process_calls_have_no_host_and_are_trusted() -> None:
    core = MockCore(MockConfig(admin_token="adm", api_keys={"openrouter": ["sk-or-v1-good"]}))
    with mock_openrouter(core=core) as mock:
        mock.add_fixture(FIXTURE)  # core.handle with content-type JSON, no Host, no Origin, no token
    assert admin(core, "GET", "requests", {}).status == 200


# -- over the wire ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded() -> Iterator[ServerThread]:
    server = ServerThread(MockCore(MockConfig(strict=True, admin_token="adm")))
    yield server
    server.stop()


def test_over_http_the_cross_site_post_and_the_rebound_read_are_refused(guarded: ServerThread) -> None:
    token = {"x-mock-admin-token": "adm"}
    page = {"content-type": "text/plain", "origin": "http://evil.example", **token}
    refused = httpx.post(f"{guarded.url}/__admin/fixtures", content=json.dumps(FIXTURE), headers=page)
    assert refused.status_code == 403 and refused.headers["x-should-retry"] == "false"
    rebound = httpx.get(f"{guarded.url}/__admin/requests", headers={"host": f"evil.example:{guarded.port}", **token})
    assert rebound.status_code == 403 and "DNS rebinding" in rebound.json()["detail"]
    chat = httpx.post(f"{guarded.url}/openrouter/api/v1/chat/completions", json=CHAT, headers=KEY)
    assert chat.status_code == 404  # nothing was planted
    assert httpx.get(f"{guarded.url}/__admin/requests", headers=token).status_code == 200


def test_an_http_1_0_request_without_host_is_not_taken_for_in_process(guarded: ServerThread) -> None:
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=5) as sock:
        sock.sendall(b"GET /__admin/requests HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]


def test_admin_on_its_own_port() -> None:
    server = ServerThread(admin_port=True)
    try:
        assert server.admin_url != server.url
        assert httpx.get(f"{server.admin_url}/__admin/health").status_code == 200
        for path in ("/__admin/health", "/%5F%5Fadmin/health", "//__admin/requests"):
            hidden = httpx.get(f"{server.url}{path}")
            assert hidden.status_code == 404 and hidden.json()["mock"] is True, path
        assert "--admin-port" in hidden.json()["fix"]
        assert httpx.post(f"{server.url}/openrouter/api/v1/chat/completions", json=CHAT, headers=KEY).is_success
        assert httpx.post(f"{server.admin_url}/openrouter/api/v1/chat/completions", json=CHAT,
                          headers=KEY).status_code == 404  # fmt: skip
    finally:
        server.stop()


# -- the command line ------------------------------------------------------------------------------------------


def test_cli_admin_options(monkeypatch: pytest.MonkeyPatch) -> None:
    args = build_parser().parse_args(["serve", "--admin-token", "t", "--admin-host", "mock", "--host", "10.0.0.5"])
    config = config_from_args(args)
    assert config.admin_token == "t" and config.admin_hosts == ["mock", "10.0.0.5"]
    assert config.journal_bodies == "truncated"
    assert config_from_args(build_parser().parse_args(["serve", "--journal-bodies", "full"])).journal_bodies == "full"
    assert config_from_args(build_parser().parse_args(["serve", "--host", "0.0.0.0"])).admin_hosts == []
    monkeypatch.setenv("MOCKSERVER_ADMIN_TOKEN", "from-env")
    assert config_from_args(build_parser().parse_args(["serve"])).admin_token == "from-env"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("192.168.1.5")


def test_serve_beyond_loopback_warns_loudly_and_admin_port_works() -> None:
    port, admin_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--host", "0.0.0.0", "--port", str(port),
         "--admin-port", str(admin_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(400):
            try:
                health = httpx.get(f"http://127.0.0.1:{admin_port}/__admin/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert health.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/__admin/health").status_code == 404
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "WARNING: --host 0.0.0.0 listens beyond this machine" in stderr
    assert "--admin-token" in stderr and f"admin API on http://0.0.0.0:{admin_port}/__admin only" in stderr
