"""Keep credentials out of recordings: drop secret headers, and find secrets in text by the caller's own keys
and by shape (``Redactor.spans``), so ``scrub.py`` can cut them out of a whole body, stream events included.
"""

import bisect
import re
from collections.abc import Iterable, Mapping

from mockserver.behaviour.shapes import header_problem
from mockserver.engine.journal import SECRET_HEADERS
from mockserver.providers.bedrock.sigv4 import parse_authorization

__all__ = ["REDACTED", "Redactor", "Span", "cut", "recordable_headers"]

REDACTED = "REDACTED"
Span = tuple[int, int]

# Key shapes, each from its issuer's docs: OpenRouter/OpenAI/Anthropic ``sk-…`` keys (with a digit, so prose
# such as "sk-learn-pipeline-examples" is kept), AWS access key ids (``AKIA`` long-term, ``ASIA`` temporary,
# IAM "Understanding unique ID prefixes"), STS session tokens (base64 of their fixed header), Bedrock API keys
# (``ABSK…`` long-term, ``bedrock-api-key-…`` short-term; Bedrock user guide, "API keys"), JWTs, GitHub,
# Google, Hugging Face and Slack tokens, and the value of any ``Bearer`` credential.
_SHAPES = re.compile(
    r"\bsk-(?=[A-Za-z0-9_\-]*\d)[A-Za-z0-9_\-]{16,}"
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
    r"|\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/=]{16,}"
    r"|\bABSK[A-Za-z0-9+/=]{16,}"
    r"|bedrock-api-key-[A-Za-z0-9+/=._\-]{8,}"
    r"|\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bAIza[0-9A-Za-z_\-]{35}"
    r"|\bhf_[A-Za-z0-9]{30,}"
    r"|\bxox[abprs]-[A-Za-z0-9\-]{10,}"
    r"|(?i:\bbearer)[ \t]+([A-Za-z0-9._~+/\-]{16,}=*)"
)
# A value given for a secret-sounding name: ``aws_secret_access_key = …``, ``"password": "…"``, ``api-key: …``.
_LABELLED = re.compile(
    r"(?i:(?:api[_\-]?key|secret(?:[_\-]?access)?(?:[_\-]?key)?|(?:session|security|access|auth|refresh|bearer|id)"
    r"[_\-]?token|password|passwd|credentials?)\b)[\"']?[ \t]*[:=][ \t]*[\"']?([^\s\"',;]{8,})"
)
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|(?i:secret[_\- ]?(?:access[_\- ]?)?key)")
# An AWS secret access key is 40 characters of base64's alphabet; alone that is any hash or padding, so one
# counts only near an access key id or a "secret key" label, and only with lower, upper and digit or / +.
_B64 = "[A-Za-z0-9+/]"
_SECRET_KEY = re.compile(
    rf"(?<![A-Za-z0-9+/=])(?={_B64}{{0,39}}[a-z])(?={_B64}{{0,39}}[A-Z])(?={_B64}{{0,39}}[0-9+/]){_B64}{{40}}(?![A-Za-z0-9+/=])"
)
# Session tokens are long base64; one counts near a temporary key id or a "session/security token" label.
_TOKEN_HINT = re.compile(r"\bASIA[A-Z0-9]{16}\b|(?i:(?:session|security)[_\- ]?token)")
_LONG_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=])")
NEAR = 256
"""How close (characters) a secret key or session token must be to what marks it as one."""

# Hop-by-hop headers (RFC 9110 7.6.1) and those that describe this transfer, not the answer.
_TRANSFER_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "content-encoding",
}
# Infrastructure headers that change on every call and say nothing about the provider's contract.
_VOLATILE_HEADERS = {
    "date",
    "server",
    "set-cookie",
    "alt-svc",
    "nel",
    "report-to",
    "cf-ray",
    "cf-cache-status",
    "via",
    "strict-transport-security",
    "vary",
    "access-control-allow-origin",
    "access-control-allow-credentials",
}


