"""The done-when test of scenarios (issue 14): one scenario file replays a five-step agent loop (two tool rounds,
one of them a parallel call) through the real openai SDK (plain and streamed, tool-call deltas assembled by the
SDK's own stream helper by their ``index``) and through boto3 Converse and ConverseStream, in order.
"""

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import openai
import pytest
from botocore.config import Config

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.inprocess.server import ServerThread

HERE = Path(__file__).parent
SYSTEM = "You are a travel agent."
MODEL = {"openrouter": "meta-llama/llama-4-maverick", "bedrock": "us.meta.llama4-maverick-17b-instruct-v1:0"}
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
TOOLS = ("get_weather", "get_time", "find_restaurant")
RESULTS = {"get_weather": '{"sky": "sunny", "temp_c": 21}', "get_time": '{"time": "14:00"}',
           "find_restaurant": '{"name": "Chez Janou"}'}  # fmt: skip
# What the loop must see, call by call: (tool calls made as (name, arguments)) or the text answered.
EXPECTED: list[Any] = [
    [("get_weather", {"city": "Paris"}), ("get_time", {"city": "Paris", "format": "24h"})],
    "It is sunny and 21 °C in Paris, and the local time is 14:00.",
    [("find_restaurant", {"city": "Paris", "cuisine": "provençal"})],
    "Try Chez Janou in the Marais.",
    "You're welcome, bon appétit!",
]
FOLLOW_UPS = {2: "Find me a restaurant for tonight.", 4: "Thanks!"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    root = tmp_path_factory.mktemp("fixtures")
    (root / "scenarios").mkdir()
    shutil.copy(HERE / "agent-loop.yaml", root / "scenarios" / "agent-loop.yaml")
    running = ServerThread(MockCore(MockConfig(fixtures_dir=root)))
    yield running
    running.stop()


@pytest.fixture
def fresh(server: ServerThread) -> ServerThread:
    httpx.post(f"{server.url}/__admin/reset", json={}).raise_for_status()
    return server


Turn = Callable[[], Any]  # one model call: a list of (id, name, arguments) tool calls, or the text


def run_loop(ask: Turn, answer_tools: Callable[[list[tuple[str, str, dict[str, Any]]]], None],
             say: Callable[[str], None]) -> list[Any]:  # fmt: skip
    """Drive the loop: five calls, answering tool calls with results and following up where the user speaks."""
    seen: list[Any] = []
    for number in range(5):
        if number in FOLLOW_UPS:
            say(FOLLOW_UPS[number])
        out = ask()
        if isinstance(out, list):
            seen.append([(name, arguments) for _, name, arguments in out])
            answer_tools(out)
        else:
            seen.append(out)
    return seen


def journal(server: ServerThread) -> list[str | None]:
    entries = httpx.get(f"{server.url}/__admin/requests").json()["requests"]
    return [e["scenario"] for e in entries]


STEPS = [f"agent-loop#{n}" for n in range(1, 6)]


# -- the openai SDK ----------------------------------------------------------------------------------------------


def openai_loop(server: ServerThread, stream: bool) -> list[Any]:
    client = openai.OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="sk-or-v1-fake0000", max_retries=0)
    tools: Any = [{"type": "function", "function": {"name": n, "parameters": SCHEMA}} for n in TOOLS]
    messages: list[Any] = [{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": "Plan my trip to Paris, please."}]  # fmt: skip

    def ask() -> Any:
        if stream:
            with client.chat.completions.stream(model=MODEL["openrouter"], messages=messages, tools=tools) as events:
                indexes = [tc.index for e in events if e.type == "chunk"
                           for tc in (e.chunk.choices[0].delta.tool_calls or [])]  # fmt: skip
                message = events.get_final_completion().choices[0].message
            calls = message.tool_calls or []
            # Each call's deltas carry its own index, 0, 1, ... in order (svelte-langgraph#264).
            assert sorted(set(indexes)) == list(range(len(calls)))
            assert indexes == sorted(indexes)
        else:
            message = client.chat.completions.create(model=MODEL["openrouter"], messages=messages, tools=tools)
            message = message.choices[0].message
            calls = message.tool_calls or []
        if not calls:
            messages.append({"role": "assistant", "content": message.content})
            return message.content
        messages.append({"role": "assistant", "content": message.content or "",
                         "tool_calls": [c.model_dump(exclude_none=True) for c in calls]})  # fmt: skip
        return [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls]

    def answer(calls: list[tuple[str, str, dict[str, Any]]]) -> None:
        messages.extend({"role": "tool", "tool_call_id": i, "content": RESULTS[name]} for i, name, _ in calls)

    return run_loop(ask, answer, lambda text: messages.append({"role": "user", "content": text}))


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_the_openai_sdk_replays_the_loop_in_order(fresh: ServerThread, stream: bool) -> None:
    assert openai_loop(fresh, stream) == EXPECTED
    assert journal(fresh) == STEPS


# -- boto3 Converse and ConverseStream ---------------------------------------------------------------------------


def converse_loop(server: ServerThread, stream: bool) -> list[Any]:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{server.url}/bedrock",
                          config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
    if stream:  # Llama 4 streams no tool use by default (catalogue: earendil-works/pi#3739); ask for the mode "on"
        client.meta.events.register("before-send.bedrock-runtime.ConverseStream", _stream_tools)
    config = {"tools": [{"toolSpec": {"name": n, "inputSchema": {"json": SCHEMA}}} for n in TOOLS]}
    messages: list[Any] = [{"role": "user", "content": [{"text": "Plan my trip to Paris, please."}]}]
    request = {"modelId": MODEL["bedrock"], "system": [{"text": SYSTEM}], "toolConfig": config}

    def ask() -> Any:
        if stream:
            blocks = assemble(client.converse_stream(messages=messages, **request)["stream"])
        else:
            blocks = client.converse(messages=messages, **request)["output"]["message"]["content"]
        messages.append({"role": "assistant", "content": blocks})
        uses = [b["toolUse"] for b in blocks if "toolUse" in b]
        if uses:
            return [(u["toolUseId"], u["name"], u["input"]) for u in uses]
        return "".join(b.get("text", "") for b in blocks)

    def answer(calls: list[tuple[str, str, dict[str, Any]]]) -> None:
        content = [{"toolResult": {"toolUseId": i, "content": [{"text": RESULTS[name]}]}} for i, name, _ in calls]
        messages.append({"role": "user", "content": content})

    return run_loop(ask, answer, lambda text: messages.append({"role": "user", "content": [{"text": text}]}))


def _stream_tools(request: Any, **_: Any) -> None:
    request.headers["x-mock-quirk"] = "bedrock.stream_mode=on"


def assemble(events: Any) -> list[dict[str, Any]]:
    """Content blocks from ConverseStream events, by ``contentBlockIndex`` (each tool call its own block)."""
    blocks: dict[int, dict[str, Any]] = {}
    for event in events:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            use = start["start"]["toolUse"]
            blocks[start["contentBlockIndex"]] = {"toolUse": {**use, "input": ""}}
        elif "contentBlockDelta" in event:
            delta = event["contentBlockDelta"]
            block = blocks.setdefault(delta["contentBlockIndex"], {"text": ""})
            if "text" in delta["delta"]:
                block["text"] += delta["delta"]["text"]
            else:
                block["toolUse"]["input"] += delta["delta"]["toolUse"]["input"]
    assert sorted(blocks) == list(range(len(blocks)))
    for block in blocks.values():
        if "toolUse" in block:
            block["toolUse"]["input"] = json.loads(block["toolUse"]["input"])
    return [blocks[i] for i in sorted(blocks)]


@pytest.mark.parametrize("stream", [False, True], ids=["converse", "converse_stream"])
def test_boto3_replays_the_loop_in_order(fresh: ServerThread, stream: bool) -> None:
    assert converse_loop(fresh, stream) == EXPECTED
    assert journal(fresh) == STEPS
