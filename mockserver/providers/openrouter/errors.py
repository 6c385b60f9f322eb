"""OpenRouter's error envelope ``{"error": {"message", "code", "metadata"?}, "user_id"?}`` (OR-SPEC, OR-DOCS)."""

from collections.abc import Mapping
from typing import Any

from mockserver.errors import ProviderError
from mockserver.http import MockResponse, json_response

__all__ = ["OpenRouterError"]

# Observed response headers on api/v1 ([obs] pydantic-ai and llm-openrouter cassettes, wire-contracts 1.1).
BASE_HEADERS = {
    "access-control-allow-origin": "*",
    "vary": "Accept-Encoding",
    "permissions-policy": (
        'payment=(self "https://checkout.stripe.com" "https://connect-js.stripe.com" '
        '"https://js.stripe.com" "https://*.js.stripe.com" "https://hooks.stripe.com")'
    ),
    "referrer-policy": "no-referrer, strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
}


class OpenRouterError(ProviderError):
    """An error as OpenRouter sends it; HTTP status equals ``error.code`` for request-level errors."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        metadata: Mapping[str, Any] | None = None,
        user_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, headers)
        self.metadata = dict(metadata) if metadata is not None else None
        self.user_id = user_id

    def document(self) -> dict[str, Any]:
        """The JSON body; ``user_id`` is a top-level sibling, absent on 401 ([obs] 400/402/403/429 samples)."""
        error: dict[str, Any] = {"message": self.message, "code": self.status}
        if self.metadata is not None:
            error["metadata"] = self.metadata
        document: dict[str, Any] = {"error": error}
        if self.user_id:
            document["user_id"] = self.user_id
        return document

    def to_response(self) -> MockResponse:
        """Render with OpenRouter's headers."""
        return json_response(self.status, self.document(), BASE_HEADERS | self.headers)
