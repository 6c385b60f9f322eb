"""The AWS Bedrock runtime: see ``provider.py``."""

from mockserver.providers.bedrock.provider import PROVIDER

__all__ = ["PROVIDER"]
