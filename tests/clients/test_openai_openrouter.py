"""The openai SDK, unchanged but for base_url, against the OpenRouter mount (issue 2 fidelity points)."""

import json
import re

import httpx
import jsonschema
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"
HELLO = [{"role": "user", "content": "Hello"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.fixture
def client(server) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="sk-or-v1-test-key", max_retries=0)


@pytest.mark.parametrize("model", [MAVERICK, SCOUT, f"{MAVERICK}:free", f"{SCOUT}:free"])
def test_chat_completion_has_openrouter_fields(client: OpenAI, model: str) -> None:
    raw = client.chat.completions.with_raw_response.create(model=model, messages=HELLO)
    completion = raw.parse()
    assert re.fullmatch(r"gen-\d{10}-[A-Za-z0-9]{20}", completion.id)
    assert raw.headers["x-generation-id"] == completion.id
    assert completion.model == model
    body = json.loads(raw.content)
    assert isinstance(body["provider"], str) and body["provider"]
    choice = body["choices"][0]
    assert choice["native_finish_reason"] == "stop"
    assert choice["message"]["content"].startswith("Hello! How are you today?")
    usage = body["usage"]
    assert usage["prompt_tokens"] == 6 and usage["completion_tokens"] == 41
    assert {"cost", "is_byok", "prompt_tokens_details", "completion_tokens_details", "cost_details"} <= usage.keys()


def test_cost_follows_catalogue_prices(client: OpenAI) -> None:
    maverick = client.chat.completions.create(model=MAVERICK, messages=HELLO).model_dump()
    scout = client.chat.completions.create(model=SCOUT, messages=HELLO).model_dump()
    free = client.chat.completions.create(model=f"{MAVERICK}:free", messages=HELLO).model_dump()
    assert maverick["usage"]["cost"] == pytest.approx(6 * 0.15e-6 + 41 * 0.60e-6)
    assert scout["usage"]["cost"] == pytest.approx(6 * 0.08e-6 + 41 * 0.30e-6)
    assert free["usage"]["cost"] == 0


def test_generated_reply_is_deterministic_per_seed(client: OpenAI) -> None:
    messages = [{"role": "user", "content": "Tell me something about llamas."}]
    first = client.chat.completions.create(model=MAVERICK, messages=messages, seed=7)
    second = client.chat.completions.create(model=MAVERICK, messages=messages, seed=7)
    other = [
        client.chat.completions.create(model=MAVERICK, messages=messages, seed=s).choices[0].message.content
        for s in range(8, 14)
    ]
    assert first.choices[0].message.content == second.choices[0].message.content
    assert first.usage == second.usage
    assert any(text != first.choices[0].message.content for text in other)


def test_streaming_sdk_reassembles_text(client: OpenAI) -> None:
    stream = client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello! How are you today? Is there something I can help you with or would you like to chat?"
    assert len({c.id for c in chunks}) == 1
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 47
    assert all(c.choices[0].delta.role == "assistant" for c in chunks if c.choices)


def test_raw_sse_has_processing_comments_role_usage_and_done(server) -> None:
    with httpx.stream(
        "POST",
        f"{server.url}/openrouter/api/v1/chat/completions",
        headers={"Authorization": "Bearer sk-or-v1-x"},
        json={"model": SCOUT, "messages": HELLO, "stream": True},
    ) as response:
        raw = response.read().decode()
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [e for e in raw.split("\n\n") if e]
    assert events[0] == ": OPENROUTER PROCESSING"
    data = [e for e in events if e.startswith("data: ")]
    first_data = events.index(data[0])
    assert ": OPENROUTER PROCESSING" in events[first_data:]  # also interleaved between data events
    assert data[-1] == "data: [DONE]"
    usage_chunk = json.loads(data[-2][6:])
    assert usage_chunk["usage"]["cost"] > 0
    assert all(json.loads(d[6:])["choices"][0]["delta"]["role"] == "assistant" for d in data[:-1])


def test_tools_give_tool_calls(client: OpenAI) -> None:
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    completion = client.chat.completions.create(
        model=MAVERICK, messages=messages, tools=[WEATHER_TOOL], tool_choice="auto"
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}
    follow_up = [
        *messages,
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"temp_c": 18}'},
    ]
    answer = client.chat.completions.create(model=MAVERICK, messages=follow_up, tools=[WEATHER_TOOL])
    assert answer.choices[0].finish_reason == "stop"
    assert "18 degrees" in answer.choices[0].message.content


def test_generated_tool_call_matches_parameters_schema(client: OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "book",
            "parameters": {
                "type": "object",
                "required": ["nights", "room"],
                "properties": {
                    "nights": {"type": "integer", "minimum": 1, "maximum": 9},
                    "room": {"enum": ["single", "double"]},
                },
            },
        },
    }
    completion = client.chat.completions.create(
        model=SCOUT,
        messages=[{"role": "user", "content": "Book me a room"}],
        tools=[tool],
        tool_choice={"type": "function", "function": {"name": "book"}},
    )
    arguments = json.loads(completion.choices[0].message.tool_calls[0].function.arguments)
    jsonschema.validate(arguments, tool["function"]["parameters"])


