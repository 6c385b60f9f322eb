"""The registry of named contract checks and the Violation value they produce."""

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CHECKS", "Check", "Severity", "Violation", "check"]


class Severity(StrEnum):
    """How much a violation matters: errors fail validation, warnings and info do not."""

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

# Server-sent events (OpenRouter, AI/ML API).
SSE_SYNTAX = check("sse.syntax", "only data:, comment and blank lines; one JSON object per data event")
SSE_DONE = check("sse.done", "the stream ends with `data: [DONE]` and nothing follows it")
SSE_EMPTY = check("sse.empty", "the stream holds at least one data chunk")
STREAM_ID = check("stream.id", "every chunk carries the same id")
STREAM_FINISH = check("stream.finish-reason", "at most one finish_reason per choice index; no content after it")
STREAM_USAGE_LAST = check("stream.usage-last", "the usage chunk is the last data chunk before [DONE]")
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
