"""AI/ML API's error envelopes: the documented ``{requestId, statusCode, timestamp, path, message}`` and the 2026
problem+json one (quirk ``aimlapi.errors``)."""

import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockserver.errors import ProviderError
from mockserver.http import MockResponse, json_response
from mockserver.behaviour.quirks import quirk

if TYPE_CHECKING:
    from mockserver.core import Call

__all__ = ["AimlError", "upstream_path"]


def upstream_path(call: "Call") -> str:
    """The request path as AI/ML API would see it (``/v1/...``), whether sent to the mount or the root."""
    segments = call.request.segments
    return "/" + "/".join(segments[1:] if segments[:1] == ["aimlapi"] else segments)


class AimlError(ProviderError):
    """An error as AI/ML API sends it (not OpenAI's ``{"error": …}``)."""

    def __init__(
        self, status: int, message: str, path: str = "/v1/chat/completions", headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, message, headers)
        self.path = path
        self.style = "documented"
        """The ``aimlapi.errors`` quirk, set by the handler that saw the request."""

    @classmethod
    def for_call(cls, call: "Call", status: int, message: str, headers: Mapping[str, str] | None = None) -> "AimlError":
        """An error for this request: its upstream path, and the envelope the ``aimlapi.errors`` quirk chooses."""
        error = cls(status, message, upstream_path(call), headers)
        error.style = quirk("aimlapi.errors", call.config.quirks, call.request)
        return error

    def to_response(self) -> MockResponse:
        """Render the envelope; ``statusCode`` is a number as in the batch example (AIML-DOCS batch-processing.md)."""
        now = time.time()
        timestamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        if self.style == "problem-2026":
            return self._problem(timestamp)
        document = {
            "requestId": str(uuid.uuid4()),
            "statusCode": self.status,
            "timestamp": timestamp,
            "path": self.path,
            "message": self.message,
        }
        return json_response(self.status, document, self.headers)

    def _problem(self, timestamp: str) -> MockResponse:
        # [obs] api-evangelist/aimlapi errors/aimlapi-problem-types.yml (live probe 2026-08-30): 401 and 404 shapes;
        # the other titles/exception names follow the same NestJS pattern (assumed).
        title, name = _PROBLEMS.get(self.status, ("Error", "HttpException"))
        document = {
            "title": title,
            "status": self.status,
            "message": self.message,
            "instance": self.path,
            "requestId": str(uuid.uuid4()),
            "timestamp": timestamp,
            "error": {"name": name, "message": self.message},
        }
        response = json_response(self.status, document, self.headers)
        response.headers["content-type"] = "application/problem+json; charset=utf-8"
        return response


_PROBLEMS = {
    400: ("Bad Request", "BadRequestException"),
    401: ("Unauthorized", "UnauthorizedException"),
    403: ("Forbidden", "ForbiddenException"),
    404: ("Not Found", "NotFoundException"),
    413: ("Payload Too Large", "PayloadTooLargeException"),
    429: ("Too Many Requests", "ThrottlerException"),
    500: ("Internal Server Error", "InternalServerErrorException"),
    502: ("Bad Gateway", "BadGatewayException"),
    503: ("Service Unavailable", "ServiceUnavailableException"),
    504: ("Gateway Timeout", "GatewayTimeoutException"),
}
