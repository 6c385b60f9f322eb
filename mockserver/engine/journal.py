"""A bounded journal of the requests the mock answered, with secrets masked."""

import json
import re
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Journal", "JournalEntry", "mask_headers", "mask_secret"]

SECRET_HEADERS = {"authorization", "x-api-key", "api-key", "x-amz-security-token", "cookie", "proxy-authorization"}
_SIGV4_CREDENTIAL = re.compile(r"(Credential=)([A-Z0-9]{4})[A-Z0-9]*")
_SIGNATURE = re.compile(r"(Signature=)[0-9a-f]+")


def mask_secret(value: str) -> str:
    """Keep a key's scheme and first/last few characters only, e.g. ``Bearer sk-or-v1-…9f2c``."""
    if value.startswith("AWS4-HMAC-SHA256"):
        return _SIGNATURE.sub(r"\1****", _SIGV4_CREDENTIAL.sub(r"\1\2****", value))
    scheme, _, token = value.partition(" ") if " " in value else ("", "", value)
    prefix = token[:8] if len(token) > 16 else token[:2]
    shown = f"{prefix}…{token[-4:]}" if len(token) > 16 else f"{prefix}…"
    return f"{scheme} {shown}".strip()


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy headers with every credential masked."""
    return {k: mask_secret(v) if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One answered request."""

    time: float
    provider: str | None
    operation: str | None
    model: str | None
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int
    fixture: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


class Journal:
    """Thread-safe ring buffer of ``JournalEntry`` values."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._lock = threading.Lock()

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
    ) -> JournalEntry:
        """Append an entry; the body is kept parsed when it is JSON."""
        parsed: Any
        try:
            parsed = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed = body[:2048].decode("utf-8", "replace")
        entry = JournalEntry(
            time, provider, operation, model, method, path, mask_headers(headers), parsed, status, fixture
        )
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[JournalEntry]:
        """All kept entries, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
