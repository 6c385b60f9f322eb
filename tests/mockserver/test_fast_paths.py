"""The fast paths of issue #12 give what the slow ones gave: same values, same bytes, same schedule.

Speed itself is measured by ``benchmarks/`` (``make compare``), never here.
"""

import asyncio
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.app import MockApp
from mockserver.clock import FakeClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.journal import Journal
from mockserver.http import MockRequest, parse_json
from mockserver.providers.openai_compat import PIECE, sse_event, sse_piece, sse_template

CHAT = "/openrouter/api/v1/chat/completions"
KEY = [(b"authorization", b"Bearer sk-or-v1-test"), (b"content-type", b"application/json"), (b"host", b"x")]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def asgi(app: MockApp, body: bytes, headers: list[tuple[bytes, bytes]] = KEY) -> list[dict[str, Any]]:
    """Every message ``app`` sends for one POST to the chat endpoint."""
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "method": "POST", "path": CHAT, "raw_path": CHAT.encode(), "query_string": b"",
             "headers": headers, "asgi": {"version": "3.0"}, "http_version": "1.1"}  # fmt: skip
    incoming = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop()
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_parse_json_reads_what_the_stdlib_reads(value: Any) -> None:
    raw = json.dumps(value).encode()
    parsed = parse_json(raw)
    assert parsed == json.loads(raw)
    assert json.dumps(parsed) == json.dumps(json.loads(raw))  # same types too (1.0 stays a float, 10**30 an int)


def test_parse_json_keeps_integers_orjson_would_round() -> None:
    assert parse_json(b'{"n": 18446744073709551617}') == {"n": 18446744073709551617}
    assert parse_json(b"[-9223372036854775809]") == [-9223372036854775809]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_templated_event_is_the_event(piece: str) -> None:
    document = {"id": "gen-1", "choices": [{"delta": {"role": "assistant", "content": PIECE}, "x": None}]}
    filled = {"id": "gen-1", "choices": [{"delta": {"role": "assistant", "content": piece}, "x": None}]}
    assert sse_piece(sse_template(document), piece) == sse_event(filled)


def test_an_unpaced_stream_goes_out_in_one_body_message() -> None:
    body = json.dumps({"model": "meta-llama/llama-4-maverick", "stream": True,
                       "messages": [{"role": "user", "content": "hello"}]}).encode()  # fmt: skip
    core = MockCore()
    sent = asgi(MockApp(core), body)
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert sent[0]["status"] == 200
    assert len(bodies) == 2 and bodies[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert bodies[0]["body"].count(b"data: ") > 5 and bodies[0]["body"].endswith(b"data: [DONE]\n\n")
    assert not any(name == b"content-length" for name, _ in sent[0]["headers"])


def test_a_whole_body_has_its_content_length() -> None:
    sent = asgi(MockApp(MockCore()), b"{}")
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == str(len(sent[1]["body"])).encode()


class LateClock(FakeClock):
    """A fake clock whose every sleep overshoots by 10 ms, as a loaded event loop's do."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        self.time += 0.010


def test_a_paced_stream_keeps_to_its_schedule_when_sleeps_overshoot() -> None:
    body = json.dumps({"model": "meta-llama/llama-4-maverick:free", "stream": True,
                       "messages": [{"role": "user", "content": "hello"}]}).encode()  # fmt: skip
    planned = MockCore(MockConfig(pace=1.0), clock=FakeClock()).handle(
        MockRequest.build("POST", CHAT, {k.decode(): v.decode() for k, v in KEY}, body)).delays  # fmt: skip
    assert planned is not None and len(planned) > 5 and min(planned[1:]) > 0.010
    clock = LateClock()
    started = clock.time
    sent = asgi(MockApp(MockCore(MockConfig(pace=1.0), clock=clock)), body)
    assert len([m for m in sent if m["type"] == "http.response.body" and m["body"]]) == len(planned)  # one each
    # Each sleep after the first is cut by the 10 ms the one before overshot: the stream ends 10 ms late (the
    # last overshoot), not 10 ms per piece.
    assert clock.sleeps[0] == planned[0]
    assert all(abs(got - (want - 0.010)) < 1e-6 for got, want in zip(clock.sleeps[1:], planned[1:], strict=True))
    assert abs((clock.time - started) - (sum(planned) + 0.010)) < 1e-6


def test_the_journal_reads_a_lazy_body_when_read() -> None:
    journal = Journal(10)
    journal.record(time=0.0, provider="p", operation=None, model=None, method="POST", path="/", status=200,
                   headers={"authorization": "Bearer sk-or-v1-abcdefghijkl"}, body=b'{"a": 1}', fixture=None,
                   lazy=True)  # fmt: skip
    (entry,) = journal.entries()
    assert entry.body == {"a": 1} and entry.headers["authorization"] == "Bearer sk-or-v1-…"
    assert journal.entries()[0] is entry  # read once
