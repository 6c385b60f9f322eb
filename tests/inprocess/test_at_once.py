"""Answers written at once by the listener (``inprocess/direct.py``) are the bytes uvicorn's ASGI path writes.

Two servers on the same seed and frozen clock, one with ``at_once`` and one without, get the same raw requests
over sockets (one at a time on a keep-alive connection, then pipelined, then the cases left to uvicorn); every
byte they write back must be the same. A spy on uvicorn's ``RequestResponseCycle.run_asgi`` shows which way each
request went, so the comparison is not of the ASGI path with itself.
"""

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from mockserver.clock import FrozenClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

KEY = "Bearer sk-or-v1-FAKEatonce0000000000"
MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1%3A0"
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Tell me about Llama"}]}
Pair = tuple[ServerThread, ServerThread]
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Tell me about Llama"}]}]}


def request(method: str, path: str, body: Any = None, *extra: str, raw: bytes | None = None) -> bytes:
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    head = [f"{method} {path} HTTP/1.1", "host: 127.0.0.1", f"authorization: {KEY}", *extra]
    if data or method == "POST":
        head += ["content-type: application/json", f"content-length: {len(data)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


AT_ONCE = [  # answered by the listener itself
    request("POST", "/openrouter/api/v1/chat/completions", CHAT),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT | {"stream": True}),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT, "x-mock-fault: 429"),
    request("POST", "/openrouter/api/v1/chat/completions", {"model": "nope", "messages": []}),
    request("POST", "/openrouter/api/v1/chat/completions", raw=b'{"model": [1, {"a": '),
    request("POST", "/openrouter/api/v1/chat/completions", raw=b'{"model": "\\ud800", "messages": NaN}'),
    request("POST", "/openrouter/api/v1/responses", {"model": "meta-llama/llama-4-maverick", "input": "Llama"}),
    request("GET", "/openrouter/api/v1/models"),
    request("POST", "/aimlapi/v1/chat/completions", CHAT | {"stream": True}),
    request("POST", f"/bedrock/model/{MAVERICK}/converse", CONVERSE),
    request("POST", f"/bedrock/model/{MAVERICK}/converse-stream", CONVERSE),
    request("POST", f"/bedrock/model/{MAVERICK}/invoke", {"prompt": "Tell me about Llama"}),
    request("GET", "/no/such/path"),
    request("GET", "/__admin/health"),
]
BY_ASGI = [  # left to uvicorn's task: it reads, frames or waits for these itself
    request("HEAD", "/openrouter/api/v1/models"),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT, "expect: 100-continue"),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT | {"padding": "x" * 70_000}),
]
PACED = [  # written by the listener's timers (direct.Paced), each piece at its time
    request("POST", "/openrouter/api/v1/chat/completions", CHAT, "x-mock-pace: 0.001"),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT | {"stream": True}, "x-mock-pace: 0.002"),
    request("POST", f"/bedrock/model/{MAVERICK}/converse-stream", CONVERSE, "x-mock-pace: 0.002"),
    request("POST", "/openrouter/api/v1/chat/completions", CHAT, "x-mock-pace: 0.001", "x-mock-fault: 429"),
]


def read_response(sock: socket.socket, pending: bytearray, head_only: bool = False) -> bytes:
    """One whole response off ``sock`` (a 100 Continue before it included), by its length or its chunks."""
    while True:
        while b"\r\n\r\n" not in pending:
            pending += _recv(sock)
        end = pending.index(b"\r\n\r\n") + 4
        head = bytes(pending[:end]).lower()
        if not head.startswith(b"http/1.1 100 "):
            break
        del pending[:end]
        return head + read_response(sock, pending, head_only)
    if head_only:
        del pending[:end]
        return head
    if b"transfer-encoding: chunked" in head:
        while not pending.endswith(b"0\r\n\r\n"):
            pending += _recv(sock)
        size = len(pending)
    else:
        length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
        size = end + length
        while len(pending) < size:
            pending += _recv(sock)
    taken = bytes(pending[:size])
    del pending[:size]
    return taken


def _recv(sock: socket.socket) -> bytes:
    data = sock.recv(65536)
    assert data, "the server closed the connection early"
    return data


@pytest.fixture
def servers() -> Iterator[Pair]:
    pair = tuple(ServerThread(_core(), at_once=at_once, date_header=False) for at_once in (True, False))
    yield pair  # type: ignore[misc]
    for server in pair:
        server.stop()


