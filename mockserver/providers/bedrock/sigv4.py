"""Verify AWS Signature Version 4 on a ``MockRequest`` (the server side of botocore's ``SigV4Auth``).

The canonical request follows the published SigV4 algorithm as botocore applies it (BOTOCORE auth.py
``SigV4Auth.canonical_request``): for services other than S3 the path as sent (already percent-encoded,
so ``%3A`` in Bedrock model ids) has dot segments and empty segments removed and is percent-encoded
once more; headers are lower-cased, whitespace-trimmed and sorted; the payload hash is SHA-256 hex.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

from mockserver.http import MockRequest

__all__ = ["SigV4Header", "canonical_request", "expected_signature", "parse_authorization", "signature_matches"]

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]+)"
)


@dataclass(frozen=True, slots=True)
class SigV4Header:
    """The parts of an ``Authorization: AWS4-HMAC-SHA256 ...`` header."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str

    @property
    def scope(self) -> str:
        """The credential scope ``date/region/service/aws4_request``."""
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def parse_authorization(value: str) -> SigV4Header | None:
    """Parse a SigV4 Authorization header, or return None when it is malformed."""
    match = _AUTH.match(value.strip())
    if match is None:
        return None
    parts = match["credential"].split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return SigV4Header(parts[0], parts[1], parts[2], parts[3], match["signed"].split(";"), match["sig"])


def _canonical_path(raw_path: str) -> str:
    kept: list[str] = []
    for part in raw_path.split("/"):
        if part == "..":
            if kept:
                kept.pop()
        elif part and part != ".":
            kept.append(part)
    path = "/" + "/".join(kept) + ("/" if raw_path.endswith("/") and kept else "")
    return quote(path, safe="/~")


def _canonical_query(query_string: str) -> str:
    pairs = sorted(tuple(pair.partition("=")[::2]) for pair in query_string.split("&") if pair)
    return "&".join(f"{key}={value}" for key, value in pairs)


def canonical_request(request: MockRequest, signed_headers: list[str]) -> str:
    """Build the SigV4 canonical request for ``request`` over ``signed_headers``."""
    names = sorted({name.lower().strip() for name in signed_headers})
    header_lines = "".join(f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in names)
    payload = request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
    return "\n".join(
        [
            request.method.upper(),
            _canonical_path(request.raw_path),
            _canonical_query(request.query_string),
            header_lines,
            ";".join(names),
            payload,
        ]
    )


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def expected_signature(request: MockRequest, auth: SigV4Header, secret_key: str) -> str:
    """The signature a client holding ``secret_key`` would have sent for ``request``."""
    amz_date = request.headers.get("x-amz-date", "")
    digest = hashlib.sha256(canonical_request(request, auth.signed_headers).encode("utf-8")).hexdigest()
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, auth.scope, digest])
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), auth.date)
    for part in (auth.region, auth.service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def signature_matches(request: MockRequest, auth: SigV4Header, secret_key: str) -> bool:
    """Whether ``auth.signature`` is right for ``request`` under ``secret_key`` (constant-time compare)."""
    return hmac.compare_digest(expected_signature(request, auth, secret_key), auth.signature)
