"""The capability matrix: catalogue data with a source per cell, enforced by the engine for every provider.

Through real clients (boto3, the openai SDK) against the in-process mocks; the wording is each provider's own.
"""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import openai
import pytest
from botocore.exceptions import ClientError

from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.core import MockCore, capability_rows
from mockserver.inprocess import mock_aimlapi, mock_bedrock, mock_openrouter

MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]
TOOLS = {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object"}}}}]}


def _converse(**fields: Any) -> Any:
    with mock_bedrock():
        return boto3.client("bedrock-runtime", region_name="us-east-1").converse(
            modelId=MAVERICK, messages=HELLO, **fields
        )


def _refusal(**fields: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as caught:
        _converse(**fields)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return dict(caught.value.response["Error"])


@pytest.mark.parametrize("kind", ["any", "tool"])
def test_llama_refuses_a_forced_tool_choice(kind: str) -> None:
    choice = {"any": {}} if kind == "any" else {"tool": {"name": "get_weather"}}
    error = _refusal(toolConfig=TOOLS | {"toolChoice": choice})
    # [obs] run-llama/llama_index#19886 (any), strands-agents/sdk-python#1241 (tool)
    assert error == {"Code": "ValidationException", "Message": f"This model doesn't support the "
                     f"toolConfig.toolChoice.{kind} field. Remove toolConfig.toolChoice.{kind} and try again."}


def test_auto_tool_choice_is_answered() -> None:
    assert _converse(toolConfig=TOOLS | {"toolChoice": {"auto": {}}})["stopReason"] in ("tool_use", "end_turn")


@pytest.mark.parametrize(
    ("fields", "member"),
    [({"serviceTier": {"type": "priority"}}, "serviceTier"), ({"serviceTier": {"type": "flex"}}, "serviceTier"),
     ({"performanceConfig": {"latency": "optimized"}}, "performanceConfig")],
)  # fmt: skip
def test_unsupported_tiers_and_latency_are_refused(fields: dict[str, Any], member: str) -> None:
    assert member in _refusal(**fields)["Message"]


@pytest.mark.parametrize("fields", [{"serviceTier": {"type": "default"}},
                                    {"performanceConfig": {"latency": "standard"}}])  # fmt: skip
def test_supported_tier_and_latency_are_answered(fields: dict[str, Any]) -> None:
    assert _converse(**fields)["stopReason"] == "end_turn"


def _edited(tmp_path: Path, provider: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    shutil.copytree(DEFAULT_FIXTURES, tmp_path / "fixtures")
    path = tmp_path / "fixtures" / provider / "models.json"
    document = json.loads(path.read_text())
    for entry in document["data" if provider != "bedrock" else "models"]:
        edit(entry)
    path.write_text(json.dumps(document))
    return tmp_path / "fixtures"


def test_the_streaming_rows_set_bedrocks_stream_mode(tmp_path: Path) -> None:
    def allow(entry: dict[str, Any]) -> None:
        entry["capabilities"]["streaming_tools"]["supported"] = True

    stream = {"modelId": MAVERICK, "messages": HELLO, "toolConfig": TOOLS}
    with mock_bedrock(), pytest.raises(ClientError) as caught:
        boto3.client("bedrock-runtime", region_name="us-east-1").converse_stream(**stream)
    assert caught.value.response["Error"]["Message"] == "This model doesn't support tool use in streaming mode."
    with mock_bedrock(core=MockCore(MockConfig(fixtures_dir=_edited(tmp_path, "bedrock", allow)))):
        events = list(boto3.client("bedrock-runtime", region_name="us-east-1").converse_stream(**stream)["stream"])
    assert "messageStop" in events[-2]


def test_openrouter_routes_on_the_matrix(tmp_path: Path) -> None:
    def text_only(entry: dict[str, Any]) -> None:
        entry["architecture"]["input_modalities"] = ["text"]

    picture = {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}
    image = [{"role": "user", "content": [{"type": "text", "text": "what is this?"}, picture]}]
    with mock_openrouter(core=MockCore(MockConfig(fixtures_dir=_edited(tmp_path, "openrouter", text_only)))):
        client = openai.OpenAI(base_url="https://openrouter.ai/api/v1", api_key="k", max_retries=0)
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model="meta-llama/llama-4-maverick", messages=image)  # type: ignore[arg-type]
        assert caught.value.body == {"message": "No endpoints found that support image input", "code": 404,
                                     "metadata": {"error_type": "not_found"}}  # fmt: skip
        text = client.chat.completions.create(model="meta-llama/llama-4-maverick",
                                              messages=[{"role": "user", "content": "hi"}])  # fmt: skip
    assert text.choices[0].message.content


def test_aimlapi_refuses_tools_for_a_model_without_functions(tmp_path: Path) -> None:
    def no_functions(entry: dict[str, Any]) -> None:
        entry["capabilities"] = [c for c in entry["capabilities"] if c != "tools"]

    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    with mock_aimlapi(core=MockCore(MockConfig(fixtures_dir=_edited(tmp_path, "aimlapi", no_functions)))):
        client = openai.OpenAI(base_url="https://api.aimlapi.com/v1", api_key="k", max_retries=0)
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model="meta-llama/llama-4-maverick",
                                           messages=[{"role": "user", "content": "hi"}], tools=tools)  # type: ignore[arg-type]
    assert caught.value.body["statusCode"] == 400 and "tools" in caught.value.body["message"]


def test_every_cell_has_a_source_and_the_cli_prints_them() -> None:
    rows = capability_rows(MockCore())
    assert {provider for provider, *_ in rows} == {"openrouter", "aimlapi", "bedrock"}
    assert all(source for *_, source in rows)
    shown = subprocess.run([sys.executable, "-m", "mockserver", "capabilities"], capture_output=True, text=True,
                           timeout=60, check=True).stdout  # fmt: skip
    assert "tool_choice.any" in shown and "llama_index#19886" in shown and "supported_parameters" in shown


def test_an_unknown_feature_in_a_catalogue_is_refused_at_load(tmp_path: Path) -> None:
    def typo(entry: dict[str, Any]) -> None:
        entry["capabilities"]["tool_chioce.any"] = {"supported": False, "source": "typo"}

    with pytest.raises(ValueError, match=r"tool_chioce\.any"):
        MockCore(MockConfig(fixtures_dir=_edited(tmp_path, "bedrock", typo)))
