"""Prometheus metrics of one engine (``GET /__admin/metrics``), in a registry of its own, never the global one.

Requests by provider, operation and status; the engine's time per request (until the response is ready: a
stream's pieces are sent after, a paced body waits after); streams and their pieces; fixture hits by fixture and
by kind, strict-mode misses, generated replies; the journal's and the fixture store's sizes, read at scrape time.
Counting costs a dictionary look-up and the counters' own locks: the labelled children are looked up once per
(metric, labels). Counters keep counting across ``POST /__admin/reset``, as Prometheus expects.
"""

from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from mockserver.engine.call import Call
from mockserver.engine.outcome import Outcome
from mockserver.http import MockResponse

__all__ = ["CONTENT_TYPE", "LATENCY_BUCKETS", "MAX_SERIES", "OTHER", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The text exposition format, version 0.0.4."""
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: the mock answers in well under a millisecond unless a fault or a large body slows it."""
MAX_SERIES = 2048
"""Labelled series kept; beyond, fixture hits are counted under the fixture name ``OTHER``."""
OTHER = "(other)"
_BY_CALL = ("provider", "operation")


class Metrics:
    """The counters, histogram and gauges of one engine."""

    def __init__(self, journal_entries: Callable[[], float], fixtures: Callable[[], float]) -> None:
        """Register every metric in a new ``CollectorRegistry``; the gauges call ``journal_entries``/``fixtures``."""
        self.registry = registry = CollectorRegistry()
        self.requests = Counter("mockkit_requests", "Requests answered, by provider, operation and HTTP status",
                                [*_BY_CALL, "status"], registry=registry)  # fmt: skip
        self.latency = Histogram("mockkit_request_duration_seconds", "Seconds the engine took to answer a request "
                                 "(a stream's pieces and pacing come after)", _BY_CALL, registry=registry,
                                 buckets=LATENCY_BUCKETS)  # fmt: skip
        self.streams = Counter("mockkit_streams", "Streamed responses", _BY_CALL, registry=registry)
        self.pieces = Counter("mockkit_stream_pieces", "Pieces (SSE events, event-stream messages) of streamed "
                              "responses", _BY_CALL, registry=registry)  # fmt: skip
        self.hits = Counter("mockkit_fixture_hits", "Requests a fixture answered, by fixture and kind (fixture: its "
                            "reply; recorded: its recorded response)", [*_BY_CALL, "fixture", "kind"],
                            registry=registry)  # fmt: skip
        self.misses = Counter("mockkit_fixture_misses", "Strict-mode requests no fixture matched (the mock's 404)",
                              _BY_CALL, registry=registry)  # fmt: skip
        self.generated = Counter("mockkit_generated_replies", "Replies generated (no fixture matched, lenient mode)",
                                 _BY_CALL, registry=registry)  # fmt: skip
        entries = Gauge("mockkit_journal_entries", "Requests the journal holds", registry=registry)
        entries.set_function(journal_entries)
        held = Gauge("mockkit_fixtures", "Fixtures loaded and added at run time", registry=registry)
        held.set_function(fixtures)
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Counter | Histogram, *labels: Any) -> Any:
        """``metric.labels(*labels)``, looked up once (a benign race: labels() hands both threads the same child)."""
        key = (metric, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*(str(label) for label in labels))
        return child

    def observe(self, call: Call, response: MockResponse, outcome: Outcome, seconds: float) -> None:
        """Count one answered request, which the engine took ``seconds`` (real time, whatever its clock) to answer."""
        provider = call.provider.name if call.provider else "__mock"
        operation = call.operation.name if call.operation else ""
        self._child(self.requests, provider, operation, response.status).inc()
        self._child(self.latency, provider, operation).observe(seconds)
        if response.chunks is not None:
            self._child(self.streams, provider, operation).inc()
            self._child(self.pieces, provider, operation).inc(len(response.chunks))
        source = outcome.source
        if source == "generated":
            self._child(self.generated, provider, operation).inc()
        elif source is not None:
            name = call.fixture or ""
            full = len(self._children) >= MAX_SERIES  # run-time fixtures come and go by name: stay bounded
            if full and (self.hits, provider, operation, name, source) not in self._children:
                name = OTHER
            self._child(self.hits, provider, operation, name, source).inc()
        elif outcome.problem is not None and "closest" in outcome.problem:
            self._child(self.misses, provider, operation).inc()

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)
