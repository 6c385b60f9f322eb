"""OpenRouter's Anthropic Messages door (issue 13 part 2) through the real anthropic SDK, only the base URL changed.

The SDK appends ``/v1/messages`` to its base URL, so OpenRouter's documented base is ``https://openrouter.ai/api``
and the mock's is ``<server>/openrouter/api``. Sources: OR-SPEC createMessages, MessagesStreamEvents and
AnthropicMessagesErrorResponse (openapi.yaml 2026-08-22); [obs] bgrins/agent-sdk-behavior claude wire.md captures.
"""

import json
from typing import Any

import anthropic
import httpx
import pytest

from contracts import validate
from mockserver.inprocess import mock_openrouter

MAVERICK = "meta-llama/llama-4-maverick"
HELLO = "Hello! How are you today? Is there something I can help you with or would you like to chat?"
WEATHER = {"name": "get_weather", "description": "Weather in a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                            "required": ["city"]}}  # fmt: skip
PARIS = [{"role": "user", "content": "What is the weather in Paris?"}]


def errors(kind: str, document: object) -> list[Any]:
    return [v for v in validate.validate("openrouter", kind, document) if v.severity == "error"]


@pytest.fixture
def client(server: Any) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{server.url}/openrouter/api", api_key="sk-or-v1-test", max_retries=0)


def test_plain_message_renders_the_fixture_reply(client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.create(model=MAVERICK, max_tokens=256,
                                                   messages=[{"role": "user", "content": "Hello"}])  # fmt: skip
    message = raw.parse()
    assert message.content[0].type == "text" and message.content[0].text == HELLO
    assert message.stop_reason == "end_turn" and (message.usage.input_tokens, message.usage.output_tokens) == (6, 41)
    body = json.loads(raw.content)
    assert errors("messages-response", body) == [] and body["id"].startswith("gen-")
    assert body["usage"]["cost"] == pytest.approx(6 * 0.15e-6 + 41 * 0.60e-6)  # OpenRouter's cost rides along
    assert raw.http_request.url.path == "/openrouter/api/v1/messages"
    assert raw.http_request.headers["x-api-key"] == "sk-or-v1-test"  # the SDK's key header is accepted


def test_system_as_blocks_and_an_image_block(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MAVERICK, max_tokens=256, system=[{"type": "text", "text": "Be brief."}],
        messages=[{"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}}]}],
    )  # fmt: skip
    assert message.content[0].type == "text" and message.content[0].text


def test_tool_use_then_tool_result(client: anthropic.Anthropic) -> None:
    first = client.messages.create(model=MAVERICK, max_tokens=256, messages=PARIS, tools=[WEATHER])
    assert first.stop_reason == "tool_use"
    call = first.content[0]
    assert call.type == "tool_use" and call.name == "get_weather" and call.input == {"city": "Paris"}
    second = client.messages.create(model=MAVERICK, max_tokens=256, tools=[WEATHER], messages=[
        *PARIS,
        {"role": "assistant", "content": [{"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18 C, sunny"}]},
    ])  # fmt: skip
    assert second.content[0].type == "text"
    assert second.content[0].text == "It is 18 degrees Celsius and sunny in Paris right now."


def test_stream_helper_collects_text_and_final_usage(client: anthropic.Anthropic) -> None:
    with client.messages.stream(model=MAVERICK, max_tokens=256, messages=[{"role": "user", "content": "Hello"}]) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text == HELLO and final.stop_reason == "end_turn" and final.usage.output_tokens == 41


def test_streamed_tool_use_is_the_anthropic_event_sequence(client: anthropic.Anthropic) -> None:
    events = list(client.messages.create(model=MAVERICK, max_tokens=256, messages=PARIS, tools=[WEATHER],
                                         stream=True))  # fmt: skip
    kinds = [e.type for e in events]
    pieces = [e.delta.partial_json for e in events if e.type == "content_block_delta"]
    assert kinds == ["message_start", "content_block_start", *["content_block_delta"] * len(pieces),
                     "content_block_stop", "message_delta", "message_stop"]  # fmt: skip
    assert len(pieces) > 1 and json.loads("".join(pieces)) == {"city": "Paris"}
    assert events[-2].delta.stop_reason == "tool_use"
    with client.messages.stream(model=MAVERICK, max_tokens=256, messages=PARIS, tools=[WEATHER]) as s:
        assert s.get_final_message().content[0].input == {"city": "Paris"}


def test_raw_stream_keeps_the_contract(server: Any) -> None:
    response = httpx.post(f"{server.url}/openrouter/api/v1/messages", headers={"x-api-key": "sk-or-v1-test"},
                          json={"model": MAVERICK, "max_tokens": 64, "messages": PARIS, "tools": [WEATHER],
                                "stream": True})  # fmt: skip
    assert errors("messages-stream", response.text) == []
    assert response.text.startswith("event: message_start\n") and response.text.endswith("data: [DONE]\n\n")


def test_errors_are_anthropic_envelopes_with_openrouter_words(client: anthropic.Anthropic, server: Any) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MAVERICK, max_tokens=64, temperature=3, messages=PARIS)
    body = caught.value.body
    assert isinstance(body, dict) and body["type"] == "error" and body["request_id"] is None
    assert body["error"]["type"] == "invalid_request_error" and body["error"]["error_type"] == "invalid_request"
    assert errors("messages-error", body) == []
    anonymous = httpx.post(f"{server.url}/openrouter/api/v1/messages", json={"model": MAVERICK, "messages": PARIS})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["type"] == "authentication_error"


def test_max_tokens_is_optional_as_the_spec_says_unless_the_quirk_requires_it(server: Any) -> None:
    url, key = f"{server.url}/openrouter/api/v1/messages", {"x-api-key": "sk-or-v1-test"}
    assert httpx.post(url, headers=key, json={"model": MAVERICK, "messages": PARIS}).status_code == 200
    strict = httpx.post(url, headers=key | {"x-mock-quirk": "openrouter.messages_max_tokens=required"},
                        json={"model": MAVERICK, "messages": PARIS})  # fmt: skip
    assert strict.status_code == 400 and strict.json()["error"]["message"] == "max_tokens: Field required"


def test_mid_stream_failure_is_an_error_event_the_sdk_raises(client: anthropic.Anthropic) -> None:
    stream = client.messages.create(model=MAVERICK, max_tokens=256, messages=[{"role": "user", "content": "Hello"}],
                                    stream=True, extra_headers={"x-mock-stream-fault": "2"})  # fmt: skip
    seen: list[str] = []
    with pytest.raises(anthropic.APIStatusError, match="Provider returned error"):
        seen.extend(event.type for event in stream)
    assert seen.count("content_block_delta") == 2


@pytest.mark.parametrize(("fault", "error", "kind"), [("429", anthropic.RateLimitError, "rate_limit_error"),
                                                      ("529", anthropic.OverloadedError, "overloaded_error")])
def test_faults_reach_the_sdk_as_its_own_error_classes(client: anthropic.Anthropic, fault: str, error: type,
                                                       kind: str) -> None:  # fmt: skip
    with pytest.raises(error) as caught:
        client.messages.create(model=MAVERICK, max_tokens=64, messages=PARIS, extra_headers={"x-mock-fault": fault})
    body = caught.value.body
    assert body["error"]["type"] == kind and body["request_id"].startswith("gen-")  # OR-SPEC 429/529 examples
    assert errors("messages-error", body) == []


def test_in_process_mock_answers_the_sdk_at_openrouters_own_base_url() -> None:
    with mock_openrouter():
        client = anthropic.Anthropic(base_url="https://openrouter.ai/api", api_key="sk-or-v1-test", max_retries=0)
        message = client.messages.create(model=MAVERICK, max_tokens=64, messages=[{"role": "user", "content": "Hello"}])
    assert message.content[0].type == "text" and message.content[0].text == HELLO


def test_thinking_blocks_come_first_from_a_reasoning_model(client: anthropic.Anthropic) -> None:
    """Nemotron Ultra reasons with "detailed thinking on" in the system prompt (model card, seed 003); the
    ``thinking`` budget (OR-SPEC MessagesRequest.thinking) reads as reasoning.max_tokens."""
    nemotron = "nvidia/llama-3.1-nemotron-ultra-253b-v1:free"
    ask = [{"role": "user", "content": "Is 91 prime?"}]
    with client.messages.stream(model=nemotron, max_tokens=512, system="detailed thinking on", messages=ask,
                                thinking={"type": "enabled", "budget_tokens": 64}) as stream:  # fmt: skip
        kinds = [(e.type, getattr(getattr(e, "content_block", None), "type", None)) for e in stream]
        final = stream.get_final_message()
    assert kinds.index(("content_block_start", "thinking")) < kinds.index(("content_block_start", "text"))
    assert [block.type for block in final.content] == ["thinking", "text"]
    quiet = client.messages.create(model=nemotron, max_tokens=512, messages=ask)  # no switch: no reasoning
    assert [block.type for block in quiet.content] == ["text"]
