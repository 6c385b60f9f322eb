"""The engine's promises, the same on every provider: limits, the x-mock-* policy, stream faults, quotas.

Each test goes through real clients (openai SDK, boto3) against the in-process mocks, or through
``MockCore.handle`` where only the mock's own errors are in question.
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import openai
import pytest
from botocore.exceptions import ClientError

from contracts import grammar
from contracts.checks import Severity
from contracts.registry import stream_exceptions
from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest
from mockserver.inprocess import mock_aimlapi, mock_bedrock, mock_openrouter

MAVERICK_OR = "meta-llama/llama-4-maverick"
MAVERICK_BR = "us.meta.llama4-maverick-17b-instruct-v1:0"
KEY = {"authorization": "Bearer test-key-0000", "content-type": "application/json"}
# ~1.5M tokens by the mock's own count (one token per " x"): over Maverick's 1,048,576 (OpenRouter, AI/ML API)
# and 1,000,000 (Bedrock) context windows.
HUGE = " x" * 1_500_000


def _openai(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="test-key-0000", max_retries=0)


def _bedrock() -> Any:
    return boto3.client("bedrock-runtime", region_name="us-east-1")


# -- one context/output check, enforced for every provider from the typed catalogue ------------------------------


def test_openrouter_refuses_a_prompt_over_the_context_window() -> None:
    with mock_openrouter():
        client = _openai("https://openrouter.ai/api/v1")
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model=MAVERICK_OR, messages=[{"role": "user", "content": HUGE}])
    assert "maximum context length is 1048576 tokens" in caught.value.message


def test_aimlapi_refuses_a_prompt_over_the_context_window() -> None:
    with mock_aimlapi():
        client = _openai("https://api.aimlapi.com/v1")
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model=MAVERICK_OR, messages=[{"role": "user", "content": HUGE}])
    assert caught.value.body["message"].startswith("This model's maximum context length is 1048576 tokens")


def test_bedrock_converse_refuses_a_prompt_over_the_context_window() -> None:
    # Was a 200 before the redesign: Bedrock never read context_window.
    with mock_bedrock(), pytest.raises(ClientError) as caught:
        _bedrock().converse(modelId=MAVERICK_BR, messages=[{"role": "user", "content": [{"text": HUGE}]}])
    assert caught.value.response["Error"] == {"Code": "ValidationException",
                                              "Message": "Input is too long for requested model."}  # fmt: skip
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_bedrock_invoke_refuses_a_prompt_over_the_context_window() -> None:
    with mock_bedrock(), pytest.raises(ClientError) as caught:
        _bedrock().invoke_model(modelId=MAVERICK_BR, body=json.dumps({"prompt": HUGE}))
    assert caught.value.response["Error"]["Message"] == "Input is too long for requested model."


def test_bedrock_max_tokens_over_the_output_limit_keeps_its_wording() -> None:
    with mock_bedrock(), pytest.raises(ClientError) as caught:
        _bedrock().converse(modelId=MAVERICK_BR, messages=[{"role": "user", "content": [{"text": "hi"}]}],
                            inferenceConfig={"maxTokens": 9000})  # fmt: skip
    assert "exceeds the model limit of 8192" in caught.value.response["Error"]["Message"]


# -- one parser and one policy for the x-mock-* headers ---------------------------------------------------------

CHAT = {"model": MAVERICK_OR, "messages": [{"role": "user", "content": "hi"}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}
REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "openrouter": ("/openrouter/api/v1/chat/completions", CHAT),
    "aimlapi": ("/aimlapi/v1/chat/completions", CHAT),
    "bedrock": ("/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse", CONVERSE),
}


def _send(core: MockCore, provider: str, **headers: str) -> tuple[int, dict[str, str], Any]:
    path, body = REQUESTS[provider]
    response = core.handle(MockRequest.build("POST", path, KEY | headers, json.dumps(body).encode()))
    return response.status, response.headers, json.loads(response.content())


@pytest.mark.parametrize("provider", list(REQUESTS))
@pytest.mark.parametrize(
    ("header", "value", "title"),
    [
        ("x-mock-fault", "NoSuchFault", "Unknown fault"),
        ("x-mock-fault", "418", "Unknown fault"),
        ("x-mock-stream-fault", "nope@x", "Unknown stream fault"),
        ("x-mock-quirk", "no-equals-sign", "Bad quirk header"),
        ("x-mock-quirk", "openrouter.usage_chunk=1999", "Bad quirk value"),
        ("x-mock-pace", "fast", "Bad pace"),
    ],
)
def test_an_unknown_or_malformed_mock_header_is_the_mocks_own_400(
    provider: str, header: str, value: str, title: str
) -> None:
    status, headers, problem = _send(MockCore(), provider, **{header: value})
    assert status == 400
    assert headers["x-mock-error"] == "true" and headers["x-should-retry"] == "false"
    assert problem["title"] == title and problem["mock"] is True
    assert problem["fix"]  # names the accepted values


@pytest.mark.parametrize(("provider", "fault", "status"),
                         [("openrouter", "429", 429), ("aimlapi", "403", 403), ("bedrock", "ThrottlingException", 429)])
def test_a_known_fault_is_the_providers_own_error(provider: str, fault: str, status: int) -> None:
    code, headers, _ = _send(MockCore(), provider, **{"x-mock-fault": fault})
    assert code == status and "x-mock-error" not in headers


def test_the_unknown_fault_message_names_the_providers_faults() -> None:
    _, _, problem = _send(MockCore(), "openrouter", **{"x-mock-fault": "ThrottlingException"})
    assert "402" in problem["fix"] and "503" in problem["fix"]
    _, _, problem = _send(MockCore(), "bedrock", **{"x-mock-fault": "429"})
    assert "ThrottlingException" in problem["fix"]


# -- stream faults: the names of each stream's own exception members (contracts.registry) ------------------------


def test_converse_stream_refuses_an_exception_it_does_not_have() -> None:
    # BR-MODEL ConverseStreamOutput has no modelTimeoutException; before the redesign the mock sent one
    # and its own `contracts validate` rejected the stream.
    path = "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse-stream"
    headers = KEY | {"x-mock-stream-fault": "modelTimeoutException"}
    response = MockCore().handle(MockRequest.build("POST", path, headers, json.dumps(CONVERSE).encode()))
    assert response.status == 400 and response.headers["x-mock-error"] == "true"
    assert "throttlingException" in json.loads(response.body)["fix"]


STREAMS: list[tuple[str, str, Callable[[bytes], list[Any]], dict[str, Any]]] = [
    ("invoke_model_with_response_stream", "invoke-with-response-stream", grammar.invoke_stream, {"prompt": "hi"}),
    ("converse_stream", "converse-stream", grammar.converse_stream, CONVERSE),
]


@pytest.mark.parametrize(
    ("operation", "suffix", "check", "body", "fault"),
    [(op, sfx, check, body, fault) for op, sfx, check, body in STREAMS for fault in stream_exceptions("bedrock", op)],
)
def test_every_accepted_stream_fault_gives_a_stream_the_contracts_accept(
    operation: str, suffix: str, check: Callable[[bytes], list[Any]], body: dict[str, Any], fault: str
) -> None:
    path = f"/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/{suffix}"
    headers = KEY | {"x-mock-stream-fault": f"{fault}@2"}
    response = MockCore().handle(MockRequest.build("POST", path, headers, json.dumps(body).encode()))
    assert response.status == 200
    raw = response.content()
    assert fault.encode() in raw
    # The grammar reports a known in-stream exception as information, an unknown member as an error.
    found = check(raw)
    assert [(v.check, v.severity) for v in found] == [("eventstream.exception", Severity.INFO)]
    assert fault in found[0].message


def test_openrouter_stream_fault_by_index_or_name() -> None:
    body = json.dumps(CHAT | {"stream": True}).encode()
    for value in ("1", "error@1"):
        headers = KEY | {"x-mock-stream-fault": value}
        raw = MockCore().handle(MockRequest.build("POST", REQUESTS["openrouter"][0], headers, body)).content()
        assert b'"finish_reason":"error"' in raw
        # The error chunk ends the stream and carries the usage of what was streamed, as real traffic does.
        assert grammar.chat_stream("openrouter", raw) == []


# -- quotas: the engine admits every operation that names a model ---------------------------------------------------


def _one_per_minute(tmp_path: Path) -> Path:
    shutil.copytree(DEFAULT_FIXTURES, tmp_path / "fixtures")
    rule = [{"name": "requests-per-minute", "unit": "requests", "window": "minute", "limit": 1}]
    for provider, key in (("openrouter", "data"), ("aimlapi", "data"), ("bedrock", "models")):
        path = tmp_path / "fixtures" / provider / "models.json"
        document = json.loads(path.read_text())
        for entry in document[key]:
            entry.get("mock", entry)["rate_limits"] = rule
            if "count_tokens" in entry.get("capabilities", {}):  # refused for Llama by the matrix otherwise
                entry["capabilities"]["count_tokens"]["supported"] = True
        path.write_text(json.dumps(document))
    return tmp_path / "fixtures"


MODEL_OPERATIONS = [
    ("POST", "/openrouter/api/v1/chat/completions", CHAT, 429),
    ("POST", "/openrouter/api/v1/completions", {"model": MAVERICK_OR, "prompt": "hi"}, 429),
    ("POST", "/aimlapi/v1/chat/completions", CHAT, 429),
    ("POST", "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/invoke", {"prompt": "hi"}, 429),
    ("POST", "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/invoke-with-response-stream",
     {"prompt": "hi"}, 429),
    ("POST", "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse", CONVERSE, 429),
    ("POST", "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse-stream", CONVERSE, 429),
    ("POST", "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/count-tokens",
     {"input": {"converse": CONVERSE}}, 429),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "throttled"), MODEL_OPERATIONS)
def test_every_operation_with_a_model_is_throttled_by_its_quota(
    tmp_path: Path, method: str, path: str, body: dict[str, Any], throttled: int
) -> None:
    core = MockCore(MockConfig(fixtures_dir=_one_per_minute(tmp_path), rate_limits=True))
    request = MockRequest.build(method, path, KEY, json.dumps(body).encode())
    assert core.handle(request).status == 200
    second = core.handle(request)
    assert second.status == throttled and "x-mock-error" not in second.headers
