"""Docs-vs-traffic switches: each choice is served and still honours the provider's contract."""

import json

import pytest

from contracts import validate
from mockserver.cli import main
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.http import MockRequest

CHAT = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}


def call(core: MockCore, path: str, body: dict | None = None, method: str = "POST", quirk: str | None = None):
    headers = {"authorization": "Bearer test-key-0000", "content-type": "application/json"}
    if quirk:
        headers["x-mock-quirk"] = quirk
    return core.handle(MockRequest.build(method, path, headers, json.dumps(body).encode() if body else b""))


def errors(provider: str, kind: str, document: object) -> list:
    return [v for v in validate.validate(provider, kind, document) if v.severity == "error"]


@pytest.mark.parametrize("style", ["2026", "2025", "docs"])
def test_openrouter_usage_chunk_styles(style: str) -> None:
    core = MockCore(MockConfig(quirks={"openrouter.usage_chunk": style}))
    raw = call(core, "/openrouter/api/v1/chat/completions", CHAT | {"stream": True}).content()
    assert errors("openrouter", "chat-stream", raw) == []
    usage_chunk = json.loads([line for line in raw.decode().split("\n") if line.startswith("data: {")][-1][6:])
    choices = usage_chunk["choices"]
    expected = {"2026": ["stop"], "2025": [None], "docs": []}[style]
    assert [c["finish_reason"] for c in choices] == expected
    assert usage_chunk["usage"]["total_tokens"] == 47


def test_header_overrides_configuration_per_request() -> None:
    core = MockCore(MockConfig(quirks={"openrouter.credits": "docs"}))
    assert call(core, "/openrouter/api/v1/credits", method="GET").status == 403
    assert call(core, "/openrouter/api/v1/credits", method="GET", quirk="openrouter.credits=observed").status == 200
    bad = call(core, "/openrouter/api/v1/credits", method="GET", quirk="openrouter.nope=1")
    assert bad.status == 400 and bad.headers["x-should-retry"] == "false"


def test_aimlapi_envelopes_and_done() -> None:
    core = MockCore()
    old = json.loads(call(core, "/aimlapi/v1/chat/completions", CHAT).body)
    new = json.loads(call(core, "/aimlapi/v1/chat/completions", CHAT, quirk="aimlapi.envelope=2026").body)
    assert old["model"] == "meta-llama/Llama-4-Scout-17B-16E-Instruct" and "meta" not in old
    assert new["id"].startswith("gen-") and new["model"] == "meta-llama/llama-4-scout"
    assert new["meta"]["usage"]["usd_spent"] == pytest.approx((6 * 0.08 + 41 * 0.30) / 1e6)
    assert errors("aimlapi", "chat-response", old) == [] and errors("aimlapi", "chat-response", new) == []
    stream = call(core, "/aimlapi/v1/chat/completions", CHAT | {"stream": True}, quirk="aimlapi.done=off").content()
    assert b"[DONE]" not in stream and b'"choices":[]' in stream


def test_bad_configuration_is_the_mocks_error() -> None:
    with pytest.raises(MockError, match="Bad quirk value"):
        MockCore(MockConfig(quirks={"bedrock.stream_mode": "sometimes"}))


def test_quirks_command_lists_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quirks"]) == 0
    out = capsys.readouterr().out
    assert "openrouter.usage_chunk = 2026 | 2025 | docs  (default 2026)" in out
    assert "bedrock.stream_mode" in out


def test_aimlapi_problem_json_errors() -> None:
    core = MockCore(MockConfig(quirks={"aimlapi.errors": "problem-2026"}))
    missing_key = core.handle(MockRequest.build("POST", "/aimlapi/v1/chat/completions", {}, json.dumps(CHAT).encode()))
    body = json.loads(missing_key.body)
    assert missing_key.status == 401 and missing_key.headers["content-type"].startswith("application/problem+json")
    assert body["title"] == "Unauthorized" and body["status"] == 401 and body["instance"] == "/v1/chat/completions"
    assert body["error"]["name"] == "UnauthorizedException"
    documented = call(MockCore(), "/aimlapi/v1/chat/completions", CHAT | {"top_p": 0})
    assert set(json.loads(documented.body)) == {"requestId", "statusCode", "timestamp", "path", "message"}
