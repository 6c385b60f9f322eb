"""Wall time and sleeping behind one injectable object, so tests advance time instead of waiting."""

import asyncio
import time

__all__ = ["Clock", "FakeClock", "FrozenClock"]


class Clock:
    """The real clock: epoch seconds, ``time.sleep`` for sync transports, ``asyncio.sleep`` for async ones."""

    def now(self) -> float:
        """Seconds since the epoch (rate-limit windows and ``X-RateLimit-Reset`` are wall-clock)."""
        return time.time()

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (pacing keeps to a schedule by it)."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Block the calling thread (sync clients only)."""
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Wait without blocking the event loop."""
        if seconds > 0:
            await asyncio.sleep(seconds)


class FakeClock(Clock):
    """A clock moved by hand: sleeping records the delay and advances time at once."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []
        """Every delay asked of ``sleep``/``asleep``, in order."""

    def now(self) -> float:
        """The fake time."""
        return self.time

    def monotonic(self) -> float:
        """The fake time: only sleeping and ``advance`` move it."""
        return self.time

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.time += seconds

    def sleep(self, seconds: float) -> None:
        """Record and advance; never blocks."""
        self.sleeps.append(seconds)
        self.time += seconds

    async def asleep(self, seconds: float) -> None:
        """Record and advance, yielding to the loop once as a real sleep would."""
        self.sleep(seconds)
        await asyncio.sleep(0)


class FrozenClock(Clock):
    """Wall time stopped at ``at`` (``--freeze-time``) so ids and timestamps repeat; sleeps still really wait."""

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        """Always the frozen instant."""
        return self.at
