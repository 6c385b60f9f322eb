"""Identical requests share what only their bytes decide (``engine/memo.py``, ``mockserver/stamp.py``).

The promise: with the memo on, every response is byte for byte the one the full pipeline gives (same seed, same
frozen clock), ids and timestamps still per call; state (fixture uses, ``times``, scenarios, run-time fixtures,
generation records) is never served stale.
"""

import json
from typing import Any

import pytest

from mockserver.behaviour import replies
from mockserver.clock import FrozenClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine import pipeline
from mockserver.http import MockRequest, MockResponse

KEY = {"authorization": "Bearer sk-or-v1-FAKEmemo000000000000", "content-type": "application/json"}
MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1%3A0"
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Tell me about Llama"}]}
HELLO = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "hello"}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Tell me about Llama"}]}]}
RESPONSES = {"model": "meta-llama/llama-4-maverick", "input": "Tell me about Llama"}
MESSAGES = {"model": "meta-llama/llama-4-maverick", "max_tokens": 64,
            "messages": [{"role": "user", "content": "Tell me about Llama"}]}  # fmt: skip
REQUESTS: list[tuple[str, dict[str, str], Any]] = [
    ("/openrouter/api/v1/chat/completions", {}, CHAT),
    ("/openrouter/api/v1/chat/completions", {}, CHAT | {"stream": True}),
    ("/openrouter/api/v1/chat/completions", {}, HELLO),
    ("/openrouter/api/v1/chat/completions", {"x-mock-stream-fault": "1"}, CHAT | {"stream": True}),
    ("/openrouter/api/v1/chat/completions", {"x-mock-quirk": "openrouter.usage_chunk=2025"}, CHAT | {"stream": True}),
    ("/openrouter/api/v1/chat/completions", {"x-openrouter-metadata": "enabled"}, CHAT),
    ("/openrouter/api/v1/chat/completions", {"x-mock-fault": "429"}, CHAT),
    ("/openrouter/api/v1/completions", {}, {"model": "meta-llama/llama-4-maverick", "prompt": "Llama"}),
    ("/openrouter/api/v1/responses", {}, RESPONSES),
    ("/openrouter/api/v1/messages", {}, MESSAGES),
    ("/openrouter/api/v1/chat/completions", {}, {"model": "nope", "messages": []}),
    ("/aimlapi/v1/chat/completions", {}, CHAT),
    ("/aimlapi/v1/chat/completions", {}, CHAT | {"stream": True}),
    ("/aimlapi/v1/chat/completions", {"x-mock-quirk": "aimlapi.envelope=2026"}, CHAT),
    ("/aimlapi/v1/chat/completions", {"x-mock-quirk": "aimlapi.done=off"}, CHAT | {"stream": True}),
    (f"/bedrock/model/{MAVERICK}/converse", {}, CONVERSE),
    (f"/bedrock/model/{MAVERICK}/converse-stream", {}, CONVERSE),
    (f"/bedrock/model/{MAVERICK}/converse-stream", {"x-mock-stream-fault": "2"}, CONVERSE),
    (f"/bedrock/model/{MAVERICK}/converse", {}, CONVERSE | {"inferenceConfig": {"maxTokens": 7}}),
    (f"/bedrock/model/{MAVERICK}/invoke", {}, {"prompt": "Tell me about Llama"}),
    (f"/bedrock/model/{MAVERICK}/invoke-with-response-stream", {}, {"prompt": "Tell me about Llama"}),
]


def _core(memo: bool = True, **config: Any) -> MockCore:
    return MockCore(MockConfig(seed=11, memo=memo, **config), clock=FrozenClock(1_800_000_000.5))


def _post(core: MockCore, path: str, body: Any, headers: dict[str, str] | None = None) -> MockResponse:
    return core.handle(MockRequest.build("POST", path, KEY | (headers or {}), json.dumps(body).encode()))


def _wire(response: MockResponse) -> tuple[int, dict[str, str], list[bytes]]:
    return response.status, response.headers, list(response.iter_bytes())


def _transcript(core: MockCore) -> list[tuple[int, dict[str, str], list[bytes]]]:
    answers = []
    for path, headers, body in REQUESTS * 3:  # each request three times: a miss, then hits
        answers.append(_wire(_post(core, path, body, headers)))
    for generation in list(core.states["openrouter"].generations)[-4:]:
        lookup = MockRequest.build("GET", "/openrouter/api/v1/generation", KEY, query_string=f"id={generation}")
        answers.append(_wire(core.handle(lookup)))
    return answers


