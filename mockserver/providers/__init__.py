"""The providers the mock serves, each a ``ProviderSpec`` built in its own package."""

from mockserver.core import ProviderSpec

__all__ = ["all_providers"]


def all_providers() -> list[ProviderSpec]:
    """Every provider, in mount order."""
    from mockserver.providers import aimlapi, bedrock, openrouter

    return [p.PROVIDER for p in (openrouter, aimlapi, bedrock) if hasattr(p, "PROVIDER")]
