"""Pacing: delays computed from the catalogue, honoured by every transport; measured with a fake clock, never timed."""

import asyncio
import json
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from openai import AsyncOpenAI, OpenAI
from starlette.testclient import TestClient

from mockserver.app import create_app, to_starlette_response
from mockserver.behaviour.pacing import Speed, delays
from mockserver.clock import FakeClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess import mock_bedrock, mock_openrouter
from tests.conftest import RunningServer

FREE = "meta-llama/llama-4-maverick:free"
LATENCY, TPS = 1.2, 68.53  # seed 003: Llama 4 Maverick (free), Chutes/fp8
HELLO = [{"role": "user", "content": "hello"}]
KEY = {"authorization": "Bearer sk-or-v1-test", "content-type": "application/json"}


def paced_core(pace: float = 0.5) -> tuple[MockCore, FakeClock, list[MockResponse]]:
    """A core with a fake clock that keeps every response it gives."""
    clock = FakeClock()
    core = MockCore(MockConfig(pace=pace), clock=clock)
    given: list[MockResponse] = []
    handle = core.handle

    def keep(request: MockRequest) -> MockResponse:
        given.append(handle(request))
        return given[-1]

    core.handle = keep  # type: ignore[method-assign]
    return core, clock, given


def chat(core: MockCore, stream: bool, **headers: str) -> MockResponse:
    """POST an OpenRouter chat completion straight to the core."""
    body = json.dumps({"model": FREE, "messages": HELLO, "stream": stream}).encode()
    request = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", KEY | headers, body)
    return core.handle(request)


def completion_tokens(response: MockResponse) -> int:
    """The usage of a JSON or SSE OpenRouter response."""
    if response.chunks is None:
        return int(json.loads(response.body)["usage"]["completion_tokens"])
    events = [json.loads(c[6:]) for c in response.chunks if c.startswith(b"data: {")]
    return int(next(e["usage"]["completion_tokens"] for e in events if e.get("usage")))


def assert_paced_stream(sleeps: list[float], tokens: int, pace: float) -> None:
    """What a paced stream must have slept: the catalogue's latency first, then ``tokens/throughput``, times ``pace``.

    Computed from the seed's speed and the reply's usage, not from ``response.delays``: with pacing off the
    transports sleep nothing, and this fails (an empty list matches an empty list of delays).
    """
    assert len(sleeps) >= 2, f"a paced stream sleeps before the first chunk and between the others: {sleeps}"
    assert tokens > 0
    assert sleeps[0] == pytest.approx(LATENCY * pace)
    assert sum(sleeps) == pytest.approx((LATENCY + tokens / TPS) * pace)


# -- the computation ----------------------------------------------------------------------------------------------


def test_delays_put_latency_first_and_spread_the_generation() -> None:
    got = delays(Speed(LATENCY, TPS), tokens=137, parts=5, pace=0.5)
    assert got[0] == pytest.approx(LATENCY * 0.5)
    assert sum(got) == pytest.approx((LATENCY + 137 / TPS) * 0.5)
    assert len(set(got[1:])) == 1


def test_one_part_waits_for_everything() -> None:
    assert delays(Speed(LATENCY, TPS), tokens=30, parts=1, pace=1.0) == [pytest.approx(LATENCY + 30 / TPS)]


def test_streamed_reply_gets_one_delay_per_chunk() -> None:
    core, _, _ = paced_core(0.5)
    response = chat(core, stream=True)
    assert response.chunks is not None and response.delays is not None
    assert len(response.delays) == len(response.chunks)
    assert response.delays[0] == pytest.approx(LATENCY * 0.5)
    assert sum(response.delays) == pytest.approx((LATENCY + completion_tokens(response) / TPS) * 0.5)


def test_json_reply_waits_latency_plus_generation_before_the_body() -> None:
    core, _, _ = paced_core(0.5)
    response = chat(core, stream=False)
    assert response.delays == [pytest.approx((LATENCY + completion_tokens(response) / TPS) * 0.5)]


def test_off_by_default_and_header_overrides() -> None:
    core = MockCore()
    assert chat(core, stream=True).delays is None
    assert chat(core, stream=True, **{"x-mock-pace": "2"}).delays is not None
    paced, _, _ = paced_core(1.0)
    assert chat(paced, stream=True, **{"x-mock-pace": "0"}).delays is None


def test_bad_pace_header_is_the_mocks_own_400() -> None:
    response = chat(MockCore(), stream=False, **{"x-mock-pace": "fast"})
    assert response.status == 400 and response.headers.get("x-mock-error") == "true"
    assert "x-mock-pace" in json.loads(response.body)["detail"]


