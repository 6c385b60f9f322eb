"""README's Node snippets ("From any language") run as written with ``node`` against a real server, with the
packages of ``tests/node/package-lock.json`` (only the quick-start address is changed)."""

import socket
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.core import MockCore
from tests.conftest import RunningServer
from tests.node.conftest import HERE
from tests.test_readme_languages import QUICK_START_URL, SNIPPETS


@pytest.fixture(scope="module")
def own_server() -> Iterator[RunningServer]:
    """A server whose journal holds only this module's requests."""
    server = RunningServer(MockCore())
    yield server
    server.stop()


def _run(node: str, kind: str, server: RunningServer) -> tuple[str, dict[str, Any]]:
    """Run the snippet as an ES module from tests/node (where its packages resolve); its output and the request."""
    code = SNIPPETS[kind].replace(QUICK_START_URL, server.url)
    done = subprocess.run([node, "--input-type=module"], input=code, cwd=HERE, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    journal = httpx.get(f"{server.url}/__admin/requests").json()
    assert journal["count"] >= 1, "the snippet sent nothing to the server"
    return done.stdout, journal["requests"][-1]


def test_openai_for_node_chats_with_the_openrouter_mount(node: str, own_server: RunningServer) -> None:
    out, request = _run(node, "node-openai", own_server)
    assert out.strip()
    assert (request["provider"], request["operation"], request["status"]) == ("openrouter", "chat_completions", 200)
    assert request["headers"]["user-agent"].startswith("OpenAI/JS")


def test_aws_sdk_for_javascript_default_client_runs_converse(node: str, own_server: RunningServer) -> None:
    out, request = _run(node, "node-aws-sdk", own_server)
    assert out.strip()
    assert (request["provider"], request["operation"], request["status"]) == ("bedrock", "converse", 200)
    assert "aws-sdk-js" in request["headers"]["user-agent"]


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"  # RFC 9113 section 3.4, the client connection preface


def test_the_default_client_opens_http_with_the_http2_preface(node: str) -> None:
    """Why the server must speak h2c: over http:// the snippet's client sends HTTP/2 with prior knowledge."""
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(60)
        port = listener.getsockname()[1]

        def first_bytes() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(30)
                while len(received) < len(PREFACE) and (data := connection.recv(1024)):
                    received.extend(data)

        reader = threading.Thread(target=first_bytes)
        reader.start()
        code = SNIPPETS["node-aws-sdk"].replace(QUICK_START_URL, f"http://127.0.0.1:{port}")
        client = subprocess.Popen([node, "--input-type=module"], stdin=subprocess.PIPE, cwd=HERE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        try:
            assert client.stdin is not None
            client.stdin.write(code)
            client.stdin.close()
            reader.join(60)
        finally:
            client.kill()  # nobody answers it: it would wait and retry
            client.wait(10)
    assert bytes(received).startswith(PREFACE), bytes(received[:80])
