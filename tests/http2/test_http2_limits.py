"""The listener's limits and hostile input over HTTP/2, driven frame by frame with the ``h2`` client state machine."""

import json
import socket
from collections.abc import Iterator

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

from mockserver.config import ServerLimits
from mockserver.core import MockCore
from mockserver.inprocess.http2 import PREFACE
from mockserver.inprocess.server import ServerThread

CHAT = json.dumps({"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "hi"}]}).encode()
PATH = b"/openrouter/api/v1/chat/completions"
OPEN: list["Client"] = []


class Client:
    """One HTTP/2 client connection to 127.0.0.1:``port`` (prior knowledge)."""

    def __init__(self, port: int, settings: dict[int, int] | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
        self.conn.initiate_connection()
        if settings:
            self.conn.update_settings(settings)
        self.flush()
        self.closed = False
        OPEN.append(self)

    def flush(self) -> None:
        self.sock.sendall(self.conn.data_to_send())

    def request(self, body: bytes | None = CHAT, *, end: bool = True, path: bytes = PATH) -> int:
        sid = self.conn.get_next_available_stream_id()
        method = b"POST" if body is not None else b"GET"
        headers = [(b":method", method), (b":path", path), (b":scheme", b"http"), (b":authority", b"127.0.0.1"),
                   (b"content-type", b"application/json"), (b"authorization", b"Bearer sk-or-v1-FAKEh2")]  # fmt: skip
        self.conn.send_headers(sid, headers, end_stream=end and body is None)
        if body is not None:
            self.conn.send_data(sid, body, end_stream=end)
        self.flush()
        return sid

    def events(self, until: type, *, ack: bool = True) -> Iterator[h2.events.Event]:
        """Read events until one of type ``until`` arrives (or the server closes the connection)."""
        while not self.closed:
            data = self.sock.recv(65536)
            if not data:
                self.closed = True
                return
            for event in self.conn.receive_data(data):
                if ack and isinstance(event, h2.events.DataReceived):
                    self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                yield event
                if isinstance(event, until):
                    self.flush()
                    return
            self.flush()

    def answer(self, sid: int) -> tuple[dict[bytes, bytes], bytes]:
        headers: dict[bytes, bytes] = {}
        body = b""
        for event in self.events(h2.events.StreamEnded):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == sid:
                headers = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived) and event.stream_id == sid:
                body += event.data
        return headers, body

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def start() -> Iterator[object]:
    made: list[ServerThread] = []

    def make(**limits: float) -> ServerThread:
        made.append(ServerThread(MockCore(), limits=ServerLimits(**limits)))  # type: ignore[arg-type]
        return made[-1]

    yield make
    while OPEN:
        OPEN.pop().close()
    for server in made:
        server.stop()


def test_a_connection_without_a_request_is_closed_after_the_header_deadline(start: object) -> None:
    server = start(header_timeout=0.3)  # type: ignore[operator]
    client = Client(server.port)
    events = list(client.events(h2.events.ConnectionTerminated))
    assert any(isinstance(e, h2.events.ConnectionTerminated) for e in events) or client.closed
    client.close()


def test_a_slow_body_gets_the_mocks_408(start: object) -> None:
    server = start(body_timeout=0.3)  # type: ignore[operator]
    client = Client(server.port)
    sid = client.request(CHAT[:10], end=False)
    headers, body = client.answer(sid)
    assert headers[b":status"] == b"408" and headers[b"x-mock-error"] == b"true"
    assert json.loads(body)["title"] == "Request body too slow"
    sid = client.request()  # the connection still serves the next stream
    headers, body = client.answer(sid)
    assert headers[b":status"] == b"200" and json.loads(body)["object"] == "chat.completion"
    client.close()


def test_a_tiny_flow_control_window_still_gets_the_whole_answer(start: object) -> None:
    server = start()  # type: ignore[operator]
    client = Client(server.port, {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 7})
    sid = client.request(path=b"/openrouter/api/v1/models", body=None)
    headers, body = client.answer(sid)
    assert headers[b":status"] == b"200" and len(body) > 4_000  # hundreds of 7-byte windows
    assert json.loads(body)["data"]
    client.close()


def test_a_window_left_shut_is_reset_after_the_send_deadline(start: object) -> None:
    server = start(send_timeout=0.3)  # type: ignore[operator]
    client = Client(server.port, {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 7})
    sid = client.request(path=b"/openrouter/api/v1/models", body=None)
    events = list(client.events(h2.events.StreamReset, ack=False))
    assert any(isinstance(e, h2.events.StreamReset) and e.stream_id == sid for e in events)
    client.close()


@pytest.mark.parametrize("garbage", [b"\x00\x00\x04\x09\x00\x00\x00\x00\x01abcd", b"\xff" * 64, b"\x00" * 9])
def test_broken_frames_end_the_connection_not_the_server(start: object, garbage: bytes) -> None:
    server = start()  # type: ignore[operator]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(PREFACE + garbage)
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    sock.close()
    assert b"\x07" in received[:200]  # a GOAWAY frame (type 7) before the close
    client = Client(server.port)  # and the server serves the next client
    headers, _ = client.answer(client.request())
    assert headers[b":status"] == b"200"
    client.close()


def test_a_reset_stream_leaves_the_connection_serving(start: object) -> None:
    server = start()  # type: ignore[operator]
    client = Client(server.port)
    first = client.request(CHAT[:5], end=False)
    client.conn.reset_stream(first)
    client.flush()
    headers, body = client.answer(client.request())
    assert headers[b":status"] == b"200" and json.loads(body)["choices"]
    client.close()


def test_pseudo_headers_only_and_odd_paths_get_provider_or_mock_errors(start: object) -> None:
    server = start()  # type: ignore[operator]
    client = Client(server.port)
    for path in (b"/", b"/%ff%fe", b"/openrouter/api/v1/chat/completions?x=%00", b"*"):
        headers, _ = client.answer(client.request(body=b"{", path=path))
        assert headers[b":status"] in {b"400", b"404", b"405"}, path
    client.close()
