"""AI/ML API: see ``provider.py``."""

from mockserver.providers.aimlapi.provider import PROVIDER

__all__ = ["PROVIDER"]
