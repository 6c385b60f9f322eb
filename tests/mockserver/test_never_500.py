"""Whatever arrives, no handler fails unexpectedly: arbitrary and near-valid bodies on every operation."""

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.core import MockCore
from mockserver.http import MockRequest

SCOUT = "us.meta.llama4-scout-17b-instruct-v1%3A0"
PATHS = [
    "/openrouter/api/v1/chat/completions",
    "/openrouter/api/v1/completions",
    "/aimlapi/v1/chat/completions",
    f"/bedrock/model/{SCOUT}/converse",
    f"/bedrock/model/{SCOUT}/converse-stream",
    f"/bedrock/model/{SCOUT}/invoke",
    f"/bedrock/model/{SCOUT}/invoke-with-response-stream",
    f"/bedrock/model/{SCOUT}/count-tokens",
    "/__admin/fixtures",
]
KEYS = st.sampled_from([
    "model", "messages", "role", "content", "stream", "tools", "tool_choice", "response_format", "max_tokens",
    "temperature", "stop", "prompt", "max_gen_len", "images", "inferenceConfig", "toolConfig", "system", "type",
    "text", "image_url", "url", "function", "name", "parameters", "toolSpec", "inputSchema", "json", "toolUse",
    "toolResult", "toolUseId", "input", "image", "format", "source", "bytes", "seed", "top_p", "provider", "models",
    "match", "reply", "response", "providers", "tool_calls", "usage", "status", "headers", "times",
])  # fmt: skip
LEAVES = st.none() | st.booleans() | st.integers(-5, 100_000) | st.floats(-5, 5, allow_nan=False) | st.sampled_from(
    ["user", "assistant", "system", "tool", "text", "image_url", "function", "hi", "png", "auto", "required",
     "json_schema", "meta-llama/llama-4-scout", "openrouter", "chat_completions"]
)  # fmt: skip
BODIES = st.recursive(LEAVES, lambda c: st.lists(c, max_size=3) | st.dictionaries(KEYS, c, max_size=6), max_leaves=30)
_CORE = MockCore()


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(PATHS), body=BODIES, content_type=st.sampled_from(["application/json", "", "text/plain"]))
def test_no_unexpected_errors(path: str, body: Any, content_type: str, caplog: pytest.LogCaptureFixture) -> None:
    headers = {"authorization": "Bearer k"} | ({"content-type": content_type} if content_type else {})
    with caplog.at_level(logging.ERROR, logger="mockserver"):
        response = _CORE.handle(MockRequest.build("POST", path, headers, json.dumps(body).encode()))
    assert not caplog.records, caplog.records[0].getMessage()
    assert response.status < 500