def recordable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response headers worth replaying: no transfer, infrastructure or credential headers, and none a
    fixture may not hold (``behaviour/shapes.py``: not latin-1, CR/LF/NUL), so every recording loads."""
    return {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in _TRANSFER_HEADERS | _VOLATILE_HEADERS | SECRET_HEADERS
        and header_problem({name.lower(): value}) is None
    }


def _near(spans: list[Span], hints: list[Span]) -> list[Span]:
    """The spans within ``NEAR`` characters of a hint (``hints`` from one ``finditer``: in order, disjoint)."""
    starts = [h[0] for h in hints]
    kept = []
    for span in spans:
        last = bisect.bisect_right(starts, span[1] + NEAR) - 1  # the last hint starting early enough ends latest
        if last >= 0 and hints[last][1] + NEAR >= span[0]:
            kept.append(span)
    return kept


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def cut(pieces: list[str], spans: list[Span]) -> list[str]:
    """``pieces`` (consecutive parts of one text) with ``spans`` of the whole text cut out.

    A span is replaced by ``REDACTED`` in the piece it starts in and removed from the pieces it runs on into, so
    a key split over several stream events leaves no fragment behind, and each piece stays where it was.
    """
    out, offset, first = [], 0, 0
    for piece in pieces:
        start, end = offset, offset + len(piece)
        while first < len(spans) and spans[first][1] <= start:
            first += 1
        parts, at = [], start
        for span_start, span_end in spans[first:]:
            if span_start >= end:
                break
            parts.append(piece[at - start : max(span_start, start) - start])
            if span_start >= start:
                parts.append(REDACTED)
            at = min(span_end, end)
        parts.append(piece[at - start :])
        out.append("".join(parts))
        offset = end
    return out


class Redactor:
    """Finds one request's secrets (the caller's own, the recorder's own, and anything shaped like one) in text."""

    def __init__(self, request_headers: Mapping[str, str], own: Iterable[str] = ()) -> None:
        """Collect the literal secrets the caller sent (and ``own``: the recorder's), even when not key-shaped."""
        self.secrets: set[str] = {s for s in own if s}
        for name, value in request_headers.items():
            if name.lower() not in SECRET_HEADERS or not value:
                continue
            self.secrets.add(value)
            scheme, _, token = value.partition(" ")
            if token.strip() and scheme.lower() == "bearer":
                self.secrets.add(token.strip())
            auth = parse_authorization(value) if scheme == "AWS4-HMAC-SHA256" else None
            if auth is not None:
                self.secrets.update({auth.access_key, auth.signature})
        self.secrets = {s for s in self.secrets if len(s) >= 8}  # shorter ones would eat ordinary words

    def also(self, secrets: Iterable[str]) -> "Redactor":
        """A redactor that also removes ``secrets`` wherever they appear literally."""
        other = Redactor({})
        other.secrets = self.secrets | {s for s in secrets if len(s) >= 8}
        return other

    def spans(self, text: str) -> list[Span]:
        """Where ``text`` holds a secret, merged and in order."""
        found: list[Span] = []
        for secret in self.secrets:
            at = text.find(secret)
            while at >= 0:
                found.append((at, at + len(secret)))
                at = text.find(secret, at + 1)
        found += [m.span(1) if m.group(1) else m.span() for m in _SHAPES.finditer(text)]
        found += [m.span(1) for m in _LABELLED.finditer(text)]
        key_hints = [m.span() for m in _KEY_ID.finditer(text)]
        if key_hints:
            found += _near([m.span() for m in _SECRET_KEY.finditer(text)], key_hints)
        token_hints = [m.span() for m in _TOKEN_HINT.finditer(text)]
        if token_hints:
            found += _near([m.span() for m in _LONG_BASE64.finditer(text)], token_hints)
        return _merge(found)

    def text(self, value: str) -> str:
        """``value`` with every secret replaced by ``REDACTED``."""
        return cut([value], self.spans(value))[0]
