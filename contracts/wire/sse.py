"""Parse a raw server-sent-events transcript into data events, reporting syntax problems."""

import re
from dataclasses import dataclass, field

from contracts.checks import SSE_SYNTAX, Severity, Violation

__all__ = ["Event", "parse"]

# WHATWG HTML §9.2 "Server-sent events" field names; OpenRouter and AI/ML API only use data
# (wire-contracts §1.4, §2.4), so the others are reported as warnings.
_KNOWN_FIELDS = {"data", "event", "id", "retry"}
# The stream's only line ends (WHATWG HTML §9.2.5: CRLF, LF, CR). Not str.splitlines(), which also splits on
# U+2028, U+2029, U+0085, VT, FF and FS/GS/RS: characters a JSON string may carry unescaped inside a data line.
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Event:
    """One dispatched event: its joined data lines and the line it started on."""

    data: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)


def parse(raw: str | bytes, *, named: bool = False) -> tuple[list[Event], list[Violation]]:
    """Split a transcript into events; comment lines (``:`` prefix) are skipped anywhere.

    ``named``: the stream names its events (``event:`` lines, the Anthropic Messages format), so the field is
    expected there rather than reported.
    """
    violations: list[Violation] = []
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return [], [SSE_SYNTAX("$", f"stream is not UTF-8: {exc}")]
    events: list[Event] = []
    data: list[str] = []
    fields: dict[str, str] = {}
    start = 0
    lines = _LINE_END.split(raw)
    if lines[-1] == "":  # what follows the last line end is not a line (as splitlines() drops it)
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line:
            if data:
                events.append(Event("\n".join(data), start, fields))
            data, fields = [], {}
            continue
        if line.startswith(":"):
            # Keep-alive comments such as ": OPENROUTER PROCESSING" may appear before and
            # between data events (OR-DOCS streaming.mdx; [obs] wire-contracts §1.4).
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name not in _KNOWN_FIELDS:
            violations.append(SSE_SYNTAX(f"line {number}", f"unexpected line {line[:60]!r}"))
            continue
        if name != "data" and not (named and name == "event"):
            violations.append(
                SSE_SYNTAX(f"line {number}", f"field {name!r} is not used by this provider", Severity.WARNING)
            )
        if name != "data":
            fields[name] = value
            continue
        if not data:
            start = number
        data.append(value)
    if data:
        # The spec discards an event that is not followed by a blank line.
        violations.append(SSE_SYNTAX(f"line {start}", "last event is not terminated by a blank line", Severity.WARNING))
        events.append(Event("\n".join(data), start, fields))
    return events, violations
