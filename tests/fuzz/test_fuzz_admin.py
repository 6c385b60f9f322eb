"""The admin API (``/__admin/...``) fuzzed in process: every route, odd methods and queries, hostile fixtures.

A posted fixture then answers a request, and may answer it with any recorded status and body: that answer is
held to a quiet log, no 5xx the fixture did not ask for, and strict JSON. The core is reset after each example.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

from mockserver.core import MockCore
from mockserver.http import MockRequest
from tests.fuzz.budget import fuzz_settings
from tests.fuzz.drive import assert_journal_readable, assert_quiet, in_process
from tests.fuzz.inputs import Sent, admin_requests
from tests.fuzz.oracle import OUTCOMES, strict_json

CORE = MockCore()
CHAT = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}
HEADERS = {"authorization": "Bearer sk-or-v1-fuzz", "content-type": "application/json"}


@pytest.fixture(scope="module", autouse=True)
def _journal_stays_readable() -> Iterator[None]:
    yield
    assert_journal_readable(CORE)


def _statuses(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "status"] + [s for v in value.values() for s in _statuses(v)]
    if isinstance(value, list):
        return [s for v in value for s in _statuses(v)]
    return []


@fuzz_settings(default=400, long=8_000)
@given(sent=admin_requests())
def test_admin_api(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    try:
        outcome, _ = in_process(CORE, sent, logs)
        if outcome.startswith("2xx") and sent.operation == "admin fixtures" and sent.method == "POST":
            _fixture_answers(sent, logs)
        assert_journal_readable(CORE)
    finally:
        CORE.reset()


def _fixture_answers(sent: Sent, logs: pytest.LogCaptureFixture) -> None:
    """The posted fixture answers a chat request as it says, whatever it says, and never crashes the mock."""
    logs.clear()
    posted = json.loads(sent.body)
    text = posted.get("match", {}).get("user_message") if isinstance(posted.get("match"), dict) else None
    body = CHAT | {"messages": [{"role": "user", "content": text if isinstance(text, str) else "Hello"}]}
    request = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", HEADERS, json.dumps(body).encode())
    response = CORE.handle(request)
    assert_quiet(logs, sent)
    asked = [s for s in _statuses(posted) if isinstance(s, int) and s >= 500]
    assert response.status < 500 or asked, response.content()[:300]
    if response.headers.get("content-type", "").startswith("application/json") and response.content():
        strict_json(response.content())
    OUTCOMES[f"{response.status // 100}xx fixture-answer"] += 1
