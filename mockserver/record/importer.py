"""``mockserver fixtures import``: recorded traffic (``cassettes.py``) to fixtures, as ``mockserver record`` writes.

A request is the providers' when its URL is under a registry upstream URL (Bedrock: any region's runtime host);
the engine's own routing names the operation and reads the query a replay will be matched with, and the
recorder's writer cuts the secrets and keeps stream bytes as they were recorded.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mockserver.behaviour.fixtures import split_frames
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.call import Provider
from mockserver.http import MockRequest
from mockserver.record.cassettes import Recorded, Skipped, read_traffic
from mockserver.record.framing import framing_of
from mockserver.record.redact import Redactor
from mockserver.record.upstream import REGION, strip_secrets
from mockserver.record.writer import Exchange, write_fixture

__all__ = ["Report", "import_files", "locate"]

# Bedrock runtime hosts, one per region (AWS general reference, "Amazon Bedrock endpoints"), FIPS ones too.
_BEDROCK_HOST = re.compile(rf"bedrock-runtime(?:-fips)?\.{REGION.pattern}\.amazonaws\.com")
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(slots=True)
class Report:
    """What an import wrote and what it left out."""

    written: list[tuple[str, Path]] = field(default_factory=list)
    """(``file#N``, the fixture JSON written)."""
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    """Files that could not be read at all."""


def _host(url: str) -> tuple[str, int | None, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(parts.scheme), parts.path


def locate(providers: Iterable[Provider], url: str) -> tuple[Provider, str] | None:
    """The provider whose upstream URL ``url`` is under, and the mock path (mount + the rest, still encoded)."""
    host, port, path = _host(url)
    query = urlsplit(url).query
    for provider in providers:
        base_host, base_port, base_path = _host(provider.upstream_base_url)
        if provider.name == "bedrock":
            ok = bool(_BEDROCK_HOST.fullmatch(host)) and port == base_port
        else:
            ok = (host, port) == (base_host, base_port) and (path + "/").startswith(base_path.rstrip("/") + "/")
        if ok:
            rest = path[len(base_path.rstrip("/")) :] if provider.name != "bedrock" else path
            return provider, provider.mount + rest + (f"?{query}" if query else "")
    return None


def _exchange(core: MockCore, item: Recorded) -> Exchange | str:
    """The exchange to write for ``item``, or the reason it is skipped."""
    found = locate(core.providers.values(), item.url)
    if found is None:
        return f"not a provider URL ({strip_secrets(item.url)[:100]})"
    provider, path = found
    request = MockRequest.build(item.method, path, item.request_headers, item.request_body)
    call = core.begin(request)
    operation = call.operation
    if operation is None:
        return f"{provider.name}: {item.method} {urlsplit(item.url).path[:80]} is not an operation the mock serves"
    if operation.respond is not None or not operation.generates:
        return f"{provider.name} {operation.name}: unsupported operation (the mock answers it, not fixtures)"
    query = core.query_of(call)
    if query is None:
        return f"{provider.name} {operation.name}: the request body is not one the provider accepts"
    if not 200 <= item.status < 300:
        return f"{provider.name} {operation.name}: status {item.status} (only successful answers become fixtures)"
    framing = framing_of(item.response_headers.get("content-type"))
    frames = split_frames(item.response_body, framing) if framing != "raw" else [item.response_body]
    redactor = Redactor(request.headers)
    return Exchange(provider.name, operation.name, request, strip_secrets(item.url), query, redactor,
                    item.status, item.response_headers, framing, 0.0, frames, [])  # fmt: skip


def import_files(paths: Iterable[Path], out: Path) -> Report:
    """Import every cassette or HAR file in ``paths`` into the fixtures folder ``out``."""
    core = MockCore(MockConfig(journal_size=1, pace=0.0, rate_limits=False))  # routing and reading only
    report = Report()
    for path in paths:
        try:
            found, skipped = read_traffic(path)
        except ValueError as exc:
            report.failed.append((path, str(exc)))
            continue
        report.skipped += skipped
        for item in found:
            exchange = _exchange(core, item)
            if isinstance(exchange, str):
                report.skipped.append(Skipped(item.where, exchange))
                continue
            source = f"mockserver fixtures import {item.where}"
            written = write_fixture(out, exchange, item.recorded_at, source=source)
            report.written.append((item.where, written))
    return report
