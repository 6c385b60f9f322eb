"""Bedrock's native error contract: model ids, faults, unknown paths, oversized bodies."""

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.bedrock.conftest import MAVERICK, ClientFactory
from tests.bedrock.helpers import add_headers, error_code, user

BEDROCK_NS = "http://internal.amazon.com/coral/com.amazon.bedrock/"


OPERATIONS = ["converse", "converse_stream", "invoke_model", "invoke_model_with_response_stream"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_bare_model_id_needs_an_inference_profile(client: Any, operation: str) -> None:
    args = {"messages": user("hi")} if "converse" in operation else {"body": json.dumps({"prompt": "hi"})}
    with pytest.raises(ClientError) as info:
        getattr(client, operation)(modelId="meta.llama4-scout-17b-instruct-v1:0", **args)
    assert error_code(info.value) == "ValidationException"
    assert info.value.response["Error"]["Message"] == (
        "Invocation of model ID meta.llama4-scout-17b-instruct-v1:0 with on-demand throughput isn\u2019t supported. "
        "Retry your request with the ID or ARN of an inference profile that contains this model.")


@pytest.mark.parametrize(("model", "start"), [
    ("us.meta.llama4-behemoth-17b-instruct-v1:0", "The provided model identifier is invalid."),
    # Maverick has a US geo profile only (seed 004).
    ("eu.meta.llama4-maverick-17b-instruct-v1:0", "The provided model identifier is invalid."),
    ("not a model id!", "1 validation error detected: Value 'not a model id!' at 'modelId' failed to satisfy "
                        "constraint: Member must satisfy regular expression pattern: (arn:aws"),
])
def test_unknown_and_malformed_model_ids(client: Any, model: str, start: str) -> None:
    with pytest.raises(ClientError) as info:
        client.converse(modelId=model, messages=user("hi"))
    assert error_code(info.value) == "ValidationException"
    assert info.value.response["Error"]["Message"].startswith(start)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(("name", "status"), [
    ("ThrottlingException", 429), ("AccessDeniedException", 403), ("ResourceNotFoundException", 404),
    ("ModelTimeoutException", 408), ("ModelErrorException", 424), ("InternalServerException", 500),
    ("ServiceUnavailableException", 503), ("ValidationException", 400),
])
def test_fault_header(client: Any, name: str, status: int) -> None:
    add_headers(client, x_mock_fault=name)
    with pytest.raises(ClientError) as info:
        client.converse(modelId=MAVERICK, messages=user("hi"))
    response = info.value.response
    assert error_code(info.value) == name and response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["Error"]["Message"]
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amzn-errortype"] == f"{name}:{BEDROCK_NS}"
    assert headers["content-type"] == "application/json" and response["ResponseMetadata"]["RequestId"]


def test_error_wire_shape(bedrock_url: str) -> None:
    response = httpx.post(f"{bedrock_url}/model/us.meta.llama4-nothing-v1%3A0/converse",
                          json={"messages": user("hi")}, headers={"authorization": "Bearer ABSKtest"})
    assert response.status_code == 400
    assert response.json() == {"message": "The provided model identifier is invalid."}  # no __type ([obs] §3.8)
    assert response.headers["x-amzn-errortype"] == f"ValidationException:{BEDROCK_NS}"


def test_unknown_path_and_method(bedrock_url: str) -> None:
    auth = {"authorization": "Bearer ABSKtest"}
    for response in (httpx.post(f"{bedrock_url}/model/{MAVERICK}/summon", headers=auth, content=b"{}"),
                     httpx.get(f"{bedrock_url}/model/{MAVERICK}/converse", headers=auth)):
        assert response.status_code == 404
        assert response.headers["x-amzn-errortype"].startswith("UnknownOperationException:")
        assert "message" in response.json()


def test_body_too_large(make_client: ClientFactory) -> None:
    client = make_client(config={"max_body_bytes": 1000})
    with pytest.raises(ClientError) as info:
        client.invoke_model(modelId=MAVERICK, body=json.dumps({"prompt": "x" * 2000}))
    assert error_code(info.value) == "ValidationException"


def test_unknown_fault_name_is_the_mocks_own_error(bedrock_url: str) -> None:
    response = httpx.post(f"{bedrock_url}/model/{MAVERICK}/converse", json={"messages": user("hi")},
                          headers={"authorization": "Bearer x", "x-mock-fault": "NopeException"})
    assert response.status_code == 400 and response.headers["x-mock-error"] == "true"


def test_root_provider_serves_upstream_paths(start_server: Any) -> None:
    import boto3
    from botocore.config import Config

    server = start_server(root_provider="bedrock")
    client = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url,
                          config=Config(retries={"max_attempts": 1}))
    try:
        assert client.converse(modelId=MAVERICK, messages=user("hi"))["stopReason"] == "end_turn"
    finally:
        client.close()
