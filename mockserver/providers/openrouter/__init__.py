"""OpenRouter: see ``provider.py``."""

from mockserver.providers.openrouter.provider import PROVIDER

__all__ = ["PROVIDER"]
