"""Scenarios beyond the happy loop: a strict miss explains itself, free steps, error steps, the admin API, the
journal field, every provider's vocabulary (AI/ML API chat, Bedrock InvokeModel), and bad scenario files."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import openai
import pytest
from botocore.config import Config

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.inprocess.server import ServerThread

KEY = "sk-fake-key-0000"
LOOP = {
    "name": "two-step",
    "steps": [
        {"name": "ask", "match": {"turn": 1, "user_message": "Weather?"},
         "reply": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo"}}]}},
        {"name": "answer", "match": {"tool_result": {"name": "get_weather", "content_contains": "snow"}},
         "reply": {"content": "Snow in Oslo."}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    running = ServerThread(MockCore(MockConfig(fixtures_dir=tmp_path_factory.mktemp("empty"))))
    yield running
    running.stop()


@pytest.fixture
def mock(server: ServerThread) -> ServerThread:
    httpx.post(f"{server.url}/__admin/reset", json={}).raise_for_status()
    return server


def add(server: ServerThread, document: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.url}/__admin/scenarios", json=document)


def chat(server: ServerThread, messages: list[Any], mount: str = "/openrouter/api/v1", **extra: Any) -> httpx.Response:
    body = {"model": "meta-llama/llama-4-scout", "messages": messages, **extra}
    return httpx.post(f"{server.url}{mount}/chat/completions", json=body, headers={"authorization": f"Bearer {KEY}"})


def test_a_call_that_is_not_the_next_step_is_the_mocks_404_naming_the_step_and_matcher(mock: ServerThread) -> None:
    assert add(mock, LOOP).status_code == 201
    response = chat(mock, [{"role": "user", "content": "Something else"}])
    assert response.status_code == 404
    assert response.headers["x-should-retry"] == "false"
    problem = response.json()
    assert problem["title"] == "No scenario step matched"
    [miss] = problem["scenarios"]
    assert miss["scenario"] == "two-step" and miss["expected"] == "step 1 (ask)"
    assert miss["failed"] == ["user_message: last user message is 'Something else', step wants exactly 'Weather?'"]
    # The step is still expected: the right call now answers, and the state moves on.
    assert chat(mock, [{"role": "user", "content": "Weather?"}]).json()["choices"][0]["finish_reason"] == "tool_calls"
    state = httpx.get(f"{mock.url}/__admin/scenarios").json()["scenarios"]
    assert state == [{"name": "two-step", "mode": "strict", "steps": 2, "next": "step 2 (answer)",
                      "answered": [1, 0], "runtime": True}]  # fmt: skip


def test_steps_answer_in_order_and_a_finished_scenario_says_so(mock: ServerThread) -> None:
    add(mock, LOOP)
    first = chat(mock, [{"role": "user", "content": "Weather?"}]).json()["choices"][0]["message"]
    [call] = first["tool_calls"]
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Oslo"}'}
    conversation = [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "", "tool_calls": [call]},
                    {"role": "tool", "tool_call_id": call["id"], "content": "heavy snow"}]  # fmt: skip
    wrong = chat(mock, [*conversation[:2], {"role": "tool", "tool_call_id": call["id"], "content": "sun"}])
    assert wrong.status_code == 404
    assert "tool_result: the last tool results are [get_weather: 'sun']" in wrong.json()["scenarios"][0]["failed"][0]
    assert chat(mock, conversation).json()["choices"][0]["message"]["content"] == "Snow in Oslo."
    done = chat(mock, conversation)
    assert done.status_code == 404
    assert done.json()["scenarios"][0]["failed"] == ["all 2 steps were answered"]
    entries = httpx.get(f"{mock.url}/__admin/requests").json()["requests"]
    assert [e["scenario"] for e in entries] == [None, None, "two-step#1", None, "two-step#2", None][-len(entries):]


def test_a_scenarios_own_reset_and_the_admin_reset(mock: ServerThread) -> None:
    add(mock, LOOP)
    chat(mock, [{"role": "user", "content": "Weather?"}])
    assert httpx.post(f"{mock.url}/__admin/scenarios/two-step/reset", json={}).json()["scenario"] == "two-step"
    assert chat(mock, [{"role": "user", "content": "Weather?"}]).status_code == 200  # step 1 again
    assert httpx.post(f"{mock.url}/__admin/scenarios/nope/reset", json={}).status_code == 404
    httpx.post(f"{mock.url}/__admin/reset", json={})  # run-time scenarios are dropped, as run-time fixtures
    assert httpx.get(f"{mock.url}/__admin/scenarios").json()["scenarios"] == []
    assert chat(mock, [{"role": "user", "content": "Something else"}]).status_code == 200  # generated again


def test_free_steps_answer_in_any_order_and_a_miss_goes_on_to_the_fixtures(mock: ServerThread) -> None:
    add(mock, {"name": "faq", "mode": "free", "match": {"provider": "aimlapi"}, "steps": [
        {"match": {"user_message_contains": "price"}, "reply": {"content": "Ten euros."}},
        {"match": {"user_message_contains": "price", "system_contains": "VIP"}, "reply": {"content": "Free."}},
        {"match": {"user_message_contains": "hours"}, "reply": {"content": "Nine to five."}},
    ]})  # fmt: skip
    say = lambda *m: chat(mock, list(m), "/aimlapi/v1").json()["choices"][0]["message"]["content"]  # noqa: E731
    assert say({"role": "user", "content": "Opening hours?"}) == "Nine to five."
    assert say({"role": "user", "content": "The price?"}) == "Ten euros."
    assert say({"role": "system", "content": "A VIP"}, {"role": "user", "content": "The price?"}) == "Free."
    assert say({"role": "user", "content": "Unrelated"}) not in ("Ten euros.", "Free.", "Nine to five.")
    # The scenario claims only AI/ML API calls: OpenRouter's go to the fixtures (here: generated).
    other = chat(mock, [{"role": "user", "content": "The price?"}]).json()["choices"][0]["message"]["content"]
    assert other != "Ten euros."
    assert [s["answered"] for s in httpx.get(f"{mock.url}/__admin/scenarios").json()["scenarios"]] == [[1, 1, 1]]


def test_an_error_step_is_the_providers_own_error_then_the_next_step_answers(mock: ServerThread) -> None:
    add(mock, {"name": "flaky", "steps": [
        {"match": {"turn": 1}, "error": {"kind": "throttled", "status": 429, "message": "Slow down"}},
        {"match": {"turn": 1}, "reply": {"content": "Back again."}},
    ]})  # fmt: skip
    client = openai.OpenAI(base_url=f"{mock.url}/openrouter/api/v1", api_key=KEY, max_retries=0)
    hello: Any = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="meta-llama/llama-4-scout", messages=hello)
    assert caught.value.body["message"] == "Slow down"  # type: ignore[index]
    reply = client.chat.completions.create(model="meta-llama/llama-4-scout", messages=hello)
    assert reply.choices[0].message.content == "Back again."
    entries = httpx.get(f"{mock.url}/__admin/requests").json()["requests"]
    assert [(e["status"], e["scenario"]) for e in entries[-2:]] == [(429, "flaky#1"), (200, "flaky#2")]


def test_bedrock_renders_steps_in_its_own_vocabulary_converse_and_invoke_model(mock: ServerThread) -> None:
    add(mock, {"name": "bedrock", "match": {"provider": "bedrock"}, "steps": [
        {"match": {"model": "maverick"}, "error": {"kind": "throttled"}},
        {"match": {"user_message": "Capital of Norway?"}, "reply": {"content": "Oslo."}},
    ]})  # fmt: skip
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{mock.url}/bedrock",
                          config=Config(retries={"total_max_attempts": 1}))  # fmt: skip
    model = "us.meta.llama4-maverick-17b-instruct-v1:0"
    with pytest.raises(client.exceptions.ThrottlingException):
        client.converse(modelId=model, messages=[{"role": "user", "content": [{"text": "Capital of Norway?"}]}])
    prompt = "<|begin_of_text|><|header_start|>user<|header_end|>\n\nCapital of Norway?<|eot|>"
    answer = client.invoke_model(modelId=model, body=json.dumps({"prompt": prompt}))
    assert json.loads(answer["body"].read())["generation"] == "Oslo."


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"steps": []}, "steps: [] should be non-empty"),
        ({"steps": [{"match": {"turns": 2}, "reply": {}}]}, "Additional properties are not allowed ('turns'"),
        ({"steps": [{"reply": {}, "error": {"kind": "throttled"}}]}, "steps/0"),
        ({"steps": [{"error": {"kind": "sleepy"}}]}, "'sleepy' is not one of"),
        ({"mode": "random", "steps": [{"reply": {}}]}, "'random' is not one of"),
    ],
)
def test_a_bad_scenario_is_the_mocks_400_naming_the_rule(mock: ServerThread, document: Any, words: str) -> None:
    response = add(mock, document)
    assert response.status_code == 400
    assert response.json()["title"] == "Bad scenario"
    assert words in response.json()["detail"]


def test_scenario_files_load_from_the_fixtures_folder_as_json_or_yaml(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "a.json").write_text(json.dumps(LOOP | {"name": "a"}))
    (tmp_path / "scenarios" / "b.yml").write_text("steps:\n  - reply: {content: B}\n")
    assert [s["name"] for s in MockCore(MockConfig(fixtures_dir=tmp_path)).fixtures.scenarios.states()] == [
        "a", "b"]  # fmt: skip
    (tmp_path / "scenarios" / "c.yaml").write_text("steps: [reply: {content: x}\n")
    with pytest.raises(MockError, match=r"scenarios/c.yaml: not valid YAML"):
        MockCore(MockConfig(fixtures_dir=tmp_path))
    (tmp_path / "scenarios" / "c.yaml").write_text("name: a\nsteps: [{reply: {content: x}}]\n")
    with pytest.raises(MockError, match=r"scenario name\(s\) \['a'\] given twice"):
        MockCore(MockConfig(fixtures_dir=tmp_path))


def test_the_in_process_mock_takes_a_scenario_too(tmp_path: Path) -> None:
    from mockserver.inprocess import MockAssertionError, mock_aimlapi

    with mock_aimlapi(core=MockCore(MockConfig(fixtures_dir=tmp_path))) as mock:
        mock.add_scenario({"steps": [{"match": {"user_message": "ping"}, "reply": {"content": "pong"}}]})
        client = openai.OpenAI(base_url="https://api.aimlapi.com/v1", api_key=KEY, max_retries=0)
        hello: Any = [{"role": "user", "content": "ping"}]
        reply = client.chat.completions.create(model="meta-llama/llama-4-scout", messages=hello)
        assert reply.choices[0].message.content == "pong"
        with pytest.raises(MockAssertionError, match="Bad scenario"):
            mock.add_scenario({"steps": "none"})


def test_parallel_calls_to_the_same_tool_stream_with_their_own_index(mock: ServerThread) -> None:
    # Same-name parallel calls collapse onto index 0 in some servers (NousResearch/hermes-agent#12930).
    files = [{"name": "read_file", "arguments": {"path": p}} for p in ("a.txt", "b.txt", "c.txt")]
    add(mock, {"steps": [{"reply": {"tool_calls": files}}]})
    client = openai.OpenAI(base_url=f"{mock.url}/openrouter/api/v1", api_key=KEY, max_retries=0)
    tools: Any = [{"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}}]
    hello: Any = [{"role": "user", "content": "Read three files."}]
    with client.chat.completions.stream(model="meta-llama/llama-4-scout", messages=hello, tools=tools) as events:
        calls = events.get_final_completion().choices[0].message.tool_calls or []
    assert [json.loads(c.function.arguments)["path"] for c in calls] == ["a.txt", "b.txt", "c.txt"]
    assert len({c.id for c in calls}) == 3


def test_the_schema_is_valid_and_the_readme_example_follows_it() -> None:
    import re

    import yaml
    from jsonschema import Draft202012Validator

    from mockserver.behaviour.scenarios import SCHEMA, parse_scenario

    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text()))
    readme = (Path(__file__).parents[2] / "fixtures" / "README.md").read_text()
    [example] = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    scenario = parse_scenario(yaml.safe_load(example), "readme")
    assert (scenario.name, scenario.mode, len(scenario.steps)) == ("agent-loop", "strict", 3)
    assert scenario.steps[2].error == {"kind": "throttled", "status": 429, "message": "Slow down"}


def test_openrouter_responses_and_messages_doors_render_the_same_steps(mock: ServerThread) -> None:
    """A scenario answers OpenRouter's Responses API and Messages door in their own vocabularies (tool calls and
    text), through the openai and anthropic SDKs."""
    import anthropic
    from openai import OpenAI

    weather = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    add(mock, {"name": "doors", "steps": [
        {"match": {"user_message": "Weather in Oslo?"},
         "reply": {"tool_calls": [{"id": "call_w", "name": "get_weather", "arguments": {"city": "Oslo"}}]}},
        {"match": {"tool_result": {"name": "get_weather"}}, "reply": {"content": "Cold and clear in Oslo."}},
    ]})  # fmt: skip
    client = OpenAI(base_url=f"{mock.url}/openrouter/api/v1", api_key=KEY, max_retries=0)
    tool = {"type": "function", "name": "get_weather", "description": "Weather", "parameters": weather}
    scout = "meta-llama/llama-4-scout"
    first = client.responses.create(model=scout, input="Weather in Oslo?", tools=[tool])  # type: ignore[list-item]
    call = next(item for item in first.output if item.type == "function_call")
    assert (call.name, json.loads(call.arguments)) == ("get_weather", {"city": "Oslo"})
    second = client.responses.create(model=scout, tools=[tool], input=[  # type: ignore[list-item]
        {"role": "user", "content": "Weather in Oslo?"},
        {"type": "function_call", "call_id": call.call_id, "name": "get_weather", "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "-5 °C, clear"}])  # fmt: skip
    assert second.output_text == "Cold and clear in Oslo."
    client.close()

    httpx.post(f"{mock.url}/__admin/scenarios/doors/reset", json={}).raise_for_status()
    claude = anthropic.Anthropic(base_url=f"{mock.url}/openrouter/api", api_key=KEY, max_retries=0)
    tools = [{"name": "get_weather", "description": "Weather", "input_schema": weather}]
    asked = [{"role": "user", "content": "Weather in Oslo?"}]
    used = claude.messages.create(model=scout, max_tokens=128, tools=tools, messages=asked)  # type: ignore[arg-type]
    block = next(b for b in used.content if b.type == "tool_use")
    assert (used.stop_reason, block.name, block.input) == ("tool_use", "get_weather", {"city": "Oslo"})
    answered = claude.messages.create(model=scout, max_tokens=128, tools=tools, messages=[  # type: ignore[arg-type]
        *asked, {"role": "assistant", "content": [b.model_dump() for b in used.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block.id, "content": "-5"}]}])  # fmt: skip
    assert answered.content[0].type == "text" and answered.content[0].text == "Cold and clear in Oslo."
    claude.close()
    journal = httpx.get(f"{mock.url}/__admin/requests").json()["requests"]
    assert [e["scenario"] for e in journal[-4:]] == ["doors#1", "doors#2"] * 2
