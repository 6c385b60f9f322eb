"""OpenRouter's Responses API (issue 13 part 1) through the real openai SDK, only the base URL changed.

Sources: OR-SPEC createResponses and StreamEvents (openapi.yaml 2026-08-22), OR-DOCS api_reference/responses/,
and OpenRouter /responses traffic of 2026-08-24 ([obs] bgrins/agent-sdk-behavior codex wire.md captures).
"""

import json
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from contracts import validate
from mockserver.inprocess import mock_openrouter

MAVERICK = "meta-llama/llama-4-maverick"
HELLO = "Hello! How are you today? Is there something I can help you with or would you like to chat?"
WEATHER = {"type": "function", "name": "get_weather", "description": "Weather in a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                          "required": ["city"]}}  # fmt: skip


def base(server: Any) -> str:
    return f"{server.url}/openrouter/api/v1"


def errors(kind: str, document: object) -> list[Any]:
    return [v for v in validate.validate("openrouter", kind, document) if v.severity == "error"]


@pytest.fixture
def client(server: Any) -> OpenAI:
    return OpenAI(base_url=base(server), api_key="sk-or-v1-test", max_retries=0)


def test_plain_text_renders_the_fixture_reply_with_usage_and_cost(client: OpenAI) -> None:
    raw = client.responses.with_raw_response.create(model=MAVERICK, input="Hello")
    response = raw.parse()
    assert response.output_text == HELLO  # fixtures/conversations/hello.json, in the Responses vocabulary
    assert response.status == "completed" and response.id.startswith("gen-")
    assert response.usage is not None and (response.usage.input_tokens, response.usage.output_tokens) == (6, 41)
    body = json.loads(raw.content)
    assert errors("responses-response", body) == []
    # The same cost as on /chat/completions: the catalogue's per-token prices (OR-DOCS usage-accounting.mdx).
    assert body["usage"]["cost"] == pytest.approx(6 * 0.15e-6 + 41 * 0.60e-6)
    assert body["output"][0]["id"].startswith("msg_tmp_") and raw.headers["x-generation-id"] == body["id"]


def test_instructions_and_input_items_with_an_image(client: OpenAI) -> None:
    response = client.responses.create(
        model=MAVERICK,
        instructions="Be brief.",
        input=[{"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Hello"},
            {"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "auto"}]}],
    )  # fmt: skip
    assert response.status == "completed" and response.output_text
    assert response.instructions == "Be brief."  # the request's settings are echoed


def test_function_call_then_its_output_as_input_items(client: OpenAI) -> None:
    first = client.responses.create(model=MAVERICK, input="What is the weather in Paris?", tools=[WEATHER])
    call = first.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris"} and call.call_id == "call_weather_paris_0001"
    second = client.responses.create(model=MAVERICK, tools=[WEATHER], input=[
        {"role": "user", "content": "What is the weather in Paris?"},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": '{"temp_c": 18, "sky": "sunny"}'},
    ])  # fmt: skip
    assert second.output_text == "It is 18 degrees Celsius and sunny in Paris right now."


def test_text_format_json_schema_answers_json_of_that_schema(client: OpenAI) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
              "required": ["city", "days"], "additionalProperties": False}  # fmt: skip
    response = client.responses.create(model=MAVERICK, input="Plan a trip.",
                                       text={"format": {"type": "json_schema", "name": "trip", "schema": schema}})
    answer = json.loads(response.output_text)
    assert set(answer) == {"city", "days"} and isinstance(answer["days"], int)


def test_streaming_text_is_the_documented_event_sequence(client: OpenAI) -> None:
    events = list(client.responses.create(model=MAVERICK, input="Hello", stream=True))
    kinds = [e.type for e in events]
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert kinds == ["response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", *["response.output_text.delta"] * len(deltas),
                     "response.output_text.done", "response.content_part.done", "response.output_item.done",
                     "response.completed"]  # fmt: skip
    assert len(deltas) > 1 and "".join(deltas) == HELLO
    assert [e.sequence_number for e in events] == list(range(len(events)))
    final = events[-1].response
    assert final.output_text == HELLO and final.usage is not None and final.usage.output_tokens == 41


def test_streaming_a_tool_call_sends_argument_deltas(client: OpenAI) -> None:
    events = list(client.responses.create(model=MAVERICK, input="What is the weather in Paris?", tools=[WEATHER],
                                          stream=True))  # fmt: skip
    kinds = [e.type for e in events]
    assert "response.output_text.delta" not in kinds  # only a tool is called: no message item
    pieces = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert len(pieces) > 1 and "".join(pieces) == done.arguments and json.loads(done.arguments) == {"city": "Paris"}
    assert kinds[-1] == "response.completed" and events[-1].response.output[0].type == "function_call"


def test_raw_stream_keeps_the_contract_and_ends_with_done(server: Any) -> None:
    response = httpx.post(f"{base(server)}/responses", headers={"Authorization": "Bearer sk-or-v1-test"},
                          json={"model": MAVERICK, "input": "What is the weather in Paris?", "tools": [WEATHER],
                                "stream": True})  # fmt: skip
    assert response.headers["content-type"].startswith("text/event-stream")
    assert errors("responses-stream", response.text) == []
    assert response.text.startswith(": \n\n") and response.text.endswith("data: [DONE]\n\n")


@pytest.mark.parametrize("stateful", [{"store": True}, {"previous_response_id": "resp_abc123"}])
def test_stateful_requests_are_the_documented_400(client: OpenAI, stateful: dict[str, Any]) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=MAVERICK, input="Hi", **stateful)
    body = caught.value.response.json()
    assert body["error"]["code"] == 400 and body["error"]["metadata"]["error_type"] == "invalid_request"
    assert "stateless" in body["error"]["message"] and errors("error", body) == []


def test_mid_stream_failure_is_a_response_failed_event(client: OpenAI) -> None:
    events = list(client.responses.create(model=MAVERICK, input="Hello", stream=True,
                                          extra_headers={"x-mock-stream-fault": "2"}))  # fmt: skip
    assert [e.type for e in events].count("response.output_text.delta") == 2
    failed = events[-1]
    assert failed.type == "response.failed" and failed.response.status == "failed"
    assert failed.response.error is not None and failed.response.error.code == "server_error"


def test_openrouter_errors_keep_their_envelope(client: OpenAI, server: Any) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="meta-llama/llama-9", input="Hi")
    assert caught.value.response.json()["error"]["availability"]["code"] == "model_not_found"
    anonymous = httpx.post(f"{base(server)}/responses", json={"model": MAVERICK, "input": "Hi"})
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == 401


