"""Keep credentials out of recordings: drop secret headers and scrub key-like strings from bodies."""

import base64
import json
import re
from collections.abc import Mapping

from contracts.wire.eventstream import DecodeError, decode_messages, encode_message
from mockserver.engine.journal import SECRET_HEADERS
from mockserver.providers.bedrock.sigv4 import parse_authorization

__all__ = ["REDACTED", "Redactor", "recordable_headers"]

REDACTED = "REDACTED"

# Key shapes seen in the three providers' docs: OpenRouter/OpenAI-style ``sk-…`` keys, AWS access key ids
# (``AKIA``/``ASIA`` + 16, IAM docs), Bedrock long-term API keys (``ABSK…``) and short-term ones
# (``bedrock-api-key-…``) (Bedrock user guide, "API keys"). Anything the caller sent as a secret is added too.
_KEY_PATTERNS = re.compile(
    r"\bsk-[A-Za-z0-9_\-]{16,}"
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"
    r"|\bABSK[A-Za-z0-9+/=]{16,}"
    r"|bedrock-api-key-[A-Za-z0-9+/=._\-]{8,}"
)

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
    """The response headers worth replaying: no transfer, infrastructure or credential headers."""
    return {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in _TRANSFER_HEADERS | _VOLATILE_HEADERS | SECRET_HEADERS
    }


class Redactor:
    """Scrubs one request's secrets (and anything shaped like a key) from text and bytes."""

    def __init__(self, request_headers: Mapping[str, str]) -> None:
        """Collect the literal secrets the caller sent, so they are removed even when not key-shaped."""
        self.secrets: set[str] = set()
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

    def text(self, value: str) -> str:
        """Replace every secret and key-like string in ``value``."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            value = value.replace(secret, REDACTED)
        return _KEY_PATTERNS.sub(REDACTED, value)

    def body(self, data: bytes) -> bytes:
        """Scrub a UTF-8 body (JSON or SSE); other bytes are returned as they are."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        cleaned = self.text(text)
        return data if cleaned == text else cleaned.encode("utf-8")

    def frame(self, frame: bytes) -> bytes:
        """Scrub one event-stream message, re-encoding it (new CRCs) only when it held a secret."""
        try:
            [message] = decode_messages(frame)
        except (DecodeError, ValueError):
            return frame
        payload = self._payload(message.payload)
        return frame if payload == message.payload else encode_message(message.headers, payload)

    def _payload(self, payload: bytes) -> bytes:
        # InvokeModelWithResponseStream wraps each model chunk as {"bytes": base64(json)} (BR-MODEL PayloadPart),
        # so a key inside the model's text is only visible after decoding.
        try:
            document = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return self.body(payload)
        if isinstance(document, dict) and isinstance(document.get("bytes"), str):
            try:
                inner = base64.b64decode(document["bytes"], validate=True)
            except ValueError:
                return self.body(payload)
            cleaned = self.body(inner)
            if cleaned != inner:
                document["bytes"] = base64.b64encode(cleaned).decode("ascii")
                payload = json.dumps(document, separators=(",", ":")).encode()
        return self.body(payload)
