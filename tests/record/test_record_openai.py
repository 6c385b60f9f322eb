"""Record OpenRouter and AI/ML API through the proxy with the openai SDK, then replay strictly."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from mockserver.behaviour.fixtures import split_frames
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest
from tests.record.conftest import AIML_KEY, MOUNTS, OPENROUTER_KEY, RunningApp, assert_no_secrets

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"
KEYS = {"openrouter": OPENROUTER_KEY, "aimlapi": AIML_KEY}
WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
}


def _client(base: str, provider: str) -> OpenAI:
    return OpenAI(base_url=f"{base}{MOUNTS[provider]}", api_key=KEYS[provider], max_retries=0)


def _fixtures(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*/*/*.json"))]


def _replay(folder: Path, provider: str, body: dict[str, Any]) -> Any:
    """Ask a fresh strict core, the same request; returns its MockResponse."""
    core = MockCore(MockConfig(fixtures_dir=folder, strict=True))
    headers = {"authorization": f"Bearer {KEYS[provider]}", "content-type": "application/json"}
    request = MockRequest.build("POST", f"{MOUNTS[provider]}/chat/completions", headers, json.dumps(body).encode())
    return core.handle(request)


@pytest.mark.parametrize("provider", ["openrouter", "aimlapi"])
def test_stream_is_recorded_frame_by_frame_and_replayed_byte_for_byte(
    provider: str, recorder: RunningApp, tmp_path: Path, start_server: Callable[..., Any]
) -> None:
    body = {"model": MAVERICK, "messages": [{"role": "user", "content": "Count to five"}], "stream": True}
    headers = {"authorization": f"Bearer {KEYS[provider]}"}
    with httpx.Client() as http, http.stream(
        "POST", f"{recorder.url}{MOUNTS[provider]}/chat/completions", json=body, headers=headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        received = response.read()
    out = tmp_path / "rec"
    [fixture] = _fixtures(out)
    assert fixture["match"] == {"model": MAVERICK, "user_message": "Count to five", "stream": True,
                                "has_tools": False, "tool_result": False, "turns": 1}
    folder = out / provider / "chat_completions"
    transcript = (folder / fixture["response"]["file"]).read_bytes()
    assert transcript == received
    frames = split_frames(transcript, "sse")
    assert len(frames) == len(fixture["provenance"]["timing"]["chunks_ms"]) > 3
    replayed = _replay(out, provider, body)
    assert replayed.status == 200 and replayed.chunks is not None
    assert replayed.content() == received
    assert len(replayed.chunks) == len(frames)
    # The SDK reads the replay from a strict server as it read the live answer.
    served = start_server(fixtures_dir=out, strict=True)
    with _client(served.url, provider) as client:
        text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(**body) if c.choices)
    events = [json.loads(f[6:]) for f in frames if f.startswith(b"data: {")]
    live = "".join(e["choices"][0]["delta"].get("content") or "" for e in events if e.get("choices"))
    assert text == live and text
    assert_no_secrets(out)


@pytest.mark.parametrize("provider", ["openrouter", "aimlapi"])
def test_json_answer_and_tools_are_told_apart(
    provider: str, recorder: RunningApp, tmp_path: Path, start_server: Callable[..., Any]
) -> None:
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    with _client(recorder.url, provider) as client:
        plain = client.chat.completions.create(model=SCOUT, messages=messages)
        tooled = client.chat.completions.create(model=SCOUT, messages=messages, tools=[WEATHER_TOOL])  # type: ignore[list-item]
    out = tmp_path / "rec"
    fixtures = _fixtures(out)
    assert sorted(f["match"]["has_tools"] for f in fixtures) == [False, True]
    for fixture in fixtures:
        provenance = fixture["provenance"]
        assert provenance["provider"] == provider and provenance["operation"] == "chat_completions"
        assert provenance["upstream_url"].endswith(f"{MOUNTS[provider]}/chat/completions")
        assert provenance["recorded_at"].endswith("Z") and provenance["tool_version"].startswith("llama-mockkit ")
        assert len(provenance["request_sha256"]) == 64 and provenance["upstream_model"]
        assert "body" in fixture["response"] or "file" in fixture["response"]
    if provider == "openrouter":
        assert all(f["provenance"]["upstream_provider"] for f in fixtures)
    served = start_server(fixtures_dir=out, strict=True)
    with _client(served.url, provider) as client:
        again = client.chat.completions.create(model=SCOUT, messages=messages)
        again_tooled = client.chat.completions.create(model=SCOUT, messages=messages, tools=[WEATHER_TOOL])  # type: ignore[list-item]
        assert again.model_dump() == plain.model_dump()
        assert again_tooled.model_dump() == tooled.model_dump()
        with pytest.raises(openai.NotFoundError) as missed:
            client.chat.completions.create(model=MAVERICK, messages=messages)  # another model is not answered
        assert missed.value.response.json()["title"] == "No fixture matched"
    assert_no_secrets(out)
