"""Paced streams under load (issue #12): handled in turns, kept to the schedule from arrival; never timed.

``python -m benchmarks.paced`` measures the figures; these pin the mechanisms with a fake clock and the order of
what the app does.
"""

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from mockserver.app import MockApp
from mockserver.clock import Clock, FakeClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.exchange import RECEIVED
from mockserver.inprocess.server import ServerThread

CHAT = "/openrouter/api/v1/chat/completions"
KEY = [(b"authorization", b"Bearer sk-or-v1-test"), (b"content-type", b"application/json"), (b"host", b"x")]
BODY = json.dumps({"model": "meta-llama/llama-4-maverick", "stream": True,
                   "messages": [{"role": "user", "content": "hello"}]}).encode()  # fmt: skip
LATENCY = 1.2  # the catalogue's latency_s for Llama 4 Maverick


async def stream(app: MockApp, sent: list[dict[str, Any]], headers: list[tuple[bytes, bytes]] = KEY,
                 extensions: dict[str, Any] | None = None) -> None:
    """One POST of a chat stream through ``app`` (with the listener's scope ``extensions``); the client stays
    connected."""
    scope: dict[str, Any] = {"type": "http", "method": "POST", "path": CHAT, "raw_path": CHAT.encode(),
                             "query_string": b"", "headers": headers, "asgi": {"version": "3.0"},
                             "http_version": "1.1"}  # fmt: skip
    if extensions is not None:
        scope["extensions"] = extensions
    incoming = [{"type": "http.request", "body": BODY, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop()
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)


def burst(core: MockCore, count: int, budget: float, work: float = 0.0) -> tuple[list[int], list[list[Any]]]:
    """``count`` paced streams started in one loop turn; the loop turn each was handled in, and what each sent.

    ``work``: fake seconds each ``core.handle`` takes. ``budget``: the app's handling time per turn.
    """
    app = MockApp(core)
    app.turns.budget = budget
    turn, handled = [0], []
    handle = core.handle

    def counted(request: MockRequest) -> MockResponse:
        handled.append(turn[0])
        core.clock.advance(work)  # type: ignore[attr-defined]
        return handle(request)

    core.handle = counted  # type: ignore[method-assign]

    async def main() -> list[list[Any]]:
        async def ticker() -> None:
            while True:
                turn[0] += 1
                await asyncio.sleep(0)

        ticking = asyncio.ensure_future(ticker())
        sent: list[list[Any]] = [[] for _ in range(count)]
        await asyncio.gather(*(stream(app, out) for out in sent))
        ticking.cancel()
        return sent

    return handled, asyncio.run(main())


def test_a_burst_of_paced_requests_is_handled_in_turns() -> None:
    handled, sent = burst(MockCore(MockConfig(pace=1.0), clock=FakeClock()), 3, budget=-1.0)
    assert len(set(handled)) == 3  # one a turn: the loop reads its sockets and fires its timers in between
    assert all(out[0]["status"] == 200 and out[-1]["more_body"] is False for out in sent)


def test_requests_within_the_budget_share_a_turn() -> None:
    handled, _ = burst(MockCore(MockConfig(pace=1.0), clock=FakeClock()), 3, budget=3600.0)
    assert len(set(handled)) == 1


def test_x_mock_pace_alone_takes_the_turns() -> None:
    core = MockCore(clock=FakeClock())  # pacing off but for the header
    app = MockApp(core)
    app.turns.budget = -1.0
    turn, handled = [0], []
    handle = core.handle
    core.handle = lambda request: (handled.append(turn[0]), handle(request))[1]  # type: ignore[method-assign]

    async def main() -> None:
        async def ticker() -> None:
            while True:
                turn[0] += 1
                await asyncio.sleep(0)

        ticking = asyncio.ensure_future(ticker())
        await asyncio.gather(*(stream(app, [], [*KEY, (b"x-mock-pace", b"1")]) for _ in range(2)))
        await asyncio.gather(*(stream(app, []) for _ in range(2)))  # not paced: handled at once
        ticking.cancel()

    asyncio.run(main())
    assert handled[0] != handled[1] and handled[2] == handled[3]


class StillClock(FakeClock):
    """A fake clock that only handling moves: sleeps are recorded, and one stream's sleep is not another's."""

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def test_a_request_waiting_its_turn_keeps_its_arrival_time() -> None:
    clock = StillClock()
    burst(MockCore(MockConfig(pace=1.0), clock=clock), 3, budget=-1.0, work=0.1)
    first_sleeps = [s for s in clock.sleeps if s > 0.5]  # each stream's wait for its first piece
    # All three arrived at once and each handling takes 0.1 s: the second waited 0.1 s in the queue, the third
    # 0.2 s. The wait comes off the latency: every first piece goes out at arrival + latency.
    assert first_sleeps == pytest.approx([LATENCY - 0.1, LATENCY - 0.2, LATENCY - 0.3])


class BehindClock(FakeClock):
    """A fake clock whose every sleep overshoots by ``late`` seconds, as a loop behind its timers does."""

    def __init__(self, late: float) -> None:
        super().__init__()
        self.late = late

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        self.time += self.late


def pieces_of(core: MockCore) -> list[bytes]:
    """The body pieces of the stream ``core`` answers, with their delays (same seed: the same stream every time)."""
    request = MockRequest.build("POST", CHAT, {k.decode(): v.decode() for k, v in KEY}, BODY)
    return list(core.handle(request).chunks or [])


def test_pieces_already_due_go_out_in_one_send() -> None:
    planned = MockCore(MockConfig(pace=1.0), clock=FakeClock()).handle(
        MockRequest.build("POST", CHAT, {k.decode(): v.decode() for k, v in KEY}, BODY)).delays  # fmt: skip
    assert planned is not None and len(planned) > 4 and len(set(planned[1:])) == 1
    late = planned[1] * 2.5  # each sleep overshoots by two and a half steps
    pieces = pieces_of(MockCore(MockConfig(pace=1.0), clock=FakeClock()))
    clock = BehindClock(late)
    started = clock.time
    sent: list[dict[str, Any]] = []
    asyncio.run(stream(MockApp(MockCore(MockConfig(pace=1.0), clock=clock)), sent))
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body" and m["body"]]
    assert b"".join(bodies) == b"".join(pieces)  # the same bytes
    assert bodies[0] == b"".join(pieces[:3])  # the first piece, late, and the two due since, at once
    assert len(bodies) < len(pieces)
    # Never a sleep for a piece already due, and the stream ends on schedule, late by one overshoot at most.
    assert all(s > 0 for s in clock.sleeps)
    assert sum(planned) <= clock.time - started <= sum(planned) + late + 1e-9


def test_a_paced_stream_on_time_sends_each_piece_alone() -> None:
    pieces = pieces_of(MockCore(MockConfig(pace=1.0), clock=FakeClock()))
    sent: list[dict[str, Any]] = []
    asyncio.run(stream(MockApp(MockCore(MockConfig(pace=1.0), clock=FakeClock())), sent))
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert [m["body"] for m in bodies] == pieces  # each alone, and no empty message after the last
    assert [m["more_body"] for m in bodies] == [True] * (len(pieces) - 1) + [False]  # the last ends the body


def test_a_paced_stream_stops_when_the_client_leaves() -> None:
    core = MockCore(MockConfig(pace=1.0), clock=FakeClock())
    scope = {"type": "http", "method": "POST", "path": CHAT, "raw_path": CHAT.encode(), "query_string": b"",
             "headers": KEY, "asgi": {"version": "3.0"}, "http_version": "1.1"}  # fmt: skip
    incoming = [{"type": "http.disconnect"}, {"type": "http.request", "body": BODY, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop()  # the body, then the client is gone at once

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(MockApp(core)(scope, receive, send))
    assert sent[0]["status"] == 200
    assert not [m for m in sent if m["type"] == "http.response.body" and m["body"]]  # gone during the latency
    [entry] = [e.to_dict() for e in core.journal.entries()]
    assert entry["response"]["stream"]["state"] == "closed by the client"
    assert entry["response"]["stream"]["pieces"] == 0


def test_both_listeners_stamp_when_the_request_was_read() -> None:
    seen: list[tuple[str, float | None]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        seen.append((scope["http_version"], (scope.get("extensions") or {}).get(RECEIVED)))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server = ServerThread(app=app)
    try:
        before = time.monotonic()
        with httpx.Client(timeout=10) as h1, httpx.Client(http1=False, http2=True, timeout=10) as h2:
            h1.post(server.url, content=b"x" * 100_000)  # a body read in several pieces: stamped at its end
            h2.post(server.url, content=b"x" * 100_000)
            h2.get(server.url)  # headers that end the stream
        after = time.monotonic()
    finally:
        server.stop()
    assert [version for version, _ in seen] == ["1.1", "2", "2"]
    assert all(stamp is not None and before <= stamp <= after for _, stamp in seen)


class RealTimeClock(Clock):
    """The real monotonic clock (the listeners' stamps are on it); sleeps are recorded, never waited."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


def test_a_paced_stream_counts_from_the_listeners_stamp() -> None:
    clock = RealTimeClock()
    app = MockApp(MockCore(MockConfig(pace=1.0), clock=clock))
    sent: list[dict[str, Any]] = []
    scope_stamp = time.monotonic() - 0.3  # read off the socket 0.3 s before the app ran
    asyncio.run(stream(app, sent, extensions={RECEIVED: scope_stamp}))
    assert sent[0]["status"] == 200
    assert not clock.sleeps or clock.sleeps[0] <= LATENCY - 0.3  # the 0.3 s came off the time to first byte
