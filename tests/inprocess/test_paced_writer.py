"""The listener's paced writer (``inprocess/direct.py`` ``Paced``): each piece written by a loop timer at its
time from the request's arrival, pieces already due in one write, and a client gone seen at the next piece.

A recording loop and transport stand in for uvicorn's, so every wait and every write is seen; nothing is timed.
``tests/inprocess/test_at_once.py`` checks the bytes over real sockets against uvicorn's ASGI path.
"""

import json
import time
from typing import Any

import pytest

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.direct import Paced

CHAT = "/openrouter/api/v1/chat/completions"
KEY = {"authorization": "Bearer sk-or-v1-test", "content-type": "application/json", "host": "x"}
HEAD = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"


class Loop:
    def __init__(self) -> None:
        self.timers: list[tuple[float, Any]] = []

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        self.timers.append((delay, lambda: callback(*args)))

    def fire(self) -> float:
        """Run the one pending timer; its delay."""
        [(delay, callback)] = self.timers
        self.timers.clear()
        callback()
        return delay


class Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.writes.append(data)


class Cycle:
    disconnected = False
    response_started = False


class Protocol:
    def __init__(self) -> None:
        self.loop, self.transport, self.completed = Loop(), Transport(), 0

    def _complete(self, cycle: Cycle) -> None:
        self.completed += 1


def paced(stream: bool = True) -> tuple[MockCore, MockResponse]:
    core = MockCore(MockConfig(pace=1.0, seed=3))
    body = {"model": "meta-llama/llama-4-maverick", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}
    response = core.handle(MockRequest.build("POST", CHAT, KEY, json.dumps(body).encode()))
    assert response.status == 200 and response.delays
    return core, response


def frame(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def stream_state(core: MockCore) -> dict[str, Any]:
    [entry] = [e.to_dict() for e in core.journal.entries()]
    state: dict[str, Any] = entry["response"]["stream"]
    return state


def test_each_piece_waits_for_its_time_and_is_written_alone() -> None:
    core, response = paced()
    chunks, delays = list(response.chunks or []), list(response.delays or [])
    protocol, cycle = Protocol(), Cycle()
    Paced(protocol, cycle, HEAD, response, time.monotonic())  # type: ignore[arg-type]
    assert protocol.transport.writes == [HEAD] and cycle.response_started
    waits = []
    while protocol.loop.timers:
        waits.append(protocol.loop.fire())
    assert waits == pytest.approx(delays, abs=0.05)  # the first is the latency, then one step a piece
    assert protocol.transport.writes[1:] == [frame(c) for c in chunks[:-1]] + [frame(chunks[-1]) + b"0\r\n\r\n"]
    assert protocol.completed == 1
    assert stream_state(core)["state"] == "complete" and stream_state(core)["pieces"] == len(chunks)


def test_pieces_already_due_go_out_in_one_write() -> None:
    core, response = paced()
    protocol = Protocol()
    Paced(protocol, Cycle(), HEAD, response, time.monotonic() - 3600)  # type: ignore[arg-type]
    assert protocol.loop.timers == []  # an hour late: nothing left to wait for
    assert protocol.transport.writes == [HEAD, frame(b"".join(response.chunks or [])) + b"0\r\n\r\n"]
    assert protocol.completed == 1 and stream_state(core)["state"] == "complete"


def test_the_time_before_the_writer_started_comes_off_the_first_wait() -> None:
    _, response = paced()
    protocol = Protocol()
    Paced(protocol, Cycle(), HEAD, response, time.monotonic() - 0.5)  # type: ignore[arg-type]
    [(wait, _)] = protocol.loop.timers
    assert wait == pytest.approx((response.delays or [])[0] - 0.5, abs=0.05)


def test_a_json_body_goes_with_its_head_at_its_time() -> None:
    _, response = paced(stream=False)
    protocol, cycle = Protocol(), Cycle()
    head = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(response.body)
    Paced(protocol, cycle, head, response, time.monotonic())  # type: ignore[arg-type]
    assert protocol.transport.writes == [] and not cycle.response_started
    assert protocol.loop.fire() == pytest.approx(sum(response.delays or []), abs=0.05)
    assert protocol.transport.writes == [head + response.body] and protocol.completed == 1


def test_a_client_gone_stops_the_stream_at_its_next_piece() -> None:
    core, response = paced()
    protocol, cycle = Protocol(), Cycle()
    Paced(protocol, cycle, HEAD, response, time.monotonic())  # type: ignore[arg-type]
    protocol.loop.fire()  # the first piece
    cycle.disconnected = True
    protocol.loop.fire()
    assert protocol.loop.timers == [] and protocol.completed == 0
    assert len(protocol.transport.writes) == 2  # the head and the first piece only
    assert stream_state(core)["state"] == "closed by the client" and stream_state(core)["pieces"] == 1