def test_every_byte_is_the_full_pipelines() -> None:
    kept, full = _core(), _core(memo=False)
    assert _transcript(kept) == _transcript(full)
    assert len(kept.memo) > 10 and len(full.memo) == 0  # the first core did answer from the memo


def test_identical_requests_skip_validation_and_reply_but_keep_their_own_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    resolved: list[object] = []
    real = replies.resolve_reply
    monkeypatch.setattr(pipeline, "resolve_reply", lambda *a, **k: resolved.append(a) or real(*a, **k))
    core = MockCore(MockConfig(seed=3))
    first, second = (_post(core, "/openrouter/api/v1/chat/completions", CHAT) for _ in range(2))
    assert len(resolved) == 1
    one, two = json.loads(first.body), json.loads(second.body)
    assert one["id"] != two["id"] and second.headers["X-Generation-Id"] == two["id"]
    assert {k: v for k, v in one.items() if k != "id"} == {k: v for k, v in two.items() if k != "id"}
    lookup = MockRequest.build("GET", "/openrouter/api/v1/generation", KEY, query_string=f"id={two['id']}")
    assert json.loads(core.handle(lookup).body)["data"]["id"] == two["id"]  # the hit's generation is recorded


def test_a_fixture_added_at_run_time_answers_the_next_identical_request() -> None:
    core = _core()
    before = [_post(core, "/openrouter/api/v1/chat/completions", CHAT) for _ in range(2)]
    fixture = {"name": "added", "provider": "openrouter", "operation": "chat_completions",
               "match": {"user_message": "Tell me about Llama"}, "reply": {"content": "From the fixture."}}
    added = core.handle(MockRequest.build("POST", "/__admin/fixtures", {"content-type": "application/json"},
                                          json.dumps(fixture).encode()))  # fmt: skip
    assert added.status == 201
    after = json.loads(_post(core, "/openrouter/api/v1/chat/completions", CHAT).body)
    assert after["choices"][0]["message"]["content"] == "From the fixture."
    assert all(json.loads(r.body)["choices"][0]["message"]["content"] != "From the fixture." for r in before)


def test_a_fixture_that_answers_once_is_not_kept() -> None:
    core = _core()
    fixture = {"name": "once", "provider": "openrouter", "operation": "chat_completions", "times": 1,
               "match": {"user_message": "Tell me about Llama"}, "reply": {"content": "Only once."}}
    core.handle(MockRequest.build("POST", "/__admin/fixtures", {"content-type": "application/json"},
                                  json.dumps(fixture).encode()))  # fmt: skip
    texts = [json.loads(_post(core, "/openrouter/api/v1/chat/completions", CHAT).body) for _ in range(3)]
    assert [t["choices"][0]["message"]["content"] == "Only once." for t in texts] == [True, False, False]


def test_a_kept_fixture_still_counts_each_use() -> None:
    core = _core()
    for _ in range(3):
        _post(core, "/openrouter/api/v1/chat/completions", HELLO)
    used = {f.name: f.used for f in core.fixtures.all()}
    assert used["conversations/hello.json"] == 3


def test_with_scenarios_loaded_nothing_is_kept() -> None:
    """A step answers by the conversation's state; a request it did not claim may be claimed later."""
    core = _core()
    scenario = {"name": "loop", "steps": [{"match": {"user_message": "Weather?"}, "reply": {"content": "Snow."}}],
                "match": {"model": "meta-llama/llama-4-scout"}}  # fmt: skip
    answer = core.handle(MockRequest.build("POST", "/__admin/scenarios", {"content-type": "application/json"},
                                           json.dumps(scenario).encode()))  # fmt: skip
    assert answer.status == 201, answer.body
    for _ in range(2):
        assert _post(core, "/openrouter/api/v1/chat/completions", CHAT).status == 200  # a Maverick call: unclaimed
    assert len(core.memo) == 0


def test_reset_forgets_what_was_kept() -> None:
    core = _core()
    _post(core, "/openrouter/api/v1/chat/completions", CHAT)
    assert len(core.memo) == 1
    core.reset()
    assert len(core.memo) == 0
