"""Offline mock of the OpenRouter, AI/ML API and AWS Bedrock runtime APIs for Llama 4."""

from mockserver.config import MockConfig
from mockserver.core import MockCore

__all__ = ["MockConfig", "MockCore"]
