"""Run-time configuration shared by the server, the CLI and the in-process adapters."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["DEFAULT_FIXTURES", "MockConfig", "ServerLimits", "catalogue_path"]

_PACKAGE = Path(__file__).resolve().parent
# The bundled fixtures: inside the package in an installed wheel (pyproject.toml force-includes fixtures/ as
# mockserver/_fixtures), else the top-level fixtures/ beside the package (a source checkout or editable install).
DEFAULT_FIXTURES = _PACKAGE / "_fixtures" if (_PACKAGE / "_fixtures").is_dir() else _PACKAGE.parent / "fixtures"


@dataclass(slots=True)
class MockConfig:
    """How the mock behaves; every field has a safe default for offline tests."""

    fixtures_dir: Path = DEFAULT_FIXTURES
    """Folder holding ``<provider>/<operation>/*.json`` fixtures and ``<provider>/models.json`` catalogues."""
    strict: bool = False
    """Answer a request no fixture matches with the mock's own 404 instead of a generated reply."""
    seed: int = 0
    """Mixed into every generated reply; change it to get different (still deterministic) content."""
    root_provider: str | None = None
    """Also serve this provider at its upstream's own paths (``/api/v1/...`` for OpenRouter)."""
    api_keys: dict[str, list[str]] = field(default_factory=dict)
    """Per provider, the keys accepted; an empty or missing list accepts any non-empty key."""
    journal_size: int = 1000
    """How many requests the journal keeps (oldest dropped first)."""
    journal_bytes: int = 64 * 1024 * 1024
    """About how many bytes the journal keeps (bodies, headers, paths as received; oldest dropped first)."""
    journal_bodies: Literal["truncated", "full"] = "truncated"
    """``truncated``: bodies over 64 KiB keep their first 64 KiB as text, with size and sha256; ``full``: whole."""
    max_body_bytes: int = 8 * 1024 * 1024
    """Bodies above this get the provider's 413 (Bedrock allows 25,000,000 bytes, BR-MODEL)."""
    quirks: dict[str, str] = field(default_factory=dict)
    """Where docs and traffic disagree: quirk name -> chosen behaviour (see ``mockserver/quirks.py``)."""
    pace: float = 0.0
    """Stream/latency pacing from the catalogue's latency and throughput: 0 = off (tests), 1 = real time."""
    rate_limits: bool = False
    """Enforce the catalogue's request/token quotas with each provider's own 429 / ThrottlingException."""
    memo: bool = True
    """Keep what an identical request established (``engine/memo.py``); False answers every request in full."""
    sigv4_credentials: dict[str, str] = field(default_factory=dict)
    """Access key id -> secret key; when set, Bedrock SigV4 signatures are verified against them."""
    admin_token: str | None = None
    """Required on ``/__admin`` over HTTP (``x-mock-admin-token`` or ``Authorization: Bearer``) when set; when
    None and ``api_keys`` are set, any of those keys is required instead; when neither, admin is open."""
    admin_hosts: list[str] = field(default_factory=list)
    """``Host`` names the admin API answers besides localhost, 127.0.0.1 and ::1 (any port); ``*`` for any."""
    max_runtime_fixtures: int = 10_000
    """Fixtures ``POST /__admin/fixtures`` may hold until a reset; beyond, spent ones go, then the mock's 413."""
    max_runtime_fixture_bytes: int = 64 * 1024 * 1024
    """The bytes those run-time fixtures' documents may hold in all (same refusal)."""


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What one HTTP listener allows a client: uvicorn's own limits plus those it lacks (``mockserver serve``)."""

    header_timeout: float = 10.0
    """Seconds from a connection (or a request's first byte) to the end of its headers; then 408 and close."""
    body_timeout: float = 60.0
    """Seconds from the end of the headers to the end of the body; then 408 and close."""
    keep_alive_timeout: int = 5
    """Seconds an idle keep-alive connection stays open between requests (uvicorn's ``timeout_keep_alive``)."""
    send_timeout: float = 60.0
    """Seconds a client may leave the server's send buffer full (not reading) before the connection is dropped."""
    max_connections: int = 1000
    """Open connections; beyond them the longest-idle one (>= 1 s without a request) is closed, else 503."""
    max_header_bytes: int = 64 * 1024
    """Request line and headers; more is a 431 and close."""


def catalogue_path(config: MockConfig, provider: str) -> Path:
    """``<fixtures>/<provider>/models.json``, or the bundled catalogue when a custom folder has none."""
    path = Path(config.fixtures_dir) / provider / "models.json"
    return path if path.is_file() else DEFAULT_FIXTURES / provider / "models.json"
