"""Run-time configuration shared by the server, the CLI and the in-process adapters."""

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEFAULT_FIXTURES", "MockConfig", "catalogue_path"]

DEFAULT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
    max_body_bytes: int = 8 * 1024 * 1024
    """Bodies above this get the provider's 413 (Bedrock allows 25,000,000 bytes, BR-MODEL)."""
    quirks: dict[str, str] = field(default_factory=dict)
    """Where docs and traffic disagree: quirk name -> chosen behaviour (see ``mockserver/quirks.py``)."""
    pace: float = 0.0
    """Stream/latency pacing from the catalogue's latency and throughput: 0 = off (tests), 1 = real time."""
    rate_limits: bool = False
    """Enforce the catalogue's request/token quotas with each provider's own 429 / ThrottlingException."""
    sigv4_credentials: dict[str, str] = field(default_factory=dict)
    """Access key id -> secret key; when set, Bedrock SigV4 signatures are verified against them."""


def catalogue_path(config: MockConfig, provider: str) -> Path:
    """``<fixtures>/<provider>/models.json``, or the bundled catalogue when a custom folder has none."""
    path = Path(config.fixtures_dir) / provider / "models.json"
    return path if path.is_file() else DEFAULT_FIXTURES / provider / "models.json"
