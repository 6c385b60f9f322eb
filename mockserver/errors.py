"""Error types: provider errors in each provider's native shape, and the mock's own errors."""

from collections.abc import Mapping
from typing import Any

from mockserver.http import MockResponse, json_response

__all__ = ["MockError", "ProviderError"]


class ProviderError(Exception):
    """An error the real provider would return; each provider subclasses it with its own envelope."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def to_response(self) -> MockResponse:
        """Render the error exactly as the provider sends it."""
        raise NotImplementedError


class MockError(Exception):
    """An error of the mock itself (no fixture matched, bad configuration), never a provider's.

    Sent as RFC 9457 problem+json with a 4xx status and ``x-should-retry: false``: the openai
    SDK retries 408/409/429/5xx unless that header says otherwise (openai-python ``_should_retry``).
    """

    def __init__(
        self, title: str, detail: str, *, status: int = 400, fix: str = "", extra: Mapping[str, Any] | None = None
    ):
        super().__init__(f"{title}: {detail}")
        self.title = title
        self.detail = detail
        self.status = status
        self.fix = fix
        self.extra = dict(extra or {})

    def to_response(self) -> MockResponse:
        """Render as the mock's own problem document."""
        document: dict[str, Any] = {
            "type": "https://github.com/llama-mockkit/llama-mockkit#mock-errors",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "mock": True,
        }
        if self.fix:
            document["fix"] = self.fix
        document.update(self.extra)
        response = json_response(self.status, document, {"x-should-retry": "false", "x-mock-error": "true"})
        response.headers["content-type"] = "application/problem+json"
        return response
