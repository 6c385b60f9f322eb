"""A bounded journal of the requests the mock answered: secrets masked, bodies cut, always valid JSON out.

Bounded twice: ``journal_size`` entries and ``journal_bytes`` bytes (each entry counts its kept body, headers,
path and query as raw bytes; the newest entry is always kept). A body up to ``BODY_BYTES`` is kept whole, parsed
when it is JSON; a longer one keeps its first ``BODY_BYTES`` as text (``journal_bodies="full"`` keeps bodies up
to ``max_body_bytes`` whole). Every body keeps its size and sha256. What is kept is always valid JSON: a lone
surrogate becomes the six characters ``\\udXXX``, NaN, Infinity and numbers out of range stay the text they were.
"""

import functools
import hashlib
import json
import math
import re
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qsl

from mockserver.config import MockConfig

__all__ = [
    "BODY_BYTES",
    "SECRET_HEADERS",
    "Journal",
    "JournalEntry",
    "looks_like_secret",
    "mask_headers",
    "mask_query",
    "mask_secret",
]

BODY_BYTES = 64 * 1024
"""Bodies up to this many bytes are kept whole; longer ones keep this many (as text) plus their size and hash."""
MAX_DEPTH = 100
"""JSON nested deeper is kept as text: serialising it again must never reach Python's recursion limit."""
_MAX_INT_DIGITS = 4000  # Python refuses int <-> str beyond 4,300 digits (sys.get_int_max_str_digits)

SECRET_HEADERS = {
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "openai-api-key",
    "x-auth-token",
    "x-amz-security-token",
    "x-mock-admin-token",
    "cookie",
}
"""Header names whose values are always credentials (the recorder drops them too)."""
# Any other name that says it holds a credential (``X-Custom-Api-Key``, ``X-Session-Token``, ...).
_SECRET_NAME = re.compile(r"key|token|secret|passw|auth|cookie|session|signature|credential", re.IGNORECASE)
# Headers whose values are never credentials, though some look random (hashes, invocation ids, versions).
_PLAIN_HEADERS = {"host", "content-type", "content-length", "accept", "accept-encoding", "connection", "user-agent",
                  "x-amz-date", "x-amz-content-sha256", "x-amz-user-agent", "amz-sdk-invocation-id",
                  "amz-sdk-request"}  # fmt: skip