@pytest.fixture
def asgi_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests uvicorn ran as ASGI tasks."""
    runs: list[str] = []
    real = RequestResponseCycle.run_asgi

    async def spy(self: RequestResponseCycle, app: Any) -> None:
        runs.append(self.scope["path"])
        await real(self, app)

    monkeypatch.setattr(RequestResponseCycle, "run_asgi", spy)
    return runs


def _core() -> MockCore:
    return MockCore(MockConfig(seed=7), clock=FrozenClock(1_800_000_000.5))


def one_by_one(server: ServerThread, requests: list[bytes]) -> list[bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        pending = bytearray()
        answers = []
        for raw in requests:
            sock.sendall(raw)
            answers.append(read_response(sock, pending, raw.startswith(b"HEAD ")))
        return answers


def pipelined(server: ServerThread, requests: list[bytes]) -> bytes:
    """Every request in one send, the last closing the connection: the whole stream of replies until EOF."""
    last = requests[-1].replace(b"\r\n\r\n", b"\r\nconnection: close\r\n\r\n", 1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"".join([*requests[:-1], last]))
        received = []
        while data := sock.recv(65536):
            received.append(data)
        return b"".join(received)


def test_answers_at_once_are_uvicorns_bytes(servers: Pair, asgi_runs: list[str]) -> None:
    at_once, by_asgi = servers
    first = one_by_one(at_once, AT_ONCE)
    assert asgi_runs == []  # none of them went through a task
    assert first == one_by_one(by_asgi, AT_ONCE)
    assert len(asgi_runs) == len(AT_ONCE)
    assert b"transfer-encoding: chunked" in first[1] and first[1].endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")
    statuses = [reply.split(b" ", 2)[1] for reply in first]
    assert statuses == [b"200", b"200", b"429", b"400", b"400", b"400", b"200", b"200", b"200", b"200", b"200", b"200",
                        b"404", b"200"]  # fmt: skip


def test_pipelined_requests_are_answered_in_order_with_the_same_bytes(servers: Pair) -> None:
    at_once, by_asgi = servers
    requests = AT_ONCE * 3  # a reply releases the next request inside the same loop turn
    replies = pipelined(at_once, requests)
    assert replies == pipelined(by_asgi, requests)
    assert replies.count(b"HTTP/1.1 ") == len(requests)


def unchunked(replies: bytes) -> list[tuple[bytes, bytes]]:
    """Each reply's head and body, its chunks joined: a paced stream's chunks depend on the loop's timing (the
    pieces already due when one goes out go out with it), its bytes do not."""
    parsed, rest = [], replies
    while rest:
        head, rest = rest.split(b"\r\n\r\n", 1)
        if b"transfer-encoding: chunked" not in head:
            length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
            parsed.append((head, rest[:length]))
            rest = rest[length:]
            continue
        body = []
        while True:
            size, rest = rest.split(b"\r\n", 1)
            if size == b"0":
                rest = rest[2:]
                break
            body.append(rest[: int(size, 16)])
            rest = rest[int(size, 16) + 2 :]
        parsed.append((head, b"".join(body)))
    return parsed


def test_paced_answers_are_written_by_timers_with_the_same_bytes(servers: Pair, asgi_runs: list[str]) -> None:
    at_once, by_asgi = servers
    first = one_by_one(at_once, PACED)
    assert asgi_runs == []
    assert unchunked(b"".join(first)) == unchunked(b"".join(one_by_one(by_asgi, PACED)))
    assert len(asgi_runs) == len(PACED)
    assert [reply.split(b" ", 2)[1] for reply in first] == [b"200", b"200", b"200", b"429"]
    assert b"content-length: " in first[0] and first[1].endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")
    requests = (PACED + AT_ONCE[:3]) * 2  # a paced reply ends in a timer, which releases the next request
    replies = unchunked(pipelined(at_once, requests))
    assert replies == unchunked(pipelined(by_asgi, requests))
    assert len(replies) == len(requests)


def test_what_uvicorn_reads_or_waits_for_goes_its_way(servers: Pair, asgi_runs: list[str]) -> None:
    at_once, by_asgi = servers
    first = one_by_one(at_once, BY_ASGI)
    assert len(asgi_runs) == len(BY_ASGI)
    assert first == one_by_one(by_asgi, BY_ASGI)
    assert [reply.split(b"\r\n", 1)[0].lower() for reply in first] == [
        b"http/1.1 405 method not allowed", b"http/1.1 100 continue", b"http/1.1 200 ok"
    ]  # fmt: skip


def test_http_1_0_is_answered_once_and_closed(servers: Pair, asgi_runs: list[str]) -> None:
    raw = request("POST", "/openrouter/api/v1/chat/completions", CHAT).replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    replies = []
    for server in servers:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(raw)
            replies.append(b"".join(iter(lambda s=sock: s.recv(65536), b"")))  # type: ignore[misc]
    assert replies[0] == replies[1] and b"connection: close\r\n" in replies[0]
    assert asgi_runs == ["/openrouter/api/v1/chat/completions"]  # only the second server's
