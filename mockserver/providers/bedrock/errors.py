"""Bedrock runtime errors in the shape botocore parses: ``{"message"}`` plus ``x-amzn-ErrorType``.

botocore's ``RestJSONParser`` takes the error code from the ``x-amzn-ErrorType`` header, splitting off
everything after ``:`` (BOTOCORE parsers.py ``_inject_error_code``); real responses carry the Coral
namespace suffix ([obs] wire-contracts §3.8). In-stream errors are event-stream frames with
``:message-type exception`` and a camelCase ``:exception-type`` (BOTOCORE ``EventStream``; §3.7).
"""

import json
import uuid
from dataclasses import dataclass

from mockserver.errors import ProviderError
from mockserver.http import MockResponse
from mockserver.wire.eventstream import encode_exception

__all__ = [
    "BEDROCK_NS",
    "CORAL_NS",
    "EXCEPTIONS",
    "STREAM_EXCEPTIONS",
    "BedrockError",
    "ExceptionInfo",
    "exception_frame",
    "validation",
]

BEDROCK_NS = "http://internal.amazon.com/coral/com.amazon.bedrock/"
CORAL_NS = "http://internal.amazon.com/coral/com.amazon.coral.service/"
"""Namespace of the front door's own errors (auth, unknown operation): [obs] karthink/gptel#1397 capture."""


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """Status and default message of one Bedrock exception."""

    status: int
    message: str


# Statuses from BR-MODEL `error.httpStatusCode`. Messages: [obs]/[3p] where noted, else assumed.
_Info = ExceptionInfo
EXCEPTIONS: dict[str, ExceptionInfo] = {
    "ValidationException": _Info(400, "Input validation failed. Check your request parameters and retry the request."),
    # [3p]
    "AccessDeniedException": _Info(403, "You don't have access to the model with the specified model ID."),
    "ResourceNotFoundException": ExceptionInfo(404, "The requested resource was not found."),  # assumed
    "ModelTimeoutException": _Info(408, "Model has timed out in processing the request. Try your request again."),
    # [3p] widely reproduced
    "ThrottlingException": _Info(429, "Too many requests, please wait before trying again."),
    "ModelNotReadyException": ExceptionInfo(429, "Model is not ready to serve inference requests. Try again later."),
    "ServiceQuotaExceededException": ExceptionInfo(400, "Your request exceeds the service quota for your account."),
    "ModelErrorException": ExceptionInfo(424, "The model returned an error while processing the request."),
    "ModelStreamErrorException": _Info(424, "An error occurred while streaming the response. Retry your request."),
    "InternalServerException": ExceptionInfo(500, "The server encountered an internal error. Retry your request."),
    "ServiceUnavailableException": ExceptionInfo(503, "Bedrock is unable to process your request."),  # [3p]
    # Front-door (Coral) errors, not in BR-MODEL; botocore still raises them by code.
    "UnknownOperationException": ExceptionInfo(404, "Unknown operation."),  # assumed Coral behaviour
    "InvalidSignatureException": _Info(
        403,
        "The request signature we calculated does not match the signature you "
        "provided. Check your AWS Secret Access Key and signing method. Consult "
        "the service documentation for details.",
    ),
    "IncompleteSignatureException": ExceptionInfo(403, "Authorization header requires 'Credential' parameter."),
    # [obs] Aider-AI/aider#1986
    "UnrecognizedClientException": _Info(403, "The security token included in the request is invalid."),
}

# Members of BR-MODEL ResponseStream / ConverseStreamOutput that are exceptions, by camelCase event name.
STREAM_EXCEPTIONS = {
    "internalServerException": "InternalServerException",
    "modelStreamErrorException": "ModelStreamErrorException",
    "validationException": "ValidationException",
    "throttlingException": "ThrottlingException",
    "modelTimeoutException": "ModelTimeoutException",
    "serviceUnavailableException": "ServiceUnavailableException",
}


class BedrockError(ProviderError):
    """A Bedrock exception by its botocore name, rendered as the service sends it."""

    def __init__(
        self,
        name: str,
        message: str | None = None,
        *,
        namespace: str = BEDROCK_NS,
        message_key: str = "message",
        extra: dict[str, object] | None = None,
    ) -> None:
        info = EXCEPTIONS.get(name, ExceptionInfo(400, name))
        super().__init__(info.status, message if message is not None else info.message)
        self.name = name
        self.namespace = namespace
        self.message_key = message_key
        self.extra = dict(extra or {})

    def to_response(self) -> MockResponse:
        """Render as the real service does: JSON message body, error-type and request-id headers."""
        document: dict[str, object] = {self.message_key: self.message, **self.extra}
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {
            "content-type": "application/json",
            "x-amzn-errortype": f"{self.name}:{self.namespace}",
            "x-amzn-requestid": str(uuid.uuid4()),
            **self.headers,
        }
        return MockResponse(self.status, headers, body)


def validation(message: str) -> BedrockError:
    """A 400 ValidationException with ``message``."""
    return BedrockError("ValidationException", message)


def exception_frame(event_name: str, message: str | None = None) -> bytes:
    """An in-stream exception frame for a camelCase member name such as ``throttlingException``."""
    name = STREAM_EXCEPTIONS[event_name]
    document: dict[str, object] = {"message": message or EXCEPTIONS[name].message}
    if name == "ModelStreamErrorException":  # BR-MODEL adds originalStatusCode / originalMessage
        document.update(originalStatusCode=500, originalMessage="Model stream interrupted.")
    return encode_exception(event_name, json.dumps(document, separators=(",", ":")).encode())
