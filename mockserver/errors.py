"""Error values: a provider's error as a typed value (rendered by that provider, once), and the mock's own errors."""

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from mockserver.http import MockResponse

__all__ = ["ErrorKind", "MockError", "ProviderError"]


class ErrorKind(StrEnum):
    """What went wrong, in terms every provider has a status and wording for."""

    INVALID = "invalid"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    PAYMENT = "payment"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"
    CONTEXT = "context"
    """The prompt plus the requested output exceed the model's context window or output limit."""
    UNSUPPORTED = "unsupported"
    """The request uses a feature the model's capability matrix marks unsupported (``facts["capability"]``)."""
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    INTERNAL = "internal"
    UPSTREAM = "upstream"
    UNAVAILABLE = "unavailable"


class ProviderError(Exception):
    """An error the real provider would return, as a value: the engine has the provider render it.

    ``status`` and ``message`` may be left out for the kinds the engine raises (not found, too large, internal,
    throttled, context): the provider's renderer supplies its own status and words. ``details`` carries the
    envelope's extra members (OpenRouter ``metadata``/``user_id``, Bedrock exception name and namespace, ...),
    ``facts`` what the engine knew (limits, counts, the breached quota) for the provider's wording.
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
        facts: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message or kind.value)
        self.kind = kind
        self.message = message
        self.status = status
        self.code = code
        """The provider's own name for the error, e.g. a Bedrock exception (``ThrottlingException``)."""
        self.headers = dict(headers or {})
        self.details = dict(details or {})
        self.facts = dict(facts or {})


def _json(document: Any) -> bytes:
    # ASCII escapes: a lone surrogate echoed from the request cannot break the mock's own error.
    return json.dumps(document, separators=(",", ":")).encode()


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

    def document(self) -> dict[str, Any]:
        """The problem document."""
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
        return document

    def to_response(self) -> MockResponse:
        """Render as the mock's own problem document."""
        headers = {"content-type": "application/problem+json", "x-should-retry": "false", "x-mock-error": "true"}
        document = self.document()
        return MockResponse(self.status, headers, _json(document), problem=document)
