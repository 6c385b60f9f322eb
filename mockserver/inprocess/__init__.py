"""In-process adapters: httpx/httpx2 (openai SDK) and botocore (boto3) requests answered by ``MockCore``."""

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
