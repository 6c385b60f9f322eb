"""Validate provider documents and raw stream transcripts: ``validate(provider, kind, document)``."""

from collections.abc import Callable
from typing import Any

from contracts import events, grammar, registry, schemas
from contracts.checks import CHECKS, Check, Severity, Violation, failing
from contracts.document import check_document, parse_json

__all__ = [
    "CHECKS", "KINDS", "STREAM_KINDS", "Check", "Severity", "UsageError", "Violation", "failed", "failing", "validate",
]  # fmt: skip


class UsageError(ValueError):
    """The caller asked for something that cannot be validated (unknown provider or kind)."""


# Kinds per provider, from the registry. Document kinds map onto schemas/<provider>/<kind>.json; stream
# kinds take a raw transcript and are checked by a grammar that validates each chunk against a schema.
KINDS: dict[str, tuple[str, ...]] = {p.name: p.kinds for p in registry.PROVIDERS}

STREAM_KINDS: dict[tuple[str, str], Callable[[bytes | str], list[Violation]]] = {
    ("openrouter", "chat-stream"): lambda raw: grammar.chat_stream("openrouter", raw),
    ("aimlapi", "chat-stream"): lambda raw: grammar.chat_stream("aimlapi", raw),
    ("openrouter", "responses-stream"): events.responses_stream,
    ("openrouter", "messages-stream"): events.messages_stream,
    ("bedrock", "invoke-stream"): lambda raw: grammar.invoke_stream(_binary(raw)),
    ("bedrock", "converse-stream"): lambda raw: grammar.converse_stream(_binary(raw)),
}


def _binary(raw: bytes | str) -> bytes:
    if not isinstance(raw, bytes):
        raise UsageError("event streams are binary: pass the raw bytes of the response body")
    return raw


def validate(provider: str, kind: str, document: Any | bytes | str) -> list[Violation]:
    """Return every violation of the ``provider``/``kind`` contract found in ``document``.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        kind: one of ``KINDS[provider]``; stream kinds (``chat-stream``, ``invoke-stream``,
            ``converse-stream``) take the raw transcript (SSE text or event-stream bytes).
        document: a parsed JSON value, or JSON text/bytes for document kinds.

    Errors fail the contract; warnings (e.g. a value outside an open enum) fail only a strict run
    (``failed(violations, strict=True)``); info (e.g. unknown fields) is reported only.
    Raises ``UsageError`` for an unknown provider or kind, or a kind whose schema is not written yet.
    """
    if provider not in KINDS:
        raise UsageError(f"unknown provider {provider!r}; known: {', '.join(KINDS)}")
    if kind not in KINDS[provider]:
        raise UsageError(f"unknown kind {kind!r} for {provider}; known: {', '.join(KINDS[provider])}")
    stream = STREAM_KINDS.get((provider, kind))
    if stream is not None:
        if not isinstance(document, bytes | str):
            raise UsageError(f"{kind} takes the raw transcript as bytes or str")
        return stream(document)
    if kind not in schemas.kinds(provider):
        raise UsageError(
            f"schema {provider}/{kind}.json is not written yet; available: {', '.join(schemas.kinds(provider))}"
        )
    if isinstance(document, bytes | str):
        document, problems = parse_json(document)
        if problems:
            return problems
    return check_document(provider, kind, document)


def failed(violations: list[Violation], *, strict: bool = False) -> bool:
    """Return True when any violation is an error (or, when ``strict``, a warning)."""
    return bool(failing(violations, strict=strict))
