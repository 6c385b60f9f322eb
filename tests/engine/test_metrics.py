"""``GET /__admin/metrics`` after real calls, read with prometheus-client's own parser; one registry per core."""

import json
from typing import Any

import boto3
import httpx
import openai
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "us.meta.llama4-scout-17b-instruct-v1:0"
KEY = "sk-or-v1-" + "2d" * 24  # obviously fake


def _samples(text: str) -> dict[str, list[Any]]:
    samples: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def _value(samples: dict[str, list[Any]], name: str, **labels: str) -> float:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (name, labels, samples.get(name))
    return float(found[0])


def _scrape(url: str) -> dict[str, list[Any]]:
    answer = httpx.get(f"{url}/__admin/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=")
    return _samples(answer.text)


class Since:
    """Counter increases since a first scrape (the session's server counts across tests: resets keep counts)."""

    def __init__(self, url: str) -> None:
        self.url, self.before = url, _scrape(url)

    def read(self) -> None:
        self.after = _scrape(self.url)

    def __call__(self, name: str, **labels: str) -> float:
        """How much the one series of ``name`` with ``labels`` grew (0 when it does not exist)."""

        def value(samples: dict[str, list[Any]]) -> float:
            found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
            assert len(found) <= 1, (name, labels, found)
            return float(found[0]) if found else 0.0

        return value(self.after) - value(self.before)


@pytest.mark.mockserver(strict=True)
def test_metrics_after_real_calls(mockserver_url: str) -> None:
    delta = Since(mockserver_url)
    with openai.OpenAI(base_url=f"{mockserver_url}/openrouter/api/v1", api_key=KEY, max_retries=0) as client:
        for _ in range(2):
            client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "Hello"}])
        count = [{"role": "user", "content": "count to ten"}]
        chunks = list(client.chat.completions.create(model=MAVERICK, stream=True, messages=count))
        with pytest.raises(openai.NotFoundError):
            client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "no such fixture"}])
    bedrock = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{mockserver_url}/bedrock")
    try:
        events = bedrock.converse_stream(modelId=SCOUT, messages=[{"role": "user", "content": [{"text": "Hello"}]}])
        frames = list(events["stream"])
    finally:
        bedrock.close()
    assert httpx.get(f"{mockserver_url}/aimlapi/v1/models").status_code == 200

    delta.read()
    samples = delta.after
    chat = {"provider": "openrouter", "operation": "chat_completions"}
    assert delta("mockkit_requests_total", **chat, status="200") == 3
    assert delta("mockkit_requests_total", **chat, status="404") == 1
    stream = {"provider": "bedrock", "operation": "converse_stream"}
    assert delta("mockkit_requests_total", **stream, status="200") == 1
    assert delta("mockkit_requests_total", provider="aimlapi", operation="list_models", status="200") == 1
    hello = {"fixture": "conversations/hello.json", "kind": "fixture"}
    assert delta("mockkit_fixture_hits_total", **chat, **hello) == 2
    assert delta("mockkit_fixture_hits_total", **chat, fixture="conversations/count-to-ten.json", kind="fixture") == 1
    assert delta("mockkit_fixture_hits_total", **stream, **hello) == 1
    assert delta("mockkit_fixture_misses_total", **chat) == 1
    assert delta("mockkit_generated_replies_total", **chat) == 0  # strict mode generates nothing
    assert delta("mockkit_streams_total", **chat) == 1
    assert delta("mockkit_streams_total", **stream) == 1
    sse_pieces = delta("mockkit_stream_pieces_total", **chat)
    assert sse_pieces > len(chunks)  # the chunks the SDK yields, plus keep-alive comments and [DONE]
    assert delta("mockkit_stream_pieces_total", **stream) == len(frames)
    assert delta("mockkit_request_duration_seconds_count", **chat) == 4
    buckets = [s for s in samples["mockkit_request_duration_seconds_bucket"] if s.labels == {**s.labels, **chat}]
    count = _value(samples, "mockkit_request_duration_seconds_count", **chat)
    assert buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == count
    assert [b.value for b in buckets] == sorted(b.value for b in buckets)  # cumulative
    assert _value(samples, "mockkit_journal_entries") == 6
    assert _value(samples, "mockkit_fixtures") >= 5


def test_metrics_generated_and_per_core_registries() -> None:
    first, second = MockCore(), MockCore(MockConfig(admin_token="fake-token-for-tests"))
    body = json.dumps({"model": MAVERICK, "messages": [{"role": "user", "content": "anything at all"}]}).encode()
    request = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", {"authorization": f"Bearer {KEY}"}, body)
    assert first.handle(request).status == 200
    read = MockRequest.build("GET", "/__admin/metrics", {})
    samples = _samples(first.handle(read).content().decode())
    chat = {"provider": "openrouter", "operation": "chat_completions"}
    assert _value(samples, "mockkit_generated_replies_total", **chat) == 1
    assert "mockkit_requests_total" not in _samples(second.handle(read).content().decode())  # its own registry
    assert REGISTRY.get_sample_value("mockkit_requests_total", {**chat, "status": "200"}) is None  # not the global
    first.reset()  # counters are monotonic: a reset clears the journal, not the counts
    assert _value(_samples(first.handle(read).content().decode()), "mockkit_requests_total", **chat, status="200") == 1
    over_http = MockRequest.build("GET", "/__admin/metrics", {"host": "127.0.0.1"})
    assert second.handle(over_http).status == 401  # guarded like the rest of the admin API


def test_fixture_series_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.engine import metrics

    monkeypatch.setattr(metrics, "MAX_SERIES", 6)
    core = MockCore()
    for number in range(6):
        fixture = {"provider": "openrouter", "operation": "chat_completions", "name": f"step-{number}",
                   "match": {"user_message": f"step {number}"}, "reply": {"content": "ok"}}  # fmt: skip
        assert core.handle(MockRequest.build("POST", "/__admin/fixtures", {"content-type": "application/json"},
                                             json.dumps(fixture).encode())).status == 201  # fmt: skip
        body = json.dumps({"model": MAVERICK, "messages": [{"role": "user", "content": f"step {number}"}]}).encode()
        headers = {"authorization": f"Bearer {KEY}"}
        chat = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, body)
        assert core.handle(chat).status == 200
    samples = _samples(core.handle(MockRequest.build("GET", "/__admin/metrics", {})).content().decode())
    names = {s.labels["fixture"]: s.value for s in samples["mockkit_fixture_hits_total"]}
    assert names["(other)"] >= 1 and len(names) < 6 and sum(names.values()) == 6
