"""In-process adapters: httpx/httpx2 (openai SDK) and botocore (boto3) requests answered by ``MockCore``.

The adapters load on first use (PEP 562): ``mockserver serve`` imports ``mockserver.inprocess.server`` and so
this package, and must not pay for botocore and httpx at start-up.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.inprocess.base import MockAssertionError, ProviderMock
    from mockserver.inprocess.botocore import BedrockMock, mock_bedrock
    from mockserver.inprocess.httpx import HttpxMock, mock_aimlapi, mock_openrouter

__all__ = [
    "BedrockMock",
    "HttpxMock",
    "MockAssertionError",
    "ProviderMock",
    "mock_aimlapi",
    "mock_bedrock",
    "mock_openrouter",
]
_HOMES = {"MockAssertionError": "base", "ProviderMock": "base", "BedrockMock": "botocore", "mock_bedrock": "botocore",
          "HttpxMock": "httpx", "mock_aimlapi": "httpx", "mock_openrouter": "httpx"}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
