"""The openai SDK against the AI/ML API mount: its ids, model echo, envelope and ranges."""

import json
import re

import httpx
import jsonschema
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"
HELLO = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def client(server) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/aimlapi/v1", api_key="aiml-test-key", max_retries=0)


@pytest.mark.parametrize(
    ("model", "upstream"),
    [
        (MAVERICK, "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"),
        (SCOUT, "meta-llama/Llama-4-Scout-17B-16E-Instruct"),
    ],
)
def test_response_shape(client: OpenAI, model: str, upstream: str) -> None:
    raw = client.chat.completions.with_raw_response.create(model=model, messages=HELLO)
    body = json.loads(raw.content)
    assert re.fullmatch(r"[A-Za-z0-9]{7}-[A-Za-z0-9]{6}-[0-9a-f]{16}", body["id"])
    assert body["model"] == upstream
    assert body["choices"][0]["message"]["tool_calls"] == []
    assert body["usage"] == {"prompt_tokens": 6, "completion_tokens": 41, "total_tokens": 47}
    assert list(body) == ["id", "object", "choices", "created", "model", "usage"]


def test_stream_and_tools(client: OpenAI) -> None:
    chunks = list(client.chat.completions.create(model=SCOUT, messages=HELLO, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).startswith("Hello! How are you")
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 47
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    completion = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "weather in Paris?"}], tools=[tool]
    )
    assert completion.choices[0].finish_reason == "tool_calls"
    streamed = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "weather in Paris?"}], tools=[tool], stream=True
    )
    arguments = "".join(
        tc.function.arguments or "" for c in streamed if c.choices for tc in (c.choices[0].delta.tool_calls or [])
    )
    assert json.loads(arguments) == {"city": "Paris"}


@pytest.mark.parametrize(
    "extra", [{"top_p": 0.005}, {"seed": 0}, {"min_p": 0}, {"min_p": 1}, {"temperature": 2.1}, {"top_logprobs": 21}]
)
def test_aiml_ranges(client: OpenAI, extra: dict) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_body=extra)
    body = caught.value.response.json()
    assert set(body) == {"requestId", "statusCode", "timestamp", "path", "message"}
    assert body["statusCode"] == 400 and body["path"] == "/v1/chat/completions"
    assert body["message"].startswith("Body validation error!") and next(iter(extra)) in body["message"]


def test_aiml_accepts_its_bounds(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MAVERICK, messages=HELLO, top_p=0.01, seed=1, extra_body={"min_p": 0.001}
    )
    assert completion.choices[0].message.content


def test_errors(server, client: OpenAI) -> None:
    missing = httpx.post(f"{server.url}/aimlapi/v1/chat/completions", json={"model": MAVERICK, "messages": HELLO})
    assert missing.status_code == 401 and "valid API key" in missing.json()["message"]
    with pytest.raises(openai.PermissionDeniedError) as credits:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_headers={"x-mock-fault": "403"})
    assert "run out of credits" in credits.value.response.json()["message"]
    with pytest.raises(openai.BadRequestError) as unknown:
        client.chat.completions.create(model="meta-llama/llama-3", messages=HELLO)
    assert "Invalid enum value" in unknown.value.response.json()["message"]
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=MAVERICK, messages=[])
    assert httpx.get(f"{server.url}/aimlapi/v1/nothing").json()["statusCode"] == 404


def test_models_list_without_key(server) -> None:
    body = httpx.get(f"{server.url}/aimlapi/v1/models").json()
    assert body["object"] == "list" and {m["id"] for m in body["data"]} == {MAVERICK, SCOUT}


async def test_async(server) -> None:
    client = AsyncOpenAI(base_url=f"{server.url}/aimlapi/v1", api_key="k", max_retries=0)
    completion = await client.chat.completions.create(model=SCOUT, messages=HELLO)
    assert completion.choices[0].message.content.startswith("Hello!")
    await client.close()


def test_response_format_images_stop_and_limits(client: OpenAI) -> None:
    schema = {
        "type": "object",
        "required": ["city", "temp"],
        "properties": {"city": {"type": "string"}, "temp": {"type": "number"}},
    }
    completion = client.chat.completions.create(
        model=SCOUT,
        messages=[{"role": "user", "content": "Weather as JSON"}],
        response_format={"type": "json_schema", "json_schema": {"name": "weather", "schema": schema}},
    )
    jsonschema.validate(json.loads(completion.choices[0].message.content), schema)
    parts = [
        {"type": "text", "text": "What is in it?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    with_image = client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": parts}])
    plain = client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "What is in it?"}])
    assert with_image.usage.prompt_tokens > plain.usage.prompt_tokens + 100
    stopped = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "count to ten"}], stop="four"
    )
    assert stopped.choices[0].message.content == "One, two, three, "
    cut = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "count to ten"}], max_tokens=2
    )
    assert cut.choices[0].finish_reason == "length" and cut.usage.completion_tokens == 2
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=SCOUT, messages=HELLO, max_tokens=16385)
    assert "maximum context length" in caught.value.response.json()["message"]


def test_unknown_key_when_keys_configured(start_server) -> None:
    locked = start_server(api_keys={"aimlapi": ["aiml-good"]})
    bad = OpenAI(base_url=f"{locked.url}/aimlapi/v1", api_key="aiml-bad", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model=MAVERICK, messages=HELLO)
    good = OpenAI(base_url=f"{locked.url}/aimlapi/v1", api_key="aiml-good", max_retries=0)
    assert good.chat.completions.create(model=MAVERICK, messages=HELLO).choices[0].message.content
