"""HTTP/2 beside HTTP/1.1 on one port: prior knowledge on http://, ALPN over TLS, and the same bytes either way.

Each request goes to two fresh servers with the same seed and frozen clock (ids and timestamps come from the
seed and the request's number), one asked over HTTP/1.1 and one over HTTP/2: status, headers and body bytes
(SSE and AWS event streams included) must match, but for ``date`` and the headers HTTP/2 forbids
(RFC 9113 §8.2.2: ``transfer-encoding``, ``connection``).
"""

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.clock import FrozenClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1%3A0"
OR_KEY = {"authorization": "Bearer sk-or-v1-FAKEhttp2000000000000"}
AWS_KEY = {"authorization": "Bearer ABSKfakebedrockapikeyforhttp2tests"}
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Tell me about Llama"}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "hello"}]}]}
REQUESTS: list[tuple[str, str, dict[str, str], object]] = [
    ("POST", "/openrouter/api/v1/chat/completions", OR_KEY, CHAT),
    ("POST", "/openrouter/api/v1/chat/completions", OR_KEY, CHAT | {"stream": True}),
    ("POST", "/openrouter/api/v1/chat/completions", OR_KEY, {"model": "meta-llama/llama-4-maverick"}),
    ("GET", "/openrouter/api/v1/models", OR_KEY, None),
    ("POST", "/aimlapi/v1/chat/completions", OR_KEY, CHAT),
    ("POST", "/aimlapi/v1/chat/completions", OR_KEY, CHAT | {"stream": True}),
    ("POST", f"/bedrock/model/{MAVERICK}/converse", AWS_KEY, CONVERSE),
    ("POST", f"/bedrock/model/{MAVERICK}/converse-stream", AWS_KEY, CONVERSE),
    ("POST", f"/bedrock/model/{MAVERICK}/invoke", AWS_KEY, {"prompt": "hello", "max_gen_len": 32}),
    ("POST", f"/bedrock/model/{MAVERICK}/invoke-with-response-stream", AWS_KEY, {"prompt": "hello"}),
    ("POST", f"/bedrock/model/{MAVERICK}/converse", AWS_KEY | {"x-mock-fault": "ThrottlingException"}, CONVERSE),
    ("GET", "/no/such/path", {}, None),
]
FORBIDDEN_IN_H2 = {"transfer-encoding", "connection", "keep-alive"}


def _server(tls: tuple[Path, Path] | None = None) -> ServerThread:
    core = MockCore(MockConfig(seed=7), clock=FrozenClock(1_796_000_000.0))
    cert, key = tls or (None, None)
    return ServerThread(core, ssl_certfile=cert, ssl_keyfile=key)


def _transcript(client: httpx.Client, url: str, version: str) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    answers = []
    for method, path, headers, body in REQUESTS:
        with client.stream(method, url + path, headers=headers, json=body) as response:
            assert response.http_version == version, (path, response.http_version)
            raw = b"".join(response.iter_raw())
            kept = [(k, v) for k, v in response.headers.multi_items() if k not in FORBIDDEN_IN_H2 | {"date"}]
            answers.append((response.status_code, kept, raw))
    return answers


@pytest.fixture
def servers() -> Iterator[list[ServerThread]]:
    made: list[ServerThread] = []
    yield made
    for server in made:
        server.stop()


def test_prior_knowledge_http2_gives_the_http1_bytes(servers: list[ServerThread]) -> None:
    """h2c with prior knowledge (what the AWS SDK for JavaScript v3 sends to http://) on the same port."""
    servers += [_server(), _server()]
    with httpx.Client(timeout=10) as h1, httpx.Client(http1=False, http2=True, timeout=10) as h2:
        expected = _transcript(h1, servers[0].url, "HTTP/1.1")
        got = _transcript(h2, servers[1].url, "HTTP/2")
    assert [a[0] for a in expected] == [200, 200, 400, 200, 200, 200, 200, 200, 200, 200, 429, 404]
    for (path, *_), want, have in zip(REQUESTS, expected, got, strict=True):
        assert have == want, path


def test_alpn_offers_h2_and_http1_over_tls(servers: list[ServerThread], tls_files: tuple[Path, Path]) -> None:
    """Over TLS the client's ALPN choice decides; both get the same bytes."""
    servers += [_server(tls_files), _server(tls_files)]
    cert = ssl.create_default_context(cafile=str(tls_files[0]))
    with httpx.Client(verify=cert, timeout=10) as h1, httpx.Client(http2=True, verify=cert, timeout=10) as h2:
        expected = _transcript(h1, servers[0].url, "HTTP/1.1")
        got = _transcript(h2, servers[1].url, "HTTP/2")
    assert got == expected


def test_many_streams_share_one_http2_connection(servers: list[ServerThread]) -> None:
    """Concurrent streams on one connection each get their whole answer (flow control, interleaving)."""
    import asyncio

    servers.append(_server())
    url = servers[0].url + "/openrouter/api/v1/chat/completions"

    async def run() -> list[bytes]:
        async with httpx.AsyncClient(http1=False, http2=True, timeout=10) as client:

            async def one(i: int) -> bytes:
                body = CHAT | {"stream": True, "messages": [{"role": "user", "content": f"question {i}"}]}
                response = await client.post(url, headers=OR_KEY, json=body)
                assert response.http_version == "HTTP/2" and response.status_code == 200
                return response.content

            return await asyncio.gather(*(one(i) for i in range(40)))

    bodies = asyncio.run(run())
    assert all(body.rstrip().endswith(b"data: [DONE]") for body in bodies)
    assert len(set(bodies)) == len(bodies)  # each stream got its own reply, none mixed up


@pytest.mark.parametrize("http2", [False, True])
def test_an_unpaced_stream_sent_in_few_writes_still_logs_each_event(servers: list[ServerThread], http2: bool) -> None:
    """The server coalesces an unpaced stream into few sends, yet the journal (the inspector's view) lists every
    event it sent, over either protocol."""
    servers.append(_server())
    url = servers[0].url
    with httpx.Client(http1=not http2, http2=http2, timeout=10) as client:
        body = client.post(url + REQUESTS[1][1], headers=OR_KEY, json=REQUESTS[1][3]).content
        entry = client.get(url + "/__admin/requests").json()["requests"][-1]
        stream = client.get(f"{url}/__admin/requests/{entry['id']}").json()["response"]["stream"]
    assert stream["state"] == "complete" and stream["bytes"] == len(body)
    assert "".join(e["text"] for e in stream["events"]).encode() == body
