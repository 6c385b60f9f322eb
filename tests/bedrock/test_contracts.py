"""The mock's Bedrock bytes satisfy the contract half (contracts.validate), streams included."""

import json
from typing import Any

import httpx
import pytest

from contracts.validate import failed, validate
from tests.bedrock.conftest import MAVERICK
from tests.bedrock.helpers import WEATHER_TOOL, user

AUTH = {"authorization": "Bearer ABSKtest"}


def _post(base: str, operation: str, document: Any, **headers: str) -> httpx.Response:
    url = f"{base}/model/{MAVERICK.replace(':', '%3A')}/{operation}"
    return httpx.post(url, content=json.dumps(document).encode(), headers={**AUTH, **headers})


def _ok(provider_kind: str, document: Any) -> None:
    violations = validate("bedrock", provider_kind, document)
    assert not failed(violations), violations


@pytest.mark.parametrize("question", ["Hello", "count to ten"])
def test_invoke_documents(bedrock_url: str, question: str) -> None:
    native = {"prompt": question, "temperature": 0.5, "top_p": 0.9, "max_gen_len": 64}
    _ok("invoke-request", native)
    _ok("invoke-response", _post(bedrock_url, "invoke", native).json())
    _ok("invoke-stream", _post(bedrock_url, "invoke-with-response-stream", native).content)


@pytest.mark.parametrize("tools", [False, True])
def test_converse_documents(start_server: Any, tools: bool) -> None:
    base = f"{start_server(quirks={'bedrock.stream_mode': 'on'}).url}/bedrock"
    request: dict[str, Any] = {"messages": user("What is the weather in Paris?"), "inferenceConfig": {"maxTokens": 100}}
    if tools:
        request["toolConfig"] = WEATHER_TOOL
    _ok("converse-request", request)
    _ok("converse-response", _post(base, "converse", request).json())
    _ok("converse-stream", _post(base, "converse-stream", request).content)


def test_error_documents(bedrock_url: str) -> None:
    _ok("error", _post(bedrock_url, "invoke", {"prompt": "hi", "stop": ["x"]}).json())
    fault = {"x-mock-fault": "ThrottlingException"}
    _ok("error", _post(bedrock_url, "converse", {"messages": user("hi")}, **fault).json())
