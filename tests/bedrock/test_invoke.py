"""InvokeModel and InvokeModelWithResponseStream with the Llama native body, through real boto3."""

import base64
import json
import re
from typing import Any

import httpx
import pytest
from botocore.eventstream import EventStreamBuffer
from botocore.exceptions import ClientError, EventStreamError

from tests.bedrock.conftest import MAVERICK, MODELS, SCOUT
from tests.bedrock.helpers import LLAMA3, LLAMA4, add_headers, body, error_code

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.mark.parametrize("model", MODELS)
def test_invoke_model(client: Any, model: str) -> None:
    response = client.invoke_model(modelId=model, body=body(prompt="Hello", max_gen_len=256, temperature=0.2))
    document = json.loads(response["body"].read())
    assert set(document) == {"generation", "prompt_token_count", "generation_token_count", "stop_reason"}
    assert document["generation"] and document["stop_reason"] == "stop"
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert response["contentType"] == "application/json"
    assert headers["x-amzn-bedrock-input-token-count"] == str(document["prompt_token_count"])
    assert headers["x-amzn-bedrock-output-token-count"] == str(document["generation_token_count"])
    assert int(headers["x-amzn-bedrock-invocation-latency"]) > 0
    assert UUID.match(response["ResponseMetadata"]["RequestId"])


@pytest.mark.parametrize("template", [LLAMA3, LLAMA4, "{text}"], ids=["llama3", "llama4", "plain"])
def test_prompt_template_is_parsed_for_fixture_matching(client: Any, template: str) -> None:
    prompt = template.format(text="What is the capital of France?")
    document = json.loads(client.invoke_model(modelId=SCOUT, body=body(prompt=prompt))["body"].read())
    assert document["generation"] == " The capital of France is Paris."


def test_max_gen_len_truncates_with_length(client: Any) -> None:
    response = client.invoke_model(modelId=MAVERICK, body=body(prompt="count to ten", max_gen_len=3))
    document = json.loads(response["body"].read())
    assert document["stop_reason"] == "length" and document["generation_token_count"] == 3


@pytest.mark.parametrize("model", MODELS)
def test_invoke_stream_chunks(client: Any, model: str) -> None:
    native = body(prompt=LLAMA4.format(text="count to ten"))
    whole = json.loads(client.invoke_model(modelId=model, body=native)["body"].read())
    response = client.invoke_model_with_response_stream(modelId=model, body=native)
    assert response["contentType"] == "application/json"
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    chunks = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    assert len(chunks) > 2
    assert "".join(c["generation"] for c in chunks) == whole["generation"]
    assert chunks[0]["prompt_token_count"] == whole["prompt_token_count"]
    assert all(c["prompt_token_count"] is None for c in chunks[1:])
    assert all(c["stop_reason"] is None for c in chunks[:-1]) and chunks[-1]["stop_reason"] == "stop"
    counts = [c["generation_token_count"] for c in chunks]
    assert counts == sorted(counts) and counts[-1] == whole["generation_token_count"]
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["inputTokenCount"] == whole["prompt_token_count"]
    assert metrics["outputTokenCount"] == whole["generation_token_count"]
    assert metrics["invocationLatency"] >= metrics["firstByteLatency"] > 0


def test_stream_payload_padding_is_deterministic(bedrock_url: str) -> None:
    url = f"{bedrock_url}/model/{MAVERICK.replace(':', '%3A')}/invoke-with-response-stream"
    paddings = []
    for _ in range(2):
        raw = httpx.post(url, content=body(prompt="Hello"), headers={"authorization": "Bearer ABSKtest"}).content
        buffer = EventStreamBuffer()
        buffer.add_data(raw)
        paddings.append([json.loads(message.payload)["p"] for message in buffer])
    assert paddings[0] == paddings[1]
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    assert all(p and alphabet.startswith(p) for p in paddings[0])
    assert len(set(map(len, paddings[0]))) > 1


MALFORMED = "Malformed input request: {}, please reformat your input and try again."


@pytest.mark.parametrize(("fields", "message"), [
    ({"prompt": "hi", "stop_sequences": ["x"]},
     MALFORMED.format("extraneous key [stop_sequences] is not permitted")),
    ({"prompt": "hi", "temperature": 1.5},
     MALFORMED.format("#/temperature: 1.5 is not less or equal to 1")),
    ({"prompt": "hi", "max_gen_len": 0},
     MALFORMED.format("#/max_gen_len: 0 is not greater or equal to 1")),
    ({"temperature": 0.5},
     MALFORMED.format("required key [prompt] not found")),
])
def test_invalid_native_body(client: Any, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=json.dumps(fields))
    assert error_code(info.value) == "ValidationException"
    assert info.value.response["Error"]["Message"] == message
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_openai_style_body_is_refused(client: Any) -> None:
    # The Bedrock console snippet sends messages/max_tokens; the Meta native schema has neither (BR-DOCS).
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=body(messages=[{"role": "user", "content": "hi"}], max_tokens=5))
    assert "required key [prompt] not found" in info.value.response["Error"]["Message"]
    assert "extraneous key [messages] is not permitted" in info.value.response["Error"]["Message"]


def test_malformed_json_and_content_type(client: Any) -> None:
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=b"{not json")
    assert error_code(info.value) == "ValidationException"
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=body(prompt="hi"), contentType="text/plain")
    assert error_code(info.value) == "ValidationException"


@pytest.mark.parametrize(("fault", "expected"), [("throttlingException@2", 2), ("modelStreamErrorException", 1)])
def test_mid_stream_exception(client: Any, fault: str, expected: int) -> None:
    add_headers(client, x_mock_stream_fault=fault)
    response = client.invoke_model_with_response_stream(modelId=MAVERICK, body=body(prompt="count to ten"))
    received = []
    with pytest.raises(EventStreamError) as info:
        for event in response["body"]:
            received.append(event)
    response["body"].close()
    assert len(received) == expected
    # botocore reports the frame's camelCase :exception-type as the code (BOTOCORE EventStream).
    assert error_code(info.value) == fault.split("@")[0]


def test_images_are_accepted(client: Any) -> None:
    image = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    response = client.invoke_model(modelId=MAVERICK, body=body(prompt="<|image|>Describe.", images=[image]))
    document = json.loads(response["body"].read())
    assert document["prompt_token_count"] > 100  # an image costs more than a handful of text tokens
