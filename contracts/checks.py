"""The registry of named contract checks and the Violation value they produce.

Severity decides what fails. An **error** is drift: a missing required field, a wrong type, a value outside a
closed enum, broken stream grammar or framing. A **warning** is reported but is not drift: something a provider
really sends that its documentation does not list, such as a provider-native ``finish_reason`` in OpenRouter's
normalised field (an enum marked ``x-open-enum``, check ``enum.open``), or a rule the docs leave unverified; a
strict run (``contracts check --strict``, ``contracts validate --strict``, ``failing(..., strict=True)``) fails on
warnings too. **Info** never fails (unknown fields, an exception frame ending a stream).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CHECKS", "Check", "Severity", "Violation", "check", "failing"]


class Severity(StrEnum):
    """How much a violation matters: errors fail, warnings fail only a strict run, info never fails."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Violation:
    """One contract finding, a value rather than an exception (as schemathesis Failure)."""

    check: str
    """Registered check name, e.g. ``sse.done``."""
    path: str
    """JSON path of the offending part, e.g. ``$.choices[0].delta`` or ``$[3].usage`` in a stream."""
    message: str
    """What is wrong, in one sentence."""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.path}: {self.severity}: {self.message} [{self.check}]"


@dataclass(frozen=True, slots=True)
class Check:
    """A named check: its default severity and what it verifies."""

    name: str
    severity: Severity
    summary: str

    def __call__(self, path: str, message: str, severity: Severity | None = None) -> Violation:
        """Return a violation of this check at ``path``."""
        return Violation(self.name, path, message, severity or self.severity)


CHECKS: dict[str, Check] = {}


def failing(violations: Iterable[Violation], *, strict: bool = False) -> list[Violation]:
    """The violations that fail a contract: the errors, and the warnings too when ``strict``."""
    fails = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return [v for v in violations if v.severity in fails]


def check(name: str, summary: str, severity: Severity = Severity.ERROR) -> Check:
    """Register a check under a unique name and return it."""
    if name in CHECKS:
        raise ValueError(f"check {name!r} is already registered")
    CHECKS[name] = Check(name, severity, summary)
    return CHECKS[name]


# Documents (any kind).
JSON = check("json", "the document is valid JSON")
SCHEMA = check("schema", "the document conforms to its JSON Schema")
UNKNOWN_FIELD = check("unknown-field", "fields the schema does not know are reported", Severity.INFO)
OPEN_ENUM = check("enum.open", "a value outside a documented but open enum (x-open-enum) is reported", Severity.WARNING)

# Server-sent events (OpenRouter, AI/ML API).
SSE_SYNTAX = check("sse.syntax", "only data:, comment and blank lines; one JSON object per data event")
SSE_DONE = check("sse.done", "the stream ends with `data: [DONE]` and nothing follows it")
SSE_EMPTY = check("sse.empty", "the stream holds at least one data chunk")
STREAM_ID = check("stream.id", "every chunk carries the same id")
STREAM_FINISH = check("stream.finish-reason", "at most one finish_reason per choice index; no content after it")
STREAM_USAGE_LAST = check("stream.usage-last", "the usage chunk is the last data chunk before [DONE]")
TYPED_ORDER = check("events.order", "typed events come in their documented order (start, items or blocks, end)")
TYPED_SEQUENCE = check("events.sequence", "sequence_number counts 0, 1, 2, ... (Responses streams)")
TYPED_CONSISTENT = check("events.consistent", "ids, indexes and done texts agree with the events before them")
TYPED_NAME = check("events.name", "each `event:` line names its data's type (Messages streams)")
STREAM_REASONING = check("stream.reasoning-first", "reasoning deltas come before the first content delta of a choice")
STREAM_ERROR_LAST = check("stream.error-last", "a mid-stream error chunk is the last data chunk")

# AWS event streams (Bedrock).
ES_PRELUDE_CRC = check("eventstream.prelude-crc", "prelude CRC32 matches the first 8 bytes")
ES_MESSAGE_CRC = check("eventstream.message-crc", "message CRC32 matches all preceding bytes")
ES_FRAMING = check("eventstream.framing", "lengths are consistent and no bytes are left over")
ES_HEADERS = check("eventstream.headers", "headers decode, are unique and carry the required names")
ES_PAYLOAD = check("eventstream.payload", "payloads are JSON objects (chunk bytes: base64 of JSON)")
ES_EXCEPTION = check("eventstream.exception", "an exception frame ends the stream", Severity.INFO)
ES_AFTER_END = check("eventstream.after-end", "no frame follows an exception frame")
INVOKE_LAST = check("invoke.last-chunk", "the last chunk has a stop_reason and amazon-bedrock-invocationMetrics")
CONVERSE_ORDER = check("converse.order", "messageStart, blocks, messageStop, metadata, in this order")
CONVERSE_BLOCK = check(
    "converse.block", "blocks open and close by contentBlockIndex; contentBlockStart only for toolUse"
)
