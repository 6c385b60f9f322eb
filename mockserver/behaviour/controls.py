"""The ``x-mock-*`` request headers, read by one parser with one policy.

A real client never sends them; tests and users do, to ask for a fault, a quirk or a pace. An unknown or
malformed value is the mock's own 400 naming the accepted values, on every provider: a typo must never
silently fall through to an ordinary answer.
"""

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from mockserver.behaviour.quirks import Quirk, check_quirks
from mockserver.errors import MockError
from mockserver.http import MockRequest

__all__ = ["FAULT", "PACE", "QUIRK", "STREAM_FAULT", "Controls", "StreamFault", "read_controls"]

FAULT = "x-mock-fault"
STREAM_FAULT = "x-mock-stream-fault"
QUIRK = "x-mock-quirk"
PACE = "x-mock-pace"


@dataclass(frozen=True, slots=True)
class StreamFault:
    """An in-stream error to put in place of event ``index`` (0-based)."""

    name: str
    index: int


@dataclass(frozen=True, slots=True)
class Controls:
    """What the ``x-mock-*`` headers of one request ask for."""

    fault: str | None = None
    stream_fault: StreamFault | None = None
    quirks: Mapping[str, str] = field(default_factory=dict)
    pace: float | None = None


NO_CONTROLS = Controls()
"""A request that asks for nothing (shared: ``Controls`` is frozen)."""

_TITLES = {FAULT: "Unknown fault", STREAM_FAULT: "Unknown stream fault", QUIRK: "Bad quirk header", PACE: "Bad pace"}


def _bad(header: str, value: str, accepted: str) -> MockError:
    return MockError(_TITLES[header], f"{header}: {value!r} is not accepted here", fix=accepted)


def _fault(value: str | None, faults: Collection[str], where: str) -> str | None:
    if value is None:
        return None
    name = value.strip()
    if name not in faults:
        accepted = f"Use one of: {', '.join(faults)}." if faults else f"{where} has no injectable faults."
        raise _bad(FAULT, value, accepted)
    return name


def _index(text: str) -> bool:
    # ASCII digits only ("²".isdigit() is true, int() refuses it), and short: int() refuses 4,300 digits.
    return text.isascii() and text.isdigit() and len(text) <= 9


def _stream_fault(value: str | None, names: Collection[str], where: str) -> StreamFault | None:
    if value is None:
        return None
    if not names:
        raise _bad(STREAM_FAULT, value, f"{where} has no in-stream faults.")
    name, at, index = value.strip().rpartition("@") if "@" in value else (value.strip(), "", "")
    if not at and _index(name):  # a bare event index: the operation's first (default) fault type
        name, index = next(iter(names)), name
    if name not in names or (index and not _index(index)) or (at and not index):
        accepted = f"Use <type>[@<event index>] or <event index> (up to 9 digits); types: {', '.join(names)}."
        raise _bad(STREAM_FAULT, value, accepted)
    return StreamFault(name, int(index) if index else 1)


def _quirks(value: str | None, known: Mapping[str, Quirk]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        name, sep, choice = item.strip().partition("=")
        if not sep:
            raise _bad(QUIRK, value or "", "Use NAME=VALUE[, NAME=VALUE]; `mockserver quirks` lists them.")
        chosen[name.strip()] = choice.strip()
    check_quirks(chosen, known, f"{QUIRK} header")
    return chosen


def _pace(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        factor = float(value)
    except ValueError:
        factor = math.nan
    if not math.isfinite(factor) or factor < 0:
        raise _bad(PACE, value, f"Send {PACE}: 0 (off), 1 (real time) or e.g. 0.1 (ten times faster).")
    return factor


def read_controls(
    request: MockRequest,
    *,
    quirks: Mapping[str, Quirk],
    faults: Collection[str] = (),
    stream_faults: Collection[str] = (),
    where: str = "",
) -> Controls:
    """Read every ``x-mock-*`` header; ``faults``/``stream_faults`` are what this operation accepts."""
    headers = request.headers
    if not any(name.startswith("x-mock-") for name in headers):
        return Controls()
    return Controls(
        fault=_fault(headers.get(FAULT), faults, where),
        stream_fault=_stream_fault(headers.get(STREAM_FAULT), stream_faults, where),
        quirks=_quirks(headers.get(QUIRK), quirks),
        pace=_pace(headers.get(PACE)),
    )