def test_errors_and_model_lists_are_not_paced() -> None:
    core, _, _ = paced_core(1.0)
    assert chat(core, stream=False, authorization="").delays is None  # 401
    models = core.handle(MockRequest.build("GET", "/openrouter/api/v1/models", {}))
    assert models.status == 200 and models.delays is None


# -- the transports ----------------------------------------------------------------------------------------------


def test_starlette_stream_sleeps_between_chunks() -> None:
    response = chat(MockCore(MockConfig(pace=0.5)), stream=True)
    clock = FakeClock()
    streamed = to_starlette_response(response, clock)

    async def drain() -> list[bytes]:
        return [bytes(chunk) async for chunk in streamed.body_iterator]  # type: ignore[arg-type]

    assert asyncio.run(drain()) == list(response.chunks or [])
    assert_paced_stream(clock.sleeps, completion_tokens(response), 0.5)
    assert clock.sleeps == [d for d in response.delays or [] if d]


@pytest.mark.parametrize("stream", [False, True])
def test_starlette_app_honours_delays(stream: bool) -> None:
    core, clock, given = paced_core(0.5)
    with TestClient(create_app(core)) as client:
        body = {"model": FREE, "messages": HELLO, "stream": stream}
        assert client.post("/openrouter/api/v1/chat/completions", json=body, headers=KEY).status_code == 200
    [response] = given
    tokens = completion_tokens(response)
    if stream:
        assert_paced_stream(clock.sleeps, tokens, 0.5)
        assert clock.sleeps == [d for d in response.delays or [] if d]
    else:  # one wait for latency and generation, before the body
        assert clock.sleeps == [pytest.approx((LATENCY + tokens / TPS) * 0.5)]


def test_httpx_sync_stream_sleeps() -> None:
    core, clock, given = paced_core(0.25)
    with mock_openrouter(core=core):
        client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test", max_retries=0)
        pieces = list(client.chat.completions.create(model=FREE, messages=HELLO, stream=True))  # type: ignore[arg-type]
    assert pieces
    [response] = given
    assert_paced_stream(clock.sleeps, completion_tokens(response), 0.25)
    assert clock.sleeps == [d for d in response.delays or [] if d]


@pytest.mark.anyio
async def test_httpx_async_json_sleeps_before_the_body() -> None:
    core, clock, given = paced_core(0.25)
    with mock_openrouter(core=core):
        client = AsyncOpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test", max_retries=0)
        await client.chat.completions.create(model=FREE, messages=HELLO)  # type: ignore[arg-type]
    [response] = given
    assert response.delays is not None and clock.sleeps == response.delays


@pytest.mark.parametrize("operation", ["converse", "converse_stream"])
def test_botocore_raw_body_sleeps(operation: str) -> None:
    core, clock, given = paced_core(0.5)
    client = boto3.Session().client("bedrock-runtime", region_name="us-east-1",
                                    config=Config(retries={"max_attempts": 1}))
    messages: Any = [{"role": "user", "content": [{"text": "hello"}]}]
    with mock_bedrock(core=core):
        result = getattr(client, operation)(modelId="us.meta.llama4-maverick-17b-instruct-v1:0", messages=messages)
        if operation == "converse_stream":
            list(result["stream"])
    [response] = given
    assert response.delays is not None
    if response.chunks is None:
        tokens = json.loads(response.body)["usage"]["outputTokens"]
        assert response.delays == [pytest.approx((LATENCY + tokens / TPS) * 0.5)]
    else:
        assert response.delays[0] == pytest.approx(LATENCY * 0.5)
    assert clock.sleeps == [d for d in response.delays if d]


def test_uvicorn_delivers_paced_chunks_in_order() -> None:
    clock = FakeClock()
    server = RunningServer(MockCore(clock=clock))  # a real uvicorn server whose sleeps are recorded, never waited
    body = {"model": FREE, "messages": HELLO, "stream": True, "seed": 7}
    url = server.url + "/openrouter/api/v1/chat/completions"

    def events(**headers: str) -> list[dict[str, Any]]:
        with httpx.stream("POST", url, json=body, headers=KEY | headers, timeout=30) as response:
            assert response.status_code == 200
            text = "".join(response.iter_text())
        return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: {")]

    try:
        paced = events(**{"x-mock-pace": "0.5"})
        paced_sleeps = list(clock.sleeps)
        plain = events()
    finally:
        server.stop()
    assert [e["choices"][0]["delta"].get("content") for e in paced if e["choices"]] == [
        e["choices"][0]["delta"].get("content") for e in plain if e["choices"]
    ]
    assert paced[-1]["usage"] == plain[-1]["usage"]
    assert_paced_stream(paced_sleeps, int(paced[-1]["usage"]["completion_tokens"]), 0.5)
    assert clock.sleeps == paced_sleeps  # pace 0 (the default) sleeps nothing
