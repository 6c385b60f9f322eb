"""mock_bedrock: boto3 bedrock-runtime answered in-process, alone and inside moto's mock_aws()."""

import contextlib
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError
from moto import mock_aws

from mockserver.inprocess import BedrockMock, MockAssertionError, mock_bedrock
from mockserver.inprocess.botocore import ChunkedRaw

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
SCOUT = "us.meta.llama4-scout-17b-instruct-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]


def bedrock(**headers: str) -> Any:
    """A bedrock-runtime client without retries; ``headers`` are added to every request (fault injection)."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))

    def add(request: Any, **_: Any) -> None:
        for name, value in headers.items():
            request.headers[name.replace("_", "-")] = value

    client.meta.events.register_first("before-sign.bedrock-runtime.*", add)
    return client


def test_converse(bedrock_mock: BedrockMock) -> None:
    response = bedrock().converse(modelId=MAVERICK, messages=HELLO)
    assert response["output"]["message"]["content"][0]["text"]
    assert response["stopReason"] == "end_turn"
    [call] = bedrock_mock.calls
    # The path exactly as sent: the model id keeps its percent-encoded colon.
    assert call.path == "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse"
    assert (call.operation, call.model) == ("converse", MAVERICK)


def test_converse_stream_is_a_real_event_stream(bedrock_mock: BedrockMock) -> None:
    events = list(bedrock().converse_stream(modelId=SCOUT, messages=HELLO)["stream"])
    kinds = [next(iter(event)) for event in events]
    assert kinds[0] == "messageStart" and kinds[-2:] == ["messageStop", "metadata"]
    assert "contentBlockDelta" in kinds
    bedrock_mock.assert_called(model=SCOUT, operation="converse_stream", times=1)


def test_invoke_model_body_is_a_streaming_body(bedrock_mock: BedrockMock) -> None:
    response = bedrock().invoke_model(modelId=MAVERICK, body=json.dumps({"prompt": "hello", "max_gen_len": 16}))
    document = json.loads(response["body"].read())
    assert document["generation"] and document["stop_reason"] in ("stop", "length")
    assert response["contentType"] == "application/json"


def test_invoke_model_with_response_stream(bedrock_mock: BedrockMock) -> None:
    response = bedrock().invoke_model_with_response_stream(modelId=SCOUT, body=json.dumps({"prompt": "hello"}))
    chunks = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    assert "amazon-bedrock-invocationMetrics" in chunks[-1]
    assert "".join(c["generation"] for c in chunks)


def test_bedrock_errors_are_client_errors(bedrock_mock: BedrockMock) -> None:
    with pytest.raises(ClientError) as info:
        bedrock().converse(modelId="meta.llama4-maverick-17b-instruct-v1:0", messages=HELLO)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "inference profile" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        bedrock(x_mock_fault="ThrottlingException").converse(modelId=MAVERICK, messages=HELLO)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_in_stream_exception_is_an_event_stream_error(bedrock_mock: BedrockMock) -> None:
    stream = bedrock(x_mock_stream_fault="throttlingException@2").converse_stream(modelId=MAVERICK, messages=HELLO)
    received = []
    with pytest.raises(EventStreamError) as info:
        for event in stream["stream"]:
            received.append(event)
    assert len(received) == 2
    assert info.value.response["Error"]["Code"] == "throttlingException"


def test_mock_errors_raise_in_process(bedrock_mock: BedrockMock) -> None:
    with pytest.raises(MockAssertionError, match="Unknown fault"):
        bedrock(x_mock_fault="NoSuchException").converse(modelId=MAVERICK, messages=HELLO)


def test_mock_errors_as_client_errors_when_asked() -> None:
    with mock_bedrock(raise_on_mock_error=False), pytest.raises(ClientError) as info:
        bedrock(x_mock_fault="NoSuchException").converse(modelId=MAVERICK, messages=HELLO)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_inference_profile_arn_keeps_its_encoded_slash(bedrock_mock: BedrockMock) -> None:
    arn = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{MAVERICK}"
    with contextlib.suppress(ClientError):  # whether the provider accepts this ARN is not the adapter's business
        bedrock().converse(modelId=arn, messages=HELLO)
    assert bedrock_mock.calls[0].path.startswith("/bedrock/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3A"
                                                 "inference-profile%2Fus.meta")


def test_sigv4_credentials_are_masked_in_the_journal(bedrock_mock: BedrockMock) -> None:
    bedrock().converse(modelId=MAVERICK, messages=HELLO)
    authorization = bedrock_mock.calls[0].headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIA****/")
    assert "AKIAIOSFODNN7EXAMPLE" not in authorization
    assert "Signature=****" in authorization


def test_inside_moto_mock_aws_other_services_still_work() -> None:
    import moto.core.models as moto_models

    with mock_aws(), mock_bedrock() as mock:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="llama-mockkit-test")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["llama-mockkit-test"]
        # moto alone raises NotImplementedError for Converse; ours answers and moto's stub is skipped.
        assert bedrock().converse(modelId=MAVERICK, messages=HELLO)["output"]
        assert list(bedrock().converse_stream(modelId=MAVERICK, messages=HELLO)["stream"])
    assert len(mock.calls) == 2
    assert "process_request" not in vars(moto_models.botocore_stubber)  # our guard is gone after exit


def test_not_intercepted_when_inactive_or_for_other_endpoints(mockserver_url: str) -> None:
    def client() -> Any:
        return boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{mockserver_url}/bedrock")

    assert client().converse(modelId=MAVERICK, messages=HELLO)["output"]  # no mock active: the real server
    with mock_bedrock() as mock:
        assert client().converse(modelId=MAVERICK, messages=HELLO)["output"]  # custom endpoint: not ours
    assert mock.calls == []
    with mock_bedrock(endpoint_url=f"{mockserver_url}/bedrock") as mock:
        assert client().converse(modelId=MAVERICK, messages=HELLO)["output"]
    assert mock.calls[0].path == "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse"


def test_decorator() -> None:
    mock = mock_bedrock()

    @mock
    def ask() -> str:
        return str(bedrock().converse(modelId=MAVERICK, messages=HELLO)["stopReason"])

    assert ask() == "end_turn"
    mock.assert_called(operation="converse", times=1)


def test_chunked_raw_reads_across_chunks() -> None:
    raw = ChunkedRaw([b"abc", b"def", b"g"])
    assert raw.read(2) == b"ab"
    assert raw.read(3) == b"cde"
    assert list(raw.stream()) == [b"f", b"g"]
    assert raw.read() == b""