_PLAIN_PREFIXES = ("x-stainless-", "x-mock-")
# Key shapes of the three providers and their neighbours: a credential scheme, OpenAI-style ``sk-``/``sk-or-v1-``,
# AWS access key ids (``AKIA``/``ASIA`` + 16, IAM docs), Bedrock API keys (``ABSK…``, ``bedrock-api-key-…``).
_KEY_SHAPES = re.compile(
    r"^(?i:bearer|basic|token|digest)\s"
    r"|sk-[A-Za-z0-9_\-]{8,}"
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
    r"|\bABSK[A-Za-z0-9+/=]{16,}"
    r"|bedrock-api-key-"
)
_TOKEN = re.compile(r"[A-Za-z0-9_\-.+/=~]{20,}")  # a long unbroken run: random tokens, AI/ML API's 32 hex digits
_SCHEME = re.compile(r"(?i:bearer|basic|token|digest)")
# Type prefixes that say which kind of key it is, not which key: shown whole, nothing after them.
_PUBLIC_PREFIX = re.compile(r"sk-or-v1-|sk-or-|sk-proj-|sk-|bedrock-api-key-|ABSK|AKIA|ASIA")
_SIGV4_CREDENTIAL = re.compile(r"(Credential=)([A-Z0-9]{4})[A-Z0-9]*")
_SIGNATURE = re.compile(r"(Signature=)[0-9a-f]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def looks_like_secret(value: str) -> bool:
    """Whether ``value`` is shaped like a credential: a scheme, a known key prefix, or a long random-looking token."""
    if _KEY_SHAPES.search(value):
        return True
    return any(_random(m.group()) for m in _TOKEN.finditer(value))


def _random(token: str) -> bool:
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def mask_secret(value: str) -> str:
    """A credential with at most a short prefix left: ``Bearer sk-or-v1-…``, ``AKIA…``, ``0123…``.

    A SigV4 ``Authorization`` keeps its structure (``Credential=AKIA****/<date>/<region>/…``, ``Signature=****``).
    """
    if value.startswith("AWS4-HMAC-SHA256"):
        return _SIGNATURE.sub(r"\1****", _SIGV4_CREDENTIAL.sub(r"\1\2****", value))
    scheme, sep, token = value.strip().partition(" ")
    if not sep or not _SCHEME.fullmatch(scheme):
        scheme, token = "", value.strip()
    return f"{scheme} {_mask_token(token.strip())}".strip()


def _mask_token(token: str) -> str:
    prefix = _PUBLIC_PREFIX.match(token)
    if prefix and len(token) >= len(prefix.group()) + 8:
        return f"{prefix.group()}…"
    return f"{token[: min(4, len(token) // 4)]}…"


@functools.lru_cache(maxsize=1024)
def _by_name(name: str) -> bool | None:
    """True: the name says credential; False: the name says it never is one; None: look at the value."""
    lowered = name.lower()
    if lowered in SECRET_HEADERS or _SECRET_NAME.search(lowered):
        return True
    if lowered in _PLAIN_HEADERS or lowered.startswith(_PLAIN_PREFIXES):
        return False
    return None


def _secret(name: str, value: str) -> bool:
    known = _by_name(name)
    return looks_like_secret(value) if known is None else known


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy headers with every credential masked: by name (``Authorization``, ``*-Api-Key``, …) and by value shape."""
    return {_text(k): mask_secret(_text(v)) if _secret(k, v) else _text(v) for k, v in headers.items()}


def mask_query(query_string: str) -> dict[str, str]:
    """The query parameters (last value wins), credentials masked by name (``key=``, ``X-Amz-Signature=``) or shape."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return {_text(k): mask_secret(_text(v)) if _secret(k, v) else _text(v) for k, v in pairs}


# -- bodies ------------------------------------------------------------------------------------------------------


class _TooDeep(Exception):
    pass


def _text(value: str) -> str:
    """``value`` with each lone surrogate spelled out as ``\\udXXX`` (it cannot be encoded as UTF-8)."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _number(text: str) -> Any:
    number = float(text)
    return number if math.isfinite(number) else text  # 1e999999 parses to inf: keep what was sent


def _integer(text: str) -> Any:
    return int(text) if len(text) <= _MAX_INT_DIGITS else text


class _NonFinite(Exception):
    pass


def _clean(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _NonFinite  # read again, keeping the number's own text
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_text(k): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _keep_body(raw: bytes, limit: int) -> tuple[Any, bool]:
    """The body as the journal keeps it, and whether it was cut: parsed JSON when whole, else UTF-8 text."""
    if not raw:
        return None, False
    if len(raw) > limit:
        return raw[:limit].decode("utf-8", "replace"), True
    try:
        try:
            return _clean(json.loads(raw)), False  # the C parser at full speed for ordinary bodies
        except (ValueError, _NonFinite):  # NaN, 1e999999, an integer past 4,300 digits: each kept as its text
            hooked = json.loads(raw, parse_constant=str, parse_float=_number, parse_int=_integer)
            return _clean(hooked), False
    except (ValueError, RecursionError, _TooDeep):  # not JSON, not UTF-8, or nested too deep to write back
        return raw.decode("utf-8", "replace"), False


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One answered request.

    ``body`` is the parsed JSON when the body was whole and JSON, else its text (the first ``BODY_BYTES`` when
    ``body_truncated``), None when empty; ``body_size`` and ``body_sha256`` describe the body as received.
    """

    time: float
    provider: str | None
    operation: str | None
    model: str | None
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    body_size: int
    body_sha256: str | None
    body_truncated: bool
    status: int
    fixture: str | None
    scenario: str | None = None
    """``NAME#STEP`` of the scenario step that answered (``behaviour/scenarios.py``)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (shallow: the kept values are already safe to serialise)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Journal:
    """Thread-safe ring buffer of ``JournalEntry`` values, bounded in entries and in bytes."""

    def __init__(
        self,
        size: int = 1000,
        *,
        max_bytes: int = 64 * 1024 * 1024,
        full_bodies: bool = False,
        max_body_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        """Keep at most ``size`` entries and about ``max_bytes`` bytes; ``full_bodies`` keeps bodies whole."""
        self.size, self.max_bytes = size, max_bytes
        self.body_limit = max_body_bytes if full_bodies else BODY_BYTES
        self._entries: deque[tuple[JournalEntry, int]] = deque()
        self._bytes = 0
        self._lock = threading.Lock()

    @classmethod
    def for_config(cls, config: MockConfig) -> "Journal":
        """A journal with ``config``'s bounds (``journal_size``, ``journal_bytes``, ``journal_bodies``)."""
        return cls(
            config.journal_size,
            max_bytes=config.journal_bytes,
            full_bodies=config.journal_bodies == "full",
            max_body_bytes=config.max_body_bytes,
        )

    def record(
        self,
        *,
        time: float,
        provider: str | None,
        operation: str | None,
        model: str | None,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        status: int,
        fixture: str | None,
        query: str = "",
        scenario: str | None = None,
    ) -> JournalEntry:
        """Append an entry (masked, cut, made JSON-safe); drop the oldest beyond either bound."""
        # A body refused as too large (beyond max_body_bytes) keeps only BODY_BYTES, even with full bodies.
        limit = self.body_limit if len(body) <= self.body_limit else BODY_BYTES
        kept, truncated = _keep_body(body, limit)
        masked = mask_headers(headers)
        entry = JournalEntry(
            time, provider, operation, model, _text(method), _text(path), mask_query(query), masked, kept,
            len(body), hashlib.sha256(body).hexdigest() if body else None, truncated, status, fixture, scenario,
        )  # fmt: skip
        cost = 256 + min(len(body), limit) + len(path) + len(query) + sum(len(k) + len(v) for k, v in masked.items())
        with self._lock:
            self._entries.append((entry, cost))
            self._bytes += cost
            while len(self._entries) > 1 and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                self._bytes -= self._entries.popleft()[1]
        return entry

    def entries(self) -> list[JournalEntry]:
        """All kept entries, oldest first."""
        with self._lock:
            return [entry for entry, _ in self._entries]

    @property
    def bytes(self) -> int:
        """What the kept entries count against ``max_bytes``."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
