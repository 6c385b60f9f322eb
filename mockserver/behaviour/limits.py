"""Rate-limit simulation: fixed request/token windows per provider, caller and model (or shared pool)."""

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["WINDOWS", "Breach", "Limiter", "Rule", "Subject", "rules_of"]

WINDOWS: dict[str, float] = {"minute": 60.0, "day": 86_400.0}
"""Window lengths; windows are aligned to the clock, so ``day`` is the UTC day (OR-DOCS limits.mdx)."""

Subject = tuple[str, str, str]
"""(provider, caller, model)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One quota from a catalogue: at most ``limit`` requests or tokens per window."""

    name: str
    unit: Literal["requests", "tokens"]
    window: str
    limit: int
    pool: str | None = None
    """Models with the same pool share the counter (OpenRouter's ``:free`` cap is account-wide); None = per model."""


@dataclass(frozen=True, slots=True)
class Breach:
    """The quota a request ran into, and when it frees up."""

    rule: Rule
    used: int
    reset_at: float
    """Epoch seconds at which the window starts afresh."""
    retry_after: float
    """Seconds from now until ``reset_at``."""

    @property
    def remaining(self) -> int:
        """What is left in the window (0 or close to it when breached)."""
        return max(self.rule.limit - self.used, 0)


def rules_of(data: Mapping[str, Any]) -> list[Rule]:
    """Read ``rate_limits: [{name, unit, window, limit, pool?}]`` from a model's catalogue data."""
    rules = []
    for item in data.get("rate_limits") or []:
        unit: Literal["requests", "tokens"] = "tokens" if item.get("unit") == "tokens" else "requests"
        window = str(item.get("window", "minute"))
        if window not in WINDOWS:
            raise ValueError(f"rate limit window {window!r}: use one of {', '.join(WINDOWS)}")
        name = str(item.get("name", f"{unit}-per-{window}"))
        rules.append(Rule(name, unit, window, int(item["limit"]), item.get("pool")))
    return rules


MAX_WINDOWS = 100_000
"""Counters held at most (one per provider, caller, model or pool, unit and window); see ``Limiter``."""


class Limiter:
    """The counters of every window, thread-safe; time comes from the caller (the core's injectable clock).

    State stays bounded however many keys call: a window whose period has passed counts nothing any more and
    is dropped (windows are aligned to the clock, so they end together: one sweep per minute boundary at
    most); past ``max_windows`` live windows, the least recently used is dropped (that caller starts afresh).
    """

    def __init__(self, max_windows: int = MAX_WINDOWS) -> None:
        self._windows: dict[tuple[str, ...], tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._max = max(max_windows, 1)
        self._expiry = float("inf")
        """When the first held window ends."""

    def __len__(self) -> int:
        return len(self._windows)

    def _window(self, subject: Subject, rule: Rule, now: float) -> tuple[tuple[str, ...], float, int]:
        provider, caller, model = subject
        key = (provider, caller, rule.pool or model, rule.unit, rule.window)
        length = WINDOWS[rule.window]
        start = now - now % length
        begun, used = self._windows.get(key, (start, 0))
        return key, start, used if begun == start else 0

    def _store(self, key: tuple[str, ...], start: float, used: int, now: float) -> None:
        self._windows.pop(key, None)  # re-inserted last: the dict's order is least recently used first
        if now >= self._expiry:  # (before that no window has ended: a sweep would find nothing)
            self._windows = {k: v for k, v in self._windows.items() if now < v[0] + WINDOWS[k[-1]]}
            self._expiry = min((v[0] + WINDOWS[k[-1]] for k, v in self._windows.items()), default=float("inf"))
        while len(self._windows) >= self._max:
            del self._windows[next(iter(self._windows))]
        self._windows[key] = (start, used)
        self._expiry = min(self._expiry, start + WINDOWS[key[-1]])

    def admit(self, subject: Subject, rules: Sequence[Rule], now: float) -> Breach | None:
        """Count one request, or return the breach with the latest reset (nothing is counted then)."""
        with self._lock:
            breaches, counted = [], []
            for rule in rules:
                key, start, used = self._window(subject, rule, now)
                full = used + 1 > rule.limit if rule.unit == "requests" else used >= rule.limit
                if full:
                    reset = start + WINDOWS[rule.window]
                    breaches.append(Breach(rule, used, reset, reset - now))
                elif rule.unit == "requests":
                    counted.append((key, start, used + 1))
            if breaches:
                return max(breaches, key=lambda b: b.reset_at)
            for key, start, used in counted:
                self._store(key, start, used, now)
            return None

    def charge(self, subject: Subject, rules: Sequence[Rule], tokens: int, now: float) -> None:
        """Add ``tokens`` to the token windows (after the reply, when its usage is known)."""
        with self._lock:
            for rule in rules:
                if rule.unit == "tokens":
                    key, start, used = self._window(subject, rule, now)
                    self._store(key, start, used + tokens, now)
