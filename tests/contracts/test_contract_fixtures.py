"""Every file under fixtures/ is checked against the contract, one test per fixture.

Catalogues are validated as the listing they are served as; recorded responses byte for byte; reply
fixtures are rendered by the mock for each provider they apply to (a strict core, so the fixture itself
must answer) and the rendered response is validated. Known gaps are named skips, never deletions.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from contracts.validate import validate
from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest

FIXTURES = sorted(p for p in DEFAULT_FIXTURES.rglob("*.json"))
MODELS = {"openrouter": "meta-llama/llama-4-scout", "aimlapi": "meta-llama/llama-4-scout",
          "bedrock": "us.meta.llama4-scout-17b-instruct-v1:0"}  # fmt: skip
HEADERS = {"authorization": "Bearer fixture-test-key", "content-type": "application/json"}


def errors(provider: str, kind: str, document: Any) -> list[str]:
    return [f"{v.path}: {v.message}" for v in validate(provider, kind, document) if v.severity == "error"]


def openai_messages(match: dict[str, Any], tool: str | None) -> list[dict[str, Any]]:
    text = str(match.get("user_message") or match.get("user_message_contains") or "hello")
    messages: list[dict[str, Any]] = [{"role": "user", "content": text}]
    if match.get("tool_result"):
        call = {"id": "call_1", "type": "function", "function": {"name": tool or "get_weather", "arguments": "{}"}}
        messages += [{"role": "assistant", "content": "", "tool_calls": [call]},
                     {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 18}'}]  # fmt: skip
    return messages


def converse_messages(match: dict[str, Any], tool: str | None) -> list[dict[str, Any]]:
    text = str(match.get("user_message") or match.get("user_message_contains") or "hello")
    messages: list[dict[str, Any]] = [{"role": "user", "content": [{"text": text}]}]
    if match.get("tool_result"):
        use = {"toolUse": {"toolUseId": "tooluse_1", "name": tool or "get_weather", "input": {}}}
        result = {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": {"temp_c": 18}}]}}
        messages += [{"role": "assistant", "content": [use]}, {"role": "user", "content": [result]}]
    return messages


def request_for(provider: str, operation: str, document: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """A request that this fixture (and only its matchers) must answer, the path, and the response kind."""
    match = document["match"]
    calls = (document.get("reply") or {}).get("tool_calls", [])
    tool = (
        calls[0]["name"] if calls else ("get_weather" if match.get("has_tools") or match.get("tool_result") else None)
    )
    stream = bool(match.get("stream"))
    if provider == "bedrock" and operation == "invoke_model":
        prompt = str(match.get("user_message") or match.get("user_message_contains") or "hello")
        body = {"prompt": f"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{prompt}<|eot_id|>"}
        suffix = "invoke-with-response-stream" if stream else "invoke"
        return (
            f"/bedrock/model/{MODELS[provider].replace(':', '%3A')}/{suffix}",
            body,
            "invoke-stream" if stream else "invoke-response",
        )
    if provider == "bedrock":
        body = {"messages": converse_messages(match, tool)}
        if match.get("has_tools") or match.get("tool_result"):
            spec = {"toolSpec": {"name": tool, "inputSchema": {"json": {"type": "object"}}}}
            body["toolConfig"] = {"tools": [spec]}
        suffix = "converse-stream" if stream else "converse"
        return (
            f"/bedrock/model/{MODELS[provider].replace(':', '%3A')}/{suffix}",
            body,
            "converse-stream" if stream else "converse-response",
        )
    body = {"model": match.get("model", MODELS[provider]), "messages": openai_messages(match, tool), "stream": stream}
    body.update(match.get("body", {}))
    if match.get("has_tools") or match.get("tool_result"):
        body["tools"] = [{"type": "function", "function": {"name": tool, "parameters": {"type": "object"}}}]
    mount = "/openrouter/api/v1" if provider == "openrouter" else "/aimlapi/v1"
    return f"{mount}/chat/completions", body, "chat-stream" if stream else "chat-response"


def check_catalogue(provider: str, document: dict[str, Any]) -> None:
    if provider == "bedrock":
        pytest.skip("the Bedrock catalogue is the mock's own data: no bedrock-runtime operation lists models")
    served = {k: v for k, v in document.items() if k not in ("provenance", "description")}
    served["data"] = [{k: v for k, v in entry.items() if k != "mock"} for entry in served["data"]]
    assert errors(provider, "models", served) == []


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(DEFAULT_FIXTURES)) for p in FIXTURES])
def test_fixture_honours_the_contract(path: Path) -> None:
    relative = path.relative_to(DEFAULT_FIXTURES)
    document = json.loads(path.read_text(encoding="utf-8"))
    if len(relative.parts) == 2 and relative.name == "models.json":
        check_catalogue(relative.parts[0], document)
        return
    shared = relative.parts[0] == "conversations"
    targets = [("openrouter", "chat_completions"), ("aimlapi", "chat_completions"), ("bedrock", "converse")]
    if not shared:
        targets = [(relative.parts[0], relative.parts[1])]
    core = MockCore(MockConfig(strict=True))
    for provider, operation in targets:
        if provider not in document["match"].get("providers", [provider]):
            continue
        request_path, body, kind = request_for(provider, operation, document)
        response = core.handle(MockRequest.build("POST", request_path, HEADERS, json.dumps(body).encode()))
        assert response.status == 200, (provider, response.content()[:300])
        assert core.journal.entries()[-1].fixture == str(relative), f"{provider}: another fixture answered"
        content = response.content()
        assert errors(provider, kind, content if kind.endswith("stream") else json.loads(content)) == [], provider
