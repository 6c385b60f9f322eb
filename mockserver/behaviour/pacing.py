"""Pacing: when each piece of a reply goes out, from the catalogue's latency and throughput times a factor."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockserver.errors import MockError
from mockserver.http import MockResponse

if TYPE_CHECKING:
    from mockserver.core import Call

__all__ = ["HEADER", "Speed", "delays", "factor", "pace", "speed_of"]

HEADER = "x-mock-pace"
"""Per-request override of ``MockConfig.pace`` (``0`` turns pacing off for one request)."""


@dataclass(frozen=True, slots=True)
class Speed:
    """How fast a model answers: time to first byte and output tokens per second."""

    latency_s: float
    throughput_tps: float


def speed_of(data: Mapping[str, Any]) -> Speed | None:
    """Read ``pacing: {latency_s, throughput_tps}`` from a model's catalogue data (None if absent)."""
    pacing = data.get("pacing")
    if not isinstance(pacing, Mapping):
        return None
    latency, throughput = float(pacing.get("latency_s", 0.0)), float(pacing.get("throughput_tps", 0.0))
    return Speed(latency, throughput) if throughput > 0 and latency >= 0 else None


def delays(speed: Speed, tokens: int, parts: int, pace: float) -> list[float]:
    """Seconds to wait before each of ``parts`` pieces: the latency, then ``tokens/throughput`` spread evenly."""
    generation = tokens / speed.throughput_tps
    if parts <= 1:
        return [(speed.latency_s + generation) * pace]
    step = generation / (parts - 1) * pace
    return [speed.latency_s * pace] + [step] * (parts - 1)


def factor(call: "Call") -> float:
    """The pace for this request: the ``x-mock-pace`` header if sent, else ``MockConfig.pace``."""
    raw = call.request.header(HEADER)
    if raw is None:
        return call.config.pace
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise MockError(
            "Bad pace",
            f"{HEADER}: {raw!r} is not a factor",
            fix=f"Send {HEADER}: 0 (off), 1 (real time) or e.g. 0.1 (ten times faster).",
        )
    return value


def pace(call: "Call", response: MockResponse) -> None:
    """Set ``response.delays`` for a successful generation when pacing is on; every transport honours them."""
    if response.status >= 300 or (call.reply is None and call.fixture is None):
        return
    scale = factor(call)
    spec = call.core.providers.get(call.provider)
    speed = speed_of(spec.model_data(call)) if scale > 0 and spec is not None else None
    if speed is None:
        return
    parts = 1 if response.chunks is None else len(response.chunks)
    # A recorded response has no Reply: count one token per streamed piece after the first (assumed).
    tokens = call.reply.completion_tokens if call.reply is not None else max(parts - 1, 0)
    response.delays = delays(speed, tokens, parts, scale)
