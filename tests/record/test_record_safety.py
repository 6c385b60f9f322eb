"""Redaction of keys echoed by an upstream, the recorder's own errors, and what is not recorded."""

import base64
import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from contracts.wire.eventstream import decode_messages, encode_event
from mockserver.record.framing import Framer
from mockserver.record.redact import REDACTED, Redactor
from mockserver.record.scrub import scrub
from tests.record.conftest import OPENROUTER_KEY, RunningApp, _free_port, assert_no_secrets

CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Who am I?"}]}
HEADERS = {"authorization": f"Bearer {OPENROUTER_KEY}"}


async def _echo(request: Request) -> Response:
    """An upstream that repeats the caller's key, as OpenRouter's /key does with its label."""
    key = request.headers["authorization"].removeprefix("Bearer ")
    body = json.loads(await request.body())
    document = {"id": "gen-1", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": f"You are {key}"}}],
                "label": f"{key[:12]}...{key[-4:]}"}
    if not body.get("stream"):
        return Response(json.dumps(document, indent=1), headers={"content-type": "application/json",
                                                                 "set-cookie": f"session={key}"})

    async def events() -> AsyncIterator[bytes]:
        yield b": OPENROUTER PROCESSING\n\n"
        yield f"data: {json.dumps(document)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), headers={"content-type": "text/event-stream"})


@pytest.fixture(scope="module")
def echo() -> Iterator[RunningApp]:
    app = RunningApp(app=Starlette(routes=[Route("/api/v1/chat/completions", _echo, methods=["POST"])]))
    yield app
    app.stop()


@pytest.mark.parametrize("stream", [False, True])
def test_keys_echoed_by_the_upstream_never_reach_the_files(
    stream: bool, echo: RunningApp, start_recorder: Callable[..., RunningApp], tmp_path: Path
) -> None:
    recorder = start_recorder(upstreams={"openrouter": f"{echo.url}/api/v1"})
    response = httpx.post(f"{recorder.url}/openrouter/api/v1/chat/completions", json={**CHAT, "stream": stream},
                          headers=HEADERS)
    assert response.status_code == 200 and OPENROUTER_KEY in response.text  # the client still gets the answer
    assert_no_secrets(tmp_path / "rec")
    written = b"".join(p.read_bytes() for p in (tmp_path / "rec").rglob("*.*"))
    assert REDACTED.encode() in written and b"set-cookie" not in written
    [fixture] = (tmp_path / "rec").glob("openrouter/chat_completions/*.json")
    response_spec = json.loads(fixture.read_text())["response"]
    assert response_spec.get("framing") == ("sse" if stream else None)  # pretty JSON is kept as raw bytes


def test_eventstream_frame_is_scrubbed_inside_base64_and_re_encoded() -> None:
    inner = json.dumps({"generation": f"key {OPENROUTER_KEY}"}).encode()
    frame = encode_event("chunk", json.dumps({"bytes": base64.b64encode(inner).decode()}).encode())
    [clean] = scrub([frame], "eventstream", Redactor({"authorization": f"Bearer {OPENROUTER_KEY}"}))
    [message] = decode_messages(clean)  # CRCs are right again
    decoded = base64.b64decode(json.loads(message.payload)["bytes"])
    assert OPENROUTER_KEY.encode() not in decoded and REDACTED.encode() in decoded
    untouched = encode_event("chunk", b'{"bytes":"e30="}')
    assert scrub([untouched], "eventstream", Redactor({})) == [untouched]


def test_framer_yields_whole_events_however_the_bytes_arrive() -> None:
    sse = Framer("sse")
    assert sse.feed(b"data: 1\n") == [] and sse.feed(b"\ndata: 2\r\n\r\ndata") == [b"data: 1\n\n", b"data: 2\r\n\r\n"]
    assert sse.flush() == [b"data"]
    frames = [encode_event("chunk", b'{"a":1}'), encode_event("chunk", b'{"b":2}')]
    stream, joined = Framer("eventstream"), b"".join(frames)
    assert stream.feed(joined[:5]) + stream.feed(joined[5:30]) + stream.feed(joined[30:]) == frames


def test_unreachable_upstream_is_the_mocks_own_4xx(start_recorder: Callable[..., RunningApp]) -> None:
    closed = f"http://127.0.0.1:{_free_port()}/api/v1"
    recorder = start_recorder(upstreams={"openrouter": closed})
    response = httpx.post(f"{recorder.url}/openrouter/api/v1/chat/completions", json=CHAT, headers=HEADERS)
    assert response.status_code == 424 and response.headers["x-should-retry"] == "false"
    problem = response.json()
    assert problem["mock"] is True and problem["title"] == "Upstream unreachable"
    assert "127.0.0.1" in problem["detail"] and "--upstream openrouter=URL" in problem["fix"]


def test_unknown_path_proxy_only_and_non_chat_operations(
    start_recorder: Callable[..., RunningApp], tmp_path: Path, upstream: Any
) -> None:
    recorder = start_recorder()
    missing = httpx.get(f"{recorder.url}/nowhere")
    assert missing.status_code == 404 and missing.json()["title"] == "No provider at this path"
    models = httpx.get(f"{recorder.url}/openrouter/api/v1/models")
    assert models.status_code == 200 and models.json()["data"]  # forwarded, but the mock never replays /models
    assert not (tmp_path / "rec").exists()
    proxy = start_recorder(out=None)
    answer = httpx.post(f"{proxy.url}/openrouter/api/v1/chat/completions", json=CHAT, headers=HEADERS)
    assert answer.status_code == 200 and answer.json()["choices"]
    assert not (tmp_path / "rec").exists()
