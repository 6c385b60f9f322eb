"""README's "From any language" section runs as written: its curl snippets with bash against a real server, and its
CI recipe as a script that starts ``mockserver serve`` itself (only the quick-start address is changed).

The Node snippets of the same section run in ``tests/node/test_readme_node.py`` (they need the npm packages).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.core import MockCore
from tests.conftest import RunningServer

README = Path(__file__).resolve().parent.parent / "README.md"
QUICK_START_URL = "http://127.0.0.1:8080"


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _kind(language: str, block: str) -> str:
    """Which promised snippet ``block`` is."""
    if language == "js":
        return "node-openai" if 'from "openai"' in block else "node-aws-sdk" if "@aws-sdk/" in block else "js?"
    if block.startswith("#!/usr/bin/env bash"):
        return "ci-recipe"
    if "/bedrock/" in block:
        return "curl-bedrock"
    return "curl-stream" if '"stream": true' in block else "curl-chat"


SECTION = _section(README.read_text(encoding="utf-8"), "From any language")
BLOCKS = [(_kind(lang, b), b) for lang, b in re.findall(r"```(\w+)\n(.*?)```", SECTION, flags=re.S)]
SNIPPETS = dict(BLOCKS)
PROMISED = ("node-openai", "node-aws-sdk", "curl-chat", "curl-stream", "curl-bedrock", "ci-recipe")


def test_the_section_has_each_promised_snippet_once() -> None:
    assert sorted(kind for kind, _ in BLOCKS) == sorted(PROMISED)
    assert "requestHandler" not in SNIPPETS["node-aws-sdk"]  # the default client, as users run it
    assert "--ready-file" in SNIPPETS["ci-recipe"] and "/__admin/health" in SNIPPETS["ci-recipe"]


@pytest.fixture(scope="module")
def own_server() -> Iterator[RunningServer]:
    """A server whose journal holds only this module's requests."""
    server = RunningServer(MockCore())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bash() -> str:
    found = shutil.which("bash"), shutil.which("curl")
    if None in found:
        pytest.skip("bash and curl are needed for README's curl snippets and CI recipe")
    return str(found[0])


def _last_request(server: RunningServer) -> dict[str, Any]:
    journal = httpx.get(f"{server.url}/__admin/requests").json()
    entry: dict[str, Any] = journal["requests"][-1]
    return entry


def _run_snippet(bash: str, kind: str, server: RunningServer) -> str:
    code = SNIPPETS[kind].replace(QUICK_START_URL, server.url)
    done = subprocess.run([bash, "-euo", "pipefail", "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_curl_chat_gets_a_completion(bash: str, own_server: RunningServer) -> None:
    reply = json.loads(_run_snippet(bash, "curl-chat", own_server))
    assert reply["object"] == "chat.completion" and reply["model"] == "meta-llama/llama-4-maverick"
    assert reply["choices"][0]["message"]["content"] and reply["choices"][0]["finish_reason"] == "stop"
    entry = _last_request(own_server)
    assert (entry["provider"], entry["operation"], entry["status"]) == ("openrouter", "chat_completions", 200)


def test_curl_stream_gets_server_sent_events(bash: str, own_server: RunningServer) -> None:
    out = _run_snippet(bash, "curl-stream", own_server)
    data = [line.removeprefix("data: ") for line in out.splitlines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]" and len(data) > 2
    chunks = [json.loads(d) for d in data[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]).strip()
    assert _last_request(own_server)["body"]["stream"] is True


def test_curl_bedrock_converse_with_a_bearer_api_key(bash: str, own_server: RunningServer) -> None:
    reply = json.loads(_run_snippet(bash, "curl-bedrock", own_server))
    assert reply["stopReason"] == "end_turn" and reply["output"]["message"]["role"] == "assistant"
    assert reply["output"]["message"]["content"][0]["text"] and reply["usage"]["outputTokens"] > 0
    entry = _last_request(own_server)
    assert (entry["provider"], entry["operation"], entry["status"]) == ("bedrock", "converse", 200)
    assert entry["headers"]["authorization"].startswith("Bearer ")  # masked in the journal, but a bearer key


def _ci_recipe(bash: str, tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "ci-with-mock.sh"
    script.write_text(SNIPPETS["ci-recipe"], encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "TMPDIR": str(tmp_path / "tmp")}  # fmt: skip
    return subprocess.run([bash, str(script), *command], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


CHAT_WITH_CURL = """curl -fsS "$MOCK_URL/openrouter/api/v1/chat/completions" -H "Authorization: Bearer sk-or-v1-test" \
  -H "Content-Type: application/json" -d '{"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", \
"content": "Hi"}]}' > reply.json"""


def test_ci_recipe_serves_the_tests_then_saves_the_journal_and_stops(bash: str, tmp_path: Path) -> None:
    done = _ci_recipe(bash, tmp_path, bash, "-c", CHAT_WITH_CURL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout.splitlines()[0])["status"] == "ok"  # /__admin/health
    assert json.loads((tmp_path / "reply.json").read_text(encoding="utf-8"))["choices"][0]["message"]["content"]
    journal = json.loads((tmp_path / "mock-journal.json").read_text(encoding="utf-8"))
    assert journal["count"] == 1
    assert [(e["operation"], e["model"], e["status"]) for e in journal["requests"]] == [
        ("chat_completions", "meta-llama/llama-4-scout", 200)]  # fmt: skip
    assert [p for p in (tmp_path / "tmp").rglob("*") if p.is_file()] == []  # the server removed its ready file


def test_ci_recipe_keeps_the_tests_failure_and_still_saves_the_journal(bash: str, tmp_path: Path) -> None:
    done = _ci_recipe(bash, tmp_path, bash, "-c", "exit 3")
    assert done.returncode == 3, done.stdout + done.stderr
    assert json.loads((tmp_path / "mock-journal.json").read_text(encoding="utf-8"))["count"] == 0
    assert [p for p in (tmp_path / "tmp").rglob("*") if p.is_file()] == []