def test_tool_calls_stream_as_deltas(client: OpenAI) -> None:
    stream = client.chat.completions.create(
        model=MAVERICK,
        messages=[{"role": "user", "content": "weather in Paris please"}],
        tools=[WEATHER_TOOL],
        stream=True,
    )
    chunks = [c for c in stream if c.choices]
    deltas = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].id == "call_weather_paris_0001" and deltas[0].function.name == "get_weather"
    assert json.loads("".join(d.function.arguments or "" for d in deltas)) == {"city": "Paris"}
    assert next(c.choices[0].finish_reason for c in chunks if c.choices[0].finish_reason) == "tool_calls"


def test_response_format_json_schema_is_honoured(client: OpenAI) -> None:
    schema = {
        "type": "object",
        "required": ["name", "age", "tags"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
    }
    completion = client.chat.completions.create(
        model=MAVERICK,
        messages=[{"role": "user", "content": "Describe a person"}],
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}},
    )
    jsonschema.validate(json.loads(completion.choices[0].message.content), schema)


def test_images_are_accepted_and_counted(client: OpenAI) -> None:
    text_only = client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "What is this?"}])
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/llama.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    with_images = client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": parts}])
    assert with_images.usage.prompt_tokens > text_only.usage.prompt_tokens + 2 * 100


def test_stop_is_honoured(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "Please count to ten"}], stop=["five"]
    )
    assert completion.choices[0].message.content == "One, two, three, four, "
    assert completion.choices[0].finish_reason == "stop"


def test_max_tokens_gives_length(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MAVERICK, messages=[{"role": "user", "content": "Please count to ten"}], max_tokens=3
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 3
    assert completion.choices[0].message.content == "One, two"


def test_models_fallback_list_uses_first_valid(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="nobody/unknown-model", messages=HELLO, extra_body={"models": ["nobody/unknown-model", SCOUT]}
    )
    assert completion.model == SCOUT


def test_unsupported_parameter_ignored_unless_require_parameters(client: OpenAI) -> None:
    # DeepInfra's Scout endpoint lists no `tools` in the catalogue; tool use needs an endpoint that has it.
    completion = client.chat.completions.create(model=SCOUT, messages=HELLO, extra_body={"web_search_options": {}})
    assert completion.choices[0].message.content
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model=SCOUT, messages=HELLO, extra_body={"top_a": 0.5, "provider": {"require_parameters": True}}
        )
    assert caught.value.body["message"].startswith("No endpoints found that can handle the requested parameters.")
    assert "user_id" not in caught.value.response.json()


def test_models_list_is_open_and_prices_are_strings(server) -> None:
    body = httpx.get(f"{server.url}/openrouter/api/v1/models").json()  # no key
    by_id = {m["id"]: m for m in body["data"]}
    assert by_id[MAVERICK]["pricing"]["prompt"] == "0.00000015"
    assert by_id[SCOUT]["pricing"]["completion"] == "0.0000003"
    assert by_id[f"{MAVERICK}:free"]["pricing"]["prompt"] == "0"
    assert all("mock" not in m for m in body["data"])
    sdk_models = OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="x").models.list()
    assert {m.id for m in sdk_models} >= {MAVERICK, SCOUT}


def test_endpoints_generation_key_credits(client: OpenAI, server) -> None:
    headers = {"Authorization": "Bearer sk-or-v1-0123456789abcdef0123456789"}
    endpoints = httpx.get(f"{server.url}/openrouter/api/v1/models/meta-llama/llama-4-maverick/endpoints").json()
    assert endpoints["data"]["endpoints"][0]["provider_name"] == "DeepInfra"
    # The server is shared by the session, so usage is compared before and after this test's one completion.
    used_before = httpx.get(f"{server.url}/openrouter/api/v1/credits", headers=headers).json()["data"]["total_usage"]
    completion = client.chat.completions.create(model=MAVERICK, messages=HELLO)
    cost = completion.model_dump()["usage"]["cost"]
    assert cost == pytest.approx(6 * 0.15e-6 + 41 * 0.60e-6)  # a priced model: a visible change in usage
    generation = httpx.get(
        f"{server.url}/openrouter/api/v1/generation", params={"id": completion.id}, headers=headers
    ).json()
    assert generation["data"]["id"] == completion.id and generation["data"]["tokens_completion"] == 41
    missing = httpx.get(f"{server.url}/openrouter/api/v1/generation", params={"id": "gen-0-x"}, headers=headers)
    assert missing.status_code == 404
    key = httpx.get(f"{server.url}/openrouter/api/v1/key", headers=headers).json()["data"]
    assert "0123456789abcdef0123456789" not in key["label"] and key["label"].startswith("sk-or-v1")
    credits = httpx.get(f"{server.url}/openrouter/api/v1/credits", headers=headers).json()["data"]
    assert credits["total_credits"] == 0
    assert credits["total_usage"] - used_before == pytest.approx(cost)  # the completion's cost, in USD


def test_legacy_completions(server) -> None:
    legacy = OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="k").completions.create(
        model=SCOUT, prompt="Hello"
    )
    assert legacy.object == "text_completion" and legacy.choices[0].text.startswith("Hello! How are you")


async def test_async_client_and_stream(server) -> None:
    client = AsyncOpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="sk-or-v1-test", max_retries=0)
    completion = await client.chat.completions.create(model=MAVERICK, messages=HELLO)
    assert completion.choices[0].message.content.startswith("Hello!")
    stream = await client.chat.completions.create(model=SCOUT, messages=HELLO, stream=True)
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == completion.choices[0].message.content
    await client.close()
