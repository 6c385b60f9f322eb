"""The staleness gate: recorded fixtures older than a limit, by their provenance ``recorded_at``."""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["Stale", "parse_age", "stale_fixtures"]

_AGE = re.compile(r"(\d+(?:\.\d+)?)([hdw]?)")
_UNITS = {"h": "hours", "d": "days", "w": "weeks", "": "days"}


def parse_age(text: str) -> timedelta:
    """``30d``, ``12h``, ``2w`` or a bare number of days; raises ValueError otherwise."""
    found = _AGE.fullmatch(text.strip().lower())
    if found is None:
        raise ValueError(f"not an age: {text!r} (use e.g. 30d, 12h or 2w)")
    return timedelta(**{_UNITS[found[2]]: float(found[1])})


@dataclass(frozen=True, slots=True)
class Stale:
    """A fixture past the limit."""

    path: Path
    recorded_at: datetime
    age: timedelta


def _recorded_at(path: Path) -> datetime | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    provenance = document.get("provenance") if isinstance(document, dict) else None
    value = provenance.get("recorded_at") if isinstance(provenance, dict) else None
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def stale_fixtures(root: Path, max_age: timedelta, now: datetime | None = None) -> tuple[list[Stale], int]:
    """Fixtures under ``root`` recorded more than ``max_age`` ago, oldest first, and how many carry a date.

    Hand-written fixtures without ``provenance.recorded_at`` are not judged (they are not recordings).
    """
    now = now or datetime.now(UTC)
    stale, dated = [], 0
    for path in sorted(root.glob("*/**/*.json")):
        when = _recorded_at(path)
        if when is None:
            continue
        dated += 1
        if now - when > max_age:
            stale.append(Stale(path, when, now - when))
    stale.sort(key=lambda item: item.recorded_at)
    return stale, dated
