"""The providers the mock serves: one folder each, declared in its ``provider.py``."""

from mockserver.engine.call import Provider
from mockserver.providers import aimlapi, bedrock, openrouter

__all__ = ["all_providers"]


def all_providers() -> list[Provider]:
    """Every provider, in mount order."""
    return [openrouter.PROVIDER, aimlapi.PROVIDER, bedrock.PROVIDER]
