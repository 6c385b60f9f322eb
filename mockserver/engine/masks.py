"""Masking credentials in what the journal keeps: headers and query parameters, by name and by value shape."""

import functools
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

__all__ = ["SECRET_HEADERS", "looks_like_secret", "mask_headers", "mask_pair", "mask_query", "mask_secret", "text"]

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
    return {text(k): mask_secret(text(v)) if _secret(k, v) else text(v) for k, v in headers.items()}


def mask_query(query_string: str) -> dict[str, str]:
    """The query parameters (last value wins), credentials masked by name (``key=``, ``X-Amz-Signature=``) or shape."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return {text(k): mask_secret(text(v)) if _secret(k, v) else text(v) for k, v in pairs}


def text(value: str) -> str:
    """``value`` with each lone surrogate spelled out as ``\\udXXX`` (it cannot be encoded as UTF-8)."""
    if value.isascii() or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


@functools.lru_cache(maxsize=4096)
def mask_pair(pair: tuple[str, str]) -> tuple[str, str]:
    """One header as the journal keeps it (load tests send the same few headers again and again: cached)."""
    name, value = pair
    return text(name), mask_secret(text(value)) if _secret(name, value) else text(value)
