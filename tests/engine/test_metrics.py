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


class _Reference:
    """The metrics as prometheus_client's own Counter, Histogram and Gauge kept them (the engine's until it
    counted plain numbers, 74ede7b): ``Metrics.exposition`` must give these bytes, up to the ``_created`` times."""

    def __init__(self, journal_entries: Any, fixtures: Any) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        from mockserver.engine.metrics import LATENCY_BUCKETS

        self.registry = registry = CollectorRegistry()
        by_call = ["provider", "operation"]
        self.requests = Counter("mockkit_requests", "Requests answered, by provider, operation and HTTP status",
                                [*by_call, "status"], registry=registry)  # fmt: skip
        self.latency = Histogram("mockkit_request_duration_seconds", "Seconds the engine took to answer a request "
                                 "(a stream's pieces and pacing come after)", by_call, registry=registry,
                                 buckets=LATENCY_BUCKETS)  # fmt: skip
        self.streams = Counter("mockkit_streams", "Streamed responses", by_call, registry=registry)
        self.pieces = Counter("mockkit_stream_pieces", "Pieces (SSE events, event-stream messages) of streamed "
                              "responses", by_call, registry=registry)  # fmt: skip
        self.hits = Counter("mockkit_fixture_hits", "Requests a fixture answered, by fixture and kind (fixture: its "
                            "reply; recorded: its recorded response)", [*by_call, "fixture", "kind"],
                            registry=registry)  # fmt: skip
        self.misses = Counter("mockkit_fixture_misses", "Strict-mode requests no fixture matched (the mock's 404)",
                              by_call, registry=registry)  # fmt: skip
        self.generated = Counter("mockkit_generated_replies", "Replies generated (no fixture matched, lenient mode)",
                                 by_call, registry=registry)  # fmt: skip
        Gauge("mockkit_journal_entries", "Requests the journal holds", registry=registry).set_function(journal_entries)
        Gauge("mockkit_fixtures", "Fixtures loaded and added at run time", registry=registry).set_function(fixtures)

    def observe(self, call: Any, response: Any, outcome: Any, seconds: float) -> None:
        by_call = (call.provider.name if call.provider else "__mock", call.operation.name if call.operation else "")
        self.requests.labels(*by_call, str(response.status)).inc()
        self.latency.labels(*by_call).observe(seconds)
        if response.chunks is not None:
            self.streams.labels(*by_call).inc()
            self.pieces.labels(*by_call).inc(len(response.chunks))
        if outcome.source == "generated":
            self.generated.labels(*by_call).inc()
        elif outcome.source is not None:
            self.hits.labels(*by_call, call.fixture or "", outcome.source).inc()
        elif outcome.problem is not None and "closest" in outcome.problem:
            self.misses.labels(*by_call).inc()


def test_exposition_is_prometheus_clients_own(monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

    core = MockCore(MockConfig(strict=True))
    reference = _Reference(lambda: len(core.journal.entries()), lambda: len(core.fixtures))
    counted = core.metrics.observe

    def both(*args: Any) -> None:
        counted(*args)
        reference.observe(*args)

    monkeypatch.setattr(core.metrics, "observe", both)
    headers = {"authorization": f"Bearer {KEY}"}
    for content, stream in (("Hello", False), ("count to ten", True), ("no such fixture", False), ("Hello", True)):
        body = json.dumps({"model": MAVERICK, "stream": stream, "messages": [{"role": "user", "content": content}]})
        core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, body.encode()))
    core.handle(MockRequest.build("GET", "/aimlapi/v1/models", {}))
    core.handle(MockRequest.build("GET", "/nowhere", {}))
    lenient = MockCore()  # a generated reply (lenient mode), counted in the strict core's metrics and the reference
    monkeypatch.setattr(lenient.metrics, "observe", both)
    body = json.dumps({"model": MAVERICK, "messages": [{"role": "user", "content": "anything at all"}]}).encode()
    lenient.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, body))

    def stamped(text: bytes) -> str:
        return re.sub(r"(?m)^(\w+_created\{.*\}) \S+$", r"\1 T", text.decode())

    kind, text = core.metrics.exposition()
    ours = stamped(text)
    assert kind == CONTENT_TYPE_LATEST
    assert ours == stamped(generate_latest(reference.registry))
    assert "mockkit_generated_replies_total{" in ours and "mockkit_fixture_misses_total{" in ours
    assert "mockkit_stream_pieces_total{" in ours and 'provider="__mock"' in ours
