"""AI/ML API's error envelope ``{requestId, statusCode, timestamp, path, message}`` (AIML-DOCS general-info.md)."""

import time
import uuid
from collections.abc import Mapping

from mockserver.errors import ProviderError
from mockserver.http import MockResponse, json_response

__all__ = ["AimlError"]


class AimlError(ProviderError):
    """An error as AI/ML API sends it (not OpenAI's ``{"error": …}``)."""

    def __init__(
        self, status: int, message: str, path: str = "/v1/chat/completions", headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, message, headers)
        self.path = path

    def to_response(self) -> MockResponse:
        """Render the envelope; ``statusCode`` is a number as in the batch example (AIML-DOCS batch-processing.md)."""
        now = time.time()
        document = {
            "requestId": str(uuid.uuid4()),
            "statusCode": self.status,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z",
            "path": self.path,
            "message": self.message,
        }
        return json_response(self.status, document, self.headers)