def test_upstream_path_under_provider_openrouter(start_server: Any) -> None:
    root = start_server(root_provider="openrouter")
    client = OpenAI(base_url=f"{root.url}/api/v1", api_key="sk-or-v1-test", max_retries=0)
    assert client.responses.create(model=MAVERICK, input="Hello").output_text == HELLO


def test_in_process_mock_answers_at_openrouters_own_base_url() -> None:
    with mock_openrouter():
        client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test", max_retries=0)
        assert client.responses.create(model=MAVERICK, input="Hello").output_text == HELLO


def test_a_reasoning_model_streams_its_reasoning_item_before_the_message(client: OpenAI) -> None:
    """MAI DS R1 always reasons (seed 003): a reasoning item, its reasoning_text deltas, then the message."""
    events = list(client.responses.create(model="microsoft/mai-ds-r1:free", input="Is 91 prime?", stream=True))
    kinds = [e.type for e in events]
    assert kinds.index("response.reasoning_text.delta") < kinds.index("response.output_text.delta")
    final = events[-1].response  # type: ignore[union-attr]
    assert [item.type for item in final.output] == ["reasoning", "message"]
    assert final.usage is not None and final.usage.output_tokens_details.reasoning_tokens > 0
    plain = client.responses.create(model=MAVERICK, input="Is 91 prime?")  # Llama 4 does not reason
    assert [item.type for item in plain.output] == ["message"]
