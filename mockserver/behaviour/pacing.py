"""Pacing: when each piece of a reply goes out, from the catalogue's latency and throughput times a factor."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Speed", "delays", "speed_of"]


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
