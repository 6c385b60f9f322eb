"""Converse and ConverseStream through real boto3, streams read by botocore's event-stream parser."""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError

from mockserver.config import DEFAULT_FIXTURES
from tests.bedrock.conftest import MAVERICK, MODELS, SCOUT, ClientFactory
from tests.bedrock.helpers import WEATHER_TOOL, add_headers, error_code, user

TOOL_USE_ID = re.compile(r"^tooluse_[A-Za-z0-9_-]{22}$")
PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-maverick-17b-instruct-v1:0"


@pytest.mark.parametrize("model", [*MODELS, PROFILE_ARN])
def test_converse_text(client: Any, model: str) -> None:
    response = client.converse(modelId=model, messages=user("Hello"), system=[{"text": "Be kind."}],
                               inferenceConfig={"maxTokens": 512, "temperature": 0.5, "topP": 0.9})
    assert response["output"]["message"]["role"] == "assistant"
    assert response["output"]["message"]["content"][0]["text"].startswith("Hello!")
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert response["metrics"]["latencyMs"] > 0


@pytest.mark.parametrize("model", MODELS)
def test_converse_stream_event_order(client: Any, model: str) -> None:
    whole = client.converse(modelId=model, messages=user("count to ten"))
    events = list(client.converse_stream(modelId=model, messages=user("count to ten"))["stream"])
    names = [next(iter(e)) for e in events]
    assert names[0] == "messageStart" and names[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert "contentBlockStart" not in names  # none for text blocks ([obs] wire-contracts §3.6)
    assert set(names[1:-3]) == {"contentBlockDelta"}
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    assert text == whole["output"]["message"]["content"][0]["text"]
    assert events[-2]["messageStop"]["stopReason"] == "end_turn"
    counters = ("inputTokens", "outputTokens", "totalTokens")
    assert events[-1]["metadata"]["usage"] == {k: whole["usage"][k] for k in counters}


def test_tool_use_then_tool_result(client: Any) -> None:
    first = client.converse(modelId=MAVERICK, messages=user("What is the weather in Paris?"), toolConfig=WEATHER_TOOL)
    assert first["stopReason"] == "tool_use"
    (block,) = first["output"]["message"]["content"]
    use = block["toolUse"]
    assert use["name"] == "get_weather" and use["input"] == {"city": "Paris"}
    assert TOOL_USE_ID.match(use["toolUseId"])
    messages = [*user("What is the weather in Paris?"), first["output"]["message"], {"role": "user", "content": [
        {"toolResult": {"toolUseId": use["toolUseId"], "content": [{"json": {"temp_c": 18}}]}}]}]
    second = client.converse(modelId=MAVERICK, messages=messages, toolConfig=WEATHER_TOOL)
    assert second["stopReason"] == "end_turn"
    assert "18 degrees" in second["output"]["message"]["content"][0]["text"]


def test_stop_sequence_and_max_tokens(client: Any) -> None:
    stopped = client.converse(modelId=SCOUT, messages=user("count to ten"), inferenceConfig={"stopSequences": ["five"]})
    assert stopped["stopReason"] == "stop_sequence"
    assert stopped["output"]["message"]["content"][0]["text"] == "One, two, three, four, "
    cut = client.converse(modelId=SCOUT, messages=user("count to ten"), inferenceConfig={"maxTokens": 2})
    assert cut["stopReason"] == "max_tokens" and cut["usage"]["outputTokens"] == 2


def test_image_and_document_blocks(client: Any) -> None:
    content = [{"text": "Describe both."}, {"image": {"format": "png", "source": {"bytes": b"\x89PNG\r\n\x1a\n"}}},
               {"document": {"format": "txt", "name": "notes", "source": {"bytes": b"hello"}}}]
    response = client.converse(modelId=MAVERICK, messages=[{"role": "user", "content": content}])
    assert response["usage"]["inputTokens"] > 100


@pytest.mark.parametrize(("config", "message"), [
    ({"temperature": 1.5}, "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to "
                           "satisfy constraint: Member must have value less than or equal to 1"),
    ({"topP": 2}, "1 validation error detected: Value '2.0' at 'inferenceConfig.topP' failed to satisfy constraint: "
                  "Member must have value less than or equal to 1"),
    ({"maxTokens": 9000}, "The maximum tokens you requested exceeds the model limit of 8192. Try again with a maximum "
                          "tokens value that is lower than 8192."),
])
def test_inference_config_validation(client: Any, config: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MAVERICK, messages=user("hi"), inferenceConfig=config)
    assert error_code(info.value) == "ValidationException"
    assert info.value.response["Error"]["Message"] == message


def test_raw_body_validation_messages(bedrock_url: str) -> None:
    import httpx

    url = f"{bedrock_url}/model/{MAVERICK.replace(':', '%3A')}/converse"
    bad = {"messages": [{"role": "system", "content": [{"text": "x"}]}], "inferenceConfig": {"maxTokens": 0}}
    response = httpx.post(url, json=bad, headers={"authorization": "Bearer ABSKtest"})
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
    message = response.json()["message"]
    assert message.startswith("2 validation errors detected: Value '0' at 'inferenceConfig.maxTokens'")
    assert "at 'messages.1.member.role' failed to satisfy constraint: Member must satisfy enum value set" in message
    assert httpx.post(url, content=b"{", headers={"authorization": "Bearer x"}).status_code == 400


def test_stream_tool_use_when_streaming_is_on(make_client: ClientFactory) -> None:
    client = make_client(config={"quirks": {"bedrock.stream_mode": "on"}})
    question = user("What is the weather in Paris?")
    events = list(client.converse_stream(modelId=SCOUT, messages=question, toolConfig=WEATHER_TOOL)["stream"])
    start = next(e["contentBlockStart"] for e in events if "contentBlockStart" in e)
    assert start["start"]["toolUse"]["name"] == "get_weather"
    assert TOOL_USE_ID.match(start["start"]["toolUse"]["toolUseId"])
    fragments = [e["contentBlockDelta"]["delta"]["toolUse"]["input"] for e in events if "contentBlockDelta" in e]
    assert json.loads("".join(fragments)) == {"city": "Paris"}
    assert events[-2]["messageStop"]["stopReason"] == "tool_use"


def test_streaming_with_tools_refused_by_default(client: Any) -> None:
    with pytest.raises(ClientError) as info:
        client.converse_stream(modelId=MAVERICK, messages=user("hi"), toolConfig=WEATHER_TOOL)
    assert error_code(info.value) == "ValidationException"
    assert info.value.response["Error"]["Message"] == "This model doesn't support tool use in streaming mode."


def test_stream_mode_off_refuses_all_streams(make_client: ClientFactory) -> None:
    client = make_client(config={"quirks": {"bedrock.stream_mode": "off"}})
    with pytest.raises(ClientError) as info:
        client.converse_stream(modelId=MAVERICK, messages=user("hi"))
    assert error_code(info.value) == "ValidationException"
    with pytest.raises(ClientError):
        client.invoke_model_with_response_stream(modelId=MAVERICK, body=json.dumps({"prompt": "hi"}))
    assert client.converse(modelId=MAVERICK, messages=user("hi"))["stopReason"] == "end_turn"


def test_converse_stream_exception_frame(client: Any) -> None:
    add_headers(client, x_mock_stream_fault="throttlingException@3")
    response = client.converse_stream(modelId=MAVERICK, messages=user("count to ten"))
    seen = []
    with pytest.raises(EventStreamError) as info:
        for event in response["stream"]:
            seen.append(event)
    response["stream"].close()
    assert len(seen) == 3 and error_code(info.value) == "throttlingException"
    assert info.value.response["Error"]["Message"] == "Too many requests, please wait before trying again."


def test_count_tokens_is_refused_for_llama(client: Any) -> None:
    # AWS documents CountTokens for Claude models only (API_runtime_CountTokens); the capability matrix
    # (fixtures/bedrock/models.json, count_tokens row) says so, in AWS's words ([obs] maximhq/bifrost#2169).
    bare = "meta.llama4-maverick-17b-instruct-v1:0"
    with pytest.raises(ClientError) as caught:
        client.count_tokens(modelId=bare, input={"converse": {"messages": user("Tell me about llamas")}})
    assert caught.value.response["Error"] == {"Code": "ValidationException",
                                              "Message": "The provided model doesn't support counting tokens."}


def test_count_tokens_where_the_matrix_allows_it(make_client: Any, tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_FIXTURES, tmp_path / "fixtures")
    catalogue = tmp_path / "fixtures" / "bedrock" / "models.json"
    document = json.loads(catalogue.read_text())
    for model in document["models"]:
        model["capabilities"]["count_tokens"]["supported"] = True
    catalogue.write_text(json.dumps(document))
    client = make_client(config={"fixtures_dir": tmp_path / "fixtures"})
    # No fixture answers this text, so usage is the generated estimate CountTokens also uses.
    converse = client.converse(modelId=MAVERICK, messages=user("Tell me about llamas"))
    bare = "meta.llama4-maverick-17b-instruct-v1:0"  # CountTokens takes a foundation-model id (BR-MODEL)
    counted = client.count_tokens(modelId=bare, input={"converse": {"messages": user("Tell me about llamas")}})
    assert counted["inputTokens"] == converse["usage"]["inputTokens"]
    native = json.dumps({"prompt": "Tell me about llamas"}).encode()
    invoked = json.loads(client.invoke_model(modelId=MAVERICK, body=native)["body"].read())
    counted = client.count_tokens(modelId=bare, input={"invokeModel": {"body": native}})
    assert counted["inputTokens"] == invoked["prompt_token_count"]
