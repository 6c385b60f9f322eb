"""Prometheus metrics of one engine (``GET /__admin/metrics``), in a registry of its own, never the global one.

Requests by provider, operation and status; the engine's time per request (until the response is ready: a
stream's pieces are sent after, a paced body waits after); streams and their pieces; fixture hits by fixture and
by kind, strict-mode misses, generated replies; the journal's and the fixture store's sizes, read at scrape time.
Counting is a dictionary update under one lock (plain numbers, no metric objects on the request path); the
Prometheus families are built from them when scraped (``prometheus_client``, imported then). Counters keep
counting across ``POST /__admin/reset``, as Prometheus expects.
"""

import bisect
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from mockserver.engine.call import Call
from mockserver.engine.outcome import Outcome
from mockserver.http import MockResponse

__all__ = ["LATENCY_BUCKETS", "MAX_SERIES", "OTHER", "Metrics"]

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: the mock answers in well under a millisecond unless a fault or a large body slows it."""
MAX_SERIES = 2048
"""Labelled series kept; beyond, fixture hits are counted under the fixture name ``OTHER``."""
OTHER = "(other)"
_BY_CALL = ("provider", "operation")
# name, help, label names: every counter, in the order they are exposed
_COUNTERS = {
    "mockkit_requests": ("Requests answered, by provider, operation and HTTP status", (*_BY_CALL, "status")),
    "mockkit_streams": ("Streamed responses", _BY_CALL),
    "mockkit_stream_pieces": ("Pieces (SSE events, event-stream messages) of streamed responses", _BY_CALL),
    "mockkit_fixture_hits": ("Requests a fixture answered, by fixture and kind (fixture: its reply; recorded: its "
                             "recorded response)", (*_BY_CALL, "fixture", "kind")),
    "mockkit_fixture_misses": ("Strict-mode requests no fixture matched (the mock's 404)", _BY_CALL),
    "mockkit_generated_replies": ("Replies generated (no fixture matched, lenient mode)", _BY_CALL),
}
_LATENCY = ("mockkit_request_duration_seconds", "Seconds the engine took to answer a request (a stream's pieces "
            "and pacing come after)")  # fmt: skip


class Metrics:
    """The counters, histogram and gauges of one engine."""

    def __init__(self, journal_entries: Callable[[], float], fixtures: Callable[[], float]) -> None:
        """Start every count at zero; the gauges call ``journal_entries`` and ``fixtures`` when scraped."""
        self._gauges = (("mockkit_journal_entries", "Requests the journal holds", journal_entries),
                        ("mockkit_fixtures", "Fixtures loaded and added at run time", fixtures))  # fmt: skip
        self._counts: dict[tuple[Any, ...], float] = {}  # (name, *labels) -> count
        self._created: dict[tuple[Any, ...], float] = {}
        self._latency: dict[tuple[str, str], list[float]] = {}  # labels -> per-bucket counts, +Inf, then the sum
        self._lock = threading.Lock()

    def _inc(self, key: tuple[Any, ...], amount: float = 1.0) -> None:
        count = self._counts.get(key)
        if count is None:
            self._created[key] = time.time()
            count = 0.0
        self._counts[key] = count + amount

    def observe(self, call: Call, response: MockResponse, outcome: Outcome, seconds: float) -> None:
        """Count one answered request, which the engine took ``seconds`` (real time, whatever its clock) to answer."""
        provider = call.provider.name if call.provider else "__mock"
        operation = call.operation.name if call.operation else ""
        with self._lock:
            self._inc(("mockkit_requests", provider, operation, str(response.status)))
            cells = self._latency.get((provider, operation))
            if cells is None:
                cells = self._latency[(provider, operation)] = [0.0] * (len(LATENCY_BUCKETS) + 2)
                self._created[(_LATENCY[0], provider, operation)] = time.time()
            cells[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
            cells[-1] += seconds
            if response.chunks is not None:
                self._inc(("mockkit_streams", provider, operation))
                self._inc(("mockkit_stream_pieces", provider, operation), len(response.chunks))
            source = outcome.source
            if source == "generated":
                self._inc(("mockkit_generated_replies", provider, operation))
            elif source is not None:
                key = ("mockkit_fixture_hits", provider, operation, call.fixture or "", source)
                if key not in self._counts and len(self._counts) + len(self._latency) >= MAX_SERIES:
                    key = ("mockkit_fixture_hits", provider, operation, OTHER, source)  # run-time fixtures: bounded
                self._inc(key)
            elif outcome.problem is not None and "closest" in outcome.problem:
                self._inc(("mockkit_fixture_misses", provider, operation))

    def _families(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        with self._lock:
            counts, created = dict(self._counts), dict(self._created)
            latency = {labels: list(cells) for labels, cells in self._latency.items()}
        for name, (words, labels) in _COUNTERS.items():
            family = CounterMetricFamily(name, words, labels=labels)
            for key, value in counts.items():
                if key[0] == name:
                    family.add_metric(list(key[1:]), value, created=created[key])
            yield family
            if name == "mockkit_requests":  # the histogram second: the order the registry exposed them in before
                yield _histogram(latency, created)
        for name, words, read in self._gauges:
            yield GaugeMetricFamily(name, words, value=read())

    def exposition(self) -> tuple[str, bytes]:
        """Every metric in the Prometheus text format, with its content type (``prometheus_client``'s latest)."""
        from prometheus_client import CollectorRegistry
        from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

        registry = CollectorRegistry()
        registry.register(_Collector(self))
        return CONTENT_TYPE_LATEST, generate_latest(registry)


def _histogram(latency: dict[tuple[str, str], list[float]], created: dict[tuple[Any, ...], float]) -> Any:
    """The latency histogram, with each series' ``_created`` after its ``_sum`` as ``Histogram`` writes it."""
    from prometheus_client.core import HistogramMetricFamily

    histogram = HistogramMetricFamily(*_LATENCY, labels=_BY_CALL)
    for (provider, operation), cells in latency.items():
        running, buckets = 0.0, []
        for bound, count in zip((*map(str, LATENCY_BUCKETS), "+Inf"), cells[:-1], strict=True):
            running += count
            buckets.append((bound, running))
        histogram.add_metric([provider, operation], buckets, cells[-1])
        labels = {"provider": provider, "operation": operation}
        histogram.add_sample(f"{_LATENCY[0]}_created", labels, created[(_LATENCY[0], provider, operation)])
    return histogram


class _Collector:
    """The engine's counts as Prometheus families, for one scrape."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Any]:
        return self.metrics._families()
