"""Where the recorder may send a request: the providers' own hosts (or the operator's ``--upstream``), never a
host or path the client chose.

A client's request carries the client's key, and a re-signed Bedrock request carries the recorder's own AWS
credentials (session token included), so the destination is built only from the registry's provider hosts,
an AWS region name of the documented shape, and the path below the mount with no dot segment.
"""

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from mockserver.engine.call import Provider
from mockserver.errors import MockError

__all__ = ["REGION", "Destinations", "check_region", "forwarded_path", "resign", "strip_secrets"]

REGION = re.compile(r"[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}")
"""AWS region names: ``us-east-1``, ``eu-central-2``, ``us-gov-west-1``, ``ap-southeast-7`` (AWS general reference,
"Regional endpoints"); nothing else may become part of a host name."""
# What SigV4 signs and a new signature replaces (BOTOCORE auth.py SigV4Auth.add_auth).
_SIGV4_HEADERS = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
_BEDROCK_HOST = re.compile(r"bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com")
_AWS_HOST = re.compile(rf"bedrock-runtime(?:-fips)?\.{REGION.pattern}\.amazonaws\.com")
_SIGNING_NAME = "bedrock"  # not bedrock-runtime (BR-MODEL metadata.signingName)


def strip_secrets(url: str) -> str:
    """``url`` without user info or query string (for messages and provenance)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_region(region: str, where: str) -> str:
    """``region`` if it is shaped like an AWS region name, else the mock's own 400 naming ``where`` it came from."""
    if REGION.fullmatch(region):
        return region
    raise MockError(
        "Region refused",
        f"{where} names the AWS region {region[:64]!r}, which is not a region name (e.g. us-east-1); "
        "the recorder builds the upstream host from it, so it is not used",
        fix="Sign for a real region (e.g. us-west-2), or run `mockserver record --region REGION`.",
    )


def forwarded_path(raw_parts: list[str]) -> str:
    """The raw path below the mount, empty segments dropped; a ``.`` or ``..`` segment (even encoded) is refused."""
    for part in raw_parts:
        decoded = unquote(part)
        if any(piece in (".", "..") for piece in re.split(r"[/\\]", decoded)):
            raise MockError(
                "Path not forwarded",
                f"the path segment {part[:64]!r} climbs out of the provider's base URL (a dot segment); the "
                "recorder forwards nothing with the client's key outside it",
                fix="Call the provider's own paths below the mount, e.g. /openrouter/api/v1/chat/completions.",
            )
    return "/".join(part for part in raw_parts if part)


class Destinations:
    """The allow-list: each provider's real host (Bedrock: per validated region) or its ``--upstream``."""

    def __init__(self, upstreams: Mapping[str, str], region: str | None) -> None:
        self.upstreams = {name: url.rstrip("/") for name, url in upstreams.items()}
        self.region = check_region(region, "--region") if region else None

    def base(self, spec: Provider, client_region: str | None) -> str:
        """The base URL to forward ``spec``'s requests to (``client_region``: the one the client signed for)."""
        if spec.name in self.upstreams:
            return self.upstreams[spec.name]
        region = self.region or client_region  # the client's was checked by ``forward`` (check_region)
        if spec.name == "bedrock" and region:  # the region the client meant, not the catalogue default
            return spec.facts.upstream_url(region).rstrip("/")
        return spec.upstream_base_url.rstrip("/")

    def check(self, spec: Provider, url: str) -> None:
        """Refuse ``url`` unless its scheme and host are ``spec``'s own (or its ``--upstream``'s): belt and braces."""
        target = urlsplit(url)
        if spec.name in self.upstreams:
            allowed = urlsplit(self.upstreams[spec.name])
            ok = (target.scheme, target.netloc) == (allowed.scheme, allowed.netloc)
        elif spec.name == "bedrock":
            ok = target.scheme == "https" and bool(_AWS_HOST.fullmatch(target.netloc))
        else:
            allowed = urlsplit(spec.upstream_base_url)
            ok = (target.scheme, target.netloc) == (allowed.scheme, allowed.netloc)
        if not ok or target.fragment or "#" in url:
            raise MockError(
                "Upstream refused",
                f"{spec.name} requests go to the provider's own host only, not {target.netloc[:80]!r}",
                fix=f"Call the mount's own paths; override the upstream with --upstream {spec.name}=URL.",
            )


Regions = tuple[str | None, str | None]


def resign(
    credentials: Any, method: str, url: str, headers: dict[str, str], body: bytes, regions: Regions
) -> dict[str, str]:
    """``headers`` signed anew for ``url`` with ``credentials`` (botocore's), replacing the client's signature.

    Called only for a ``url`` that ``Destinations.check`` let through: the recorder's own credentials go to the
    provider's host (or the operator's ``--upstream``) and nowhere else. ``regions``: (``--region``, the
    client's); the scope's region is the first of ``--region``, the host's, the client's and us-east-1.
    """
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    host_region = _BEDROCK_HOST.fullmatch(urlsplit(url).hostname or "")
    region = regions[0] or (host_region[1] if host_region else None) or regions[1] or "us-east-1"
    unsigned = {k: v for k, v in headers.items() if k not in _SIGV4_HEADERS}
    aws = AWSRequest(method=method, url=url, data=body, headers=unsigned)
    scope = check_region(region, "the signing scope")
    SigV4Auth(credentials.get_frozen_credentials(), _SIGNING_NAME, scope).add_auth(aws)
    return {k.lower(): v for k, v in aws.headers.items()}
