"""Core behaviour without a socket: strict mode, root paths, the journal, bad fixtures, the CLI."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli import build_parser, config_from_args
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.http import MockRequest

HEADERS = {"authorization": "Bearer sk-or-v1-FAKE0000test0000key0", "content-type": "application/json"}


def post(core: MockCore, path: str, body: dict, headers: dict | None = None):
    return core.handle(MockRequest.build("POST", path, headers or HEADERS, json.dumps(body).encode()))


def test_strict_mode_names_closest_fixtures() -> None:
    core = MockCore(MockConfig(strict=True))
    response = post(
        core,
        "/openrouter/api/v1/chat/completions",
        {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Helo"}]},
    )
    assert response.status == 404
    assert response.headers["x-should-retry"] == "false"
    problem = json.loads(response.body)
    assert problem["title"] == "No fixture matched" and problem["mock"] is True
    closest = problem["closest"]
    assert closest[0]["fixture"] == "conversations/hello.json"
    assert "user_message" in closest[0]["failed"][0]
    assert "fixtures/openrouter/chat_completions/" in problem["fix"]
    matched = post(
        core,
        "/openrouter/api/v1/chat/completions",
        {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]},
    )
    assert matched.status == 200


def test_root_provider_serves_upstream_paths() -> None:
    core = MockCore(MockConfig(root_provider="openrouter"))
    body = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}
    assert post(core, "/api/v1/chat/completions", body).status == 200
    assert post(core, "/openrouter/api/v1/chat/completions", body).status == 200
    aiml = MockCore(MockConfig(root_provider="aimlapi"))
    assert post(aiml, "/v1/chat/completions", body).status == 200


def test_unknown_root_provider_is_a_config_error() -> None:
    with pytest.raises(MockError, match="unknown provider"):
        MockCore(MockConfig(root_provider="nobody"))


def test_journal_masks_keys_and_is_bounded() -> None:
    core = MockCore(MockConfig(journal_size=3))
    for _ in range(5):
        post(
            core,
            "/openrouter/api/v1/chat/completions",
            {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]},
        )
    entries = core.journal.entries()
    assert len(entries) == 3
    assert entries[-1].model == "meta-llama/llama-4-scout" and entries[-1].fixture == "conversations/hello.json"
    assert "0000test0000" not in json.dumps([e.to_dict() for e in entries])
    assert entries[-1].headers["authorization"].startswith("Bearer sk-or-v1")


def test_bad_fixture_folder_fails_at_start_with_a_fix(tmp_path: Path) -> None:
    (tmp_path / "openrouter" / "chat_completions").mkdir(parents=True)
    (tmp_path / "openrouter" / "chat_completions" / "bad.json").write_text('{"match": {"colour": "red"}, "reply": {}}')
    with pytest.raises(MockError, match="unknown matcher") as caught:
        MockCore(MockConfig(fixtures_dir=tmp_path))
    assert "user_message" in caught.value.fix


def test_admin_fixture_then_match() -> None:
    core = MockCore()
    fixture = {
        "provider": "aimlapi",
        "operation": "chat_completions",
        "name": "pinned",
        "match": {"user_message_contains": "pineapple"},
        "reply": {"content": "Pineapple belongs on pizza."},
    }
    added = core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, json.dumps(fixture).encode()))
    assert added.status == 201
    reply = post(
        core,
        "/aimlapi/v1/chat/completions",
        {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "pineapple?"}]},
    )
    assert json.loads(reply.body)["choices"][0]["message"]["content"] == "Pineapple belongs on pizza."
    bad = core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, b"[1]"))
    assert bad.status == 400 and bad.headers["x-should-retry"] == "false"


def test_cli_parses_and_rejects_bad_keys() -> None:
    args = build_parser().parse_args(
        ["serve", "--strict", "--provider", "aimlapi", "--api-key", "aimlapi=k1", "--seed", "4"]
    )
    config = config_from_args(args)
    assert (
        config.strict
        and config.root_provider == "aimlapi"
        and config.api_keys == {"aimlapi": ["k1"]}
        and config.seed == 4
    )
    with pytest.raises(MockError):
        config_from_args(build_parser().parse_args(["serve", "--api-key", "nonsense"]))


def test_python_dash_m_mockserver_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0 and "--strict" in result.stdout and "127.0.0.1" in result.stdout


def test_custom_fixtures_folder_keeps_bundled_catalogues(tmp_path: Path) -> None:
    (tmp_path / "conversations").mkdir()
    (tmp_path / "conversations" / "mine.json").write_text(
        '{"match": {"user_message": "ping"}, "reply": {"content": "pong"}}'
    )
    core = MockCore(MockConfig(fixtures_dir=tmp_path))
    for path, model in (
        ("/openrouter/api/v1/chat/completions", "meta-llama/llama-4-scout"),
        ("/aimlapi/v1/chat/completions", "meta-llama/llama-4-scout"),
    ):
        response = post(core, path, {"model": model, "messages": [{"role": "user", "content": "ping"}]})
        assert json.loads(response.body)["choices"][0]["message"]["content"] == "pong"
    converse = core.handle(
        MockRequest.build(
            "POST",
            "/bedrock/model/us.meta.llama4-scout-17b-instruct-v1%3A0/converse",
            {"authorization": "Bearer ABSKtest", "content-type": "application/json"},
            json.dumps({"messages": [{"role": "user", "content": [{"text": "ping"}]}]}).encode(),
        )
    )
    assert json.loads(converse.body)["output"]["message"]["content"][0]["text"] == "pong"


def test_sse_transcripts_split_without_changing_bytes() -> None:
    from mockserver.behaviour.fixtures import split_frames

    crlf = b": OPENROUTER PROCESSING\r\n\r\ndata: {}\r\n\r\ndata: [DONE]\r\n\r\n"
    assert split_frames(crlf, "sse") == [
        b": OPENROUTER PROCESSING\r\n\r\n",
        b"data: {}\r\n\r\n",
        b"data: [DONE]\r\n\r\n",
    ]
    unterminated = b"data: {}\n\ndata: [DONE]\n"
    assert b"".join(split_frames(unterminated, "sse")) == unterminated


def test_turns_matcher_tells_agent_loop_steps_apart() -> None:
    core = MockCore(MockConfig(strict=True))
    for turns, text in ((1, "first"), (3, "third")):
        fixture = {"name": f"t{turns}", "match": {"user_message": "go on", "turns": turns}, "reply": {"content": text}}
        assert (
            core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, json.dumps(fixture).encode())).status == 201
        )
    body = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "go on"}]}
    assert (
        json.loads(post(core, "/aimlapi/v1/chat/completions", body).body)["choices"][0]["message"]["content"] == "first"
    )
    body["messages"] = [
        {"role": "user", "content": "go on"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "go on"},
    ]
    assert (
        json.loads(post(core, "/aimlapi/v1/chat/completions", body).body)["choices"][0]["message"]["content"] == "third"
    )
    body["messages"] = [*body["messages"][:2], {"role": "user", "content": "x"}, {"role": "user", "content": "go on"}]
    missed = json.loads(post(core, "/aimlapi/v1/chat/completions", body).body)
    assert any("4 turns" in reason for c in missed["closest"] for reason in c["failed"])


def test_times_limits_a_fixture_and_strict_mode_says_so() -> None:
    core = MockCore(MockConfig(strict=True))
    once = {"name": "once", "times": 1, "match": {"user_message": "only once"}, "reply": {"content": "done"}}
    assert core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, json.dumps(once).encode())).status == 201
    body = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "only once"}]}
    assert post(core, "/aimlapi/v1/chat/completions", body).status == 200
    second = post(core, "/aimlapi/v1/chat/completions", body)
    assert second.status == 404
    assert "times: already answered 1 of 1 request(s)" in json.loads(second.body)["closest"][0]["failed"]
    bad = {"name": "bad", "times": 0, "match": {}, "reply": {"content": "x"}}
    assert core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, json.dumps(bad).encode())).status == 400


@pytest.mark.parametrize(
    "document",
    [
        {"match": {}, "reply": ["not", "an", "object"]},
        {"match": {}, "reply": {"tool_calls": [{"arguments": {}}]}},
        {"match": {}, "reply": {"usage": {"prompt_tokens": "six"}}},
        {"match": {}, "response": {"status": 999}},
        {"match": {}, "response": {"headers": ["x"]}},
        {"match": {"providers": "bedrock"}, "reply": {"content": "x"}},
        {"provider": ["openrouter"], "operation": "chat_completions", "match": {}, "reply": {"content": "x"}},
    ],
)
def test_malformed_fixtures_are_refused_when_added_not_when_served(document: dict) -> None:
    core = MockCore()
    response = core.handle(MockRequest.build("POST", "/__admin/fixtures", {}, json.dumps(document).encode()))
    assert response.status == 400 and response.headers["x-should-retry"] == "false"
    assert json.loads(response.body)["title"] == "Bad fixture"
