"""The same requests give the same bytes over HTTP (uvicorn), in-process through httpx/httpx2, and through botocore.

Compared after normalising only what legitimately differs per request: OpenRouter generation ids
(``gen-…``, body and ``x-generation-id``), AI/ML API completion ids, ``created`` timestamps,
``x-amzn-requestid``, and the headers a real server adds (``date``, ``server``, ``transfer-encoding``).
Everything else, ``content-length`` and every stream frame's bytes included, must be identical.
"""

import json
import re
from collections.abc import Iterable
from typing import Any

import boto3
import httpx
import httpx2
import pytest

from mockserver.inprocess import mock_aimlapi, mock_bedrock, mock_openrouter
from mockserver.inprocess.botocore import BedrockMock

MESSAGES = [{"role": "user", "content": "What is Llama 4?"}]
CHAT = [
    ("openrouter", "https://openrouter.ai/api/v1", "/openrouter/api/v1", "meta-llama/llama-4-maverick"),
    ("aimlapi", "https://api.aimlapi.com/v1", "/aimlapi/v1", "meta-llama/llama-4-scout"),
]
MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
CONVERSE = [{"role": "user", "content": [{"text": "What is Llama 4?"}]}]
BEDROCK = [
    ("converse", {"modelId": MAVERICK, "messages": CONVERSE}),
    ("converse_stream", {"modelId": MAVERICK, "messages": CONVERSE}),
    ("invoke_model", {"modelId": MAVERICK, "body": json.dumps({"prompt": "What is Llama 4?", "max_gen_len": 32})}),
    ("invoke_model_with_response_stream", {"modelId": MAVERICK, "body": json.dumps({"prompt": "What is Llama 4?"})}),
]
SERVER_ONLY_HEADERS = {"date", "server", "transfer-encoding", "x-amzn-requestid"}
VOLATILE = [
    (re.compile(rb"gen-\d+-[A-Za-z0-9]+"), b"gen-ID"),
    (re.compile(rb'"created":\d+'), b'"created":0'),
    (re.compile(rb'"id":"[A-Za-z0-9]{7}-[A-Za-z0-9]{6}-[0-9a-f]{16}"'), b'"id":"AIML-ID"'),  # AI/ML API ids
]


def normalise(body: bytes) -> bytes:
    for pattern, replacement in VOLATILE:
        body = pattern.sub(replacement, body)
    return body


def wire(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> tuple[int, list[tuple[str, bytes]], bytes]:
    kept = sorted((k.lower(), normalise(v.encode())) for k, v in headers if k.lower() not in SERVER_ONLY_HEADERS)
    return status, kept, normalise(body)


def through(client: Any, url: str, body: dict[str, Any]) -> tuple[int, list[tuple[str, bytes]], bytes]:
    with client, client.stream("POST", url, json=body, headers={"authorization": "Bearer sk-or-v1-test"}) as response:
        raw = b"".join(response.iter_raw())
        return wire(response.status_code, response.headers.multi_items(), raw)


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize(("provider", "upstream", "mount", "model"), CHAT, ids=[c[0] for c in CHAT])
def test_openai_compatible_providers(mockserver_url: str, provider: str, upstream: str, mount: str, model: str,
                                     stream: bool) -> None:
    body = {"model": model, "messages": MESSAGES, "stream": stream}
    over_http = through(httpx.Client(), f"{mockserver_url}{mount}/chat/completions", body)
    mock = (mock_openrouter if provider == "openrouter" else mock_aimlapi)()
    with mock:
        via_httpx = through(httpx.Client(), f"{upstream}/chat/completions", body)
        via_httpx2 = through(httpx2.Client(), f"{upstream}/chat/completions", body)
    assert over_http[0] == 200
    assert via_httpx == over_http
    assert via_httpx2 == over_http


def test_provider_errors(mockserver_url: str) -> None:
    body = {"model": "meta-llama/llama-4-maverick", "messages": MESSAGES, "temperature": 9}
    over_http = through(httpx.Client(), f"{mockserver_url}/openrouter/api/v1/chat/completions", body)
    with mock_openrouter():
        in_process = through(httpx2.Client(), "https://openrouter.ai/api/v1/chat/completions", body)
    assert over_http[0] == 400
    assert in_process == over_http


@pytest.mark.mockserver(strict=True)
def test_mock_errors_when_not_raised(mockserver_url: str) -> None:
    body = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "zebra?"}]}
    over_http = through(httpx.Client(), f"{mockserver_url}/openrouter/api/v1/chat/completions", body)
    with mock_openrouter(strict=True, raise_on_mock_error=False):
        in_process = through(httpx2.Client(), "https://openrouter.ai/api/v1/chat/completions", body)
    assert over_http[0] == 404
    assert in_process == over_http


class Recorder:
    """Keep each prepared request botocore is about to send (runs before the mock's handler)."""

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def __call__(self, request: Any, **_: Any) -> None:
        self.requests.append(request)


def bedrock_client(endpoint_url: str | None = None) -> Any:
    return boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=endpoint_url)


def parsed(operation: str, response: dict[str, Any]) -> Any:
    """The parsed result, streams drained, without ResponseMetadata (request id, server headers)."""
    response.pop("ResponseMetadata")
    for key in ("stream", "body"):
        if key in response:
            value = response[key]
            response[key] = value.read() if hasattr(value, "read") else list(value)
    return response


@pytest.mark.parametrize(("operation", "kwargs"), BEDROCK, ids=[b[0] for b in BEDROCK])
def test_bedrock(mockserver_url: str, operation: str, kwargs: dict[str, Any]) -> None:
    recorder = Recorder()
    with mock_bedrock() as mock:
        client = bedrock_client()
        client.meta.events.register("before-send.bedrock-runtime.*", recorder)
        in_process = parsed(operation, getattr(client, operation)(**kwargs))
        [request] = recorder.requests
        # Raw bytes: the adapter's AWSResponse for this very signed request vs the server's answer to it.
        adapter = BedrockMock.respond(mock, request)
    raw_in_process = wire(adapter.status_code, adapter.headers.items(), b"".join(adapter.raw.stream()))
    path = request.url.split("amazonaws.com", 1)[1]
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    answer = httpx.post(f"{mockserver_url}/bedrock{path}", headers=headers, content=request.body)
    assert wire(answer.status_code, answer.headers.multi_items(), answer.content) == raw_in_process
    assert answer.status_code == 200
    # Parsed by botocore: in-process vs the same call through the server.
    over_http = parsed(operation, getattr(bedrock_client(f"{mockserver_url}/bedrock"), operation)(**kwargs))
    assert in_process == over_http
