"""Bedrock runtime errors in the shape botocore parses: ``{"message"}`` plus ``x-amzn-ErrorType``.

botocore's ``RestJSONParser`` takes the error code from the ``x-amzn-ErrorType`` header, splitting off
everything after ``:`` (BOTOCORE parsers.py ``_inject_error_code``); real responses carry the Coral
namespace suffix ([obs] wire-contracts §3.8). In-stream errors are event-stream frames with
``:message-type exception`` and a camelCase ``:exception-type`` (BOTOCORE ``EventStream``; §3.7).
"""

from dataclasses import dataclass
from typing import Any

from contracts.registry import stream_exceptions
from contracts.wire.eventstream import encode_exception
from mockserver.engine.call import Call
from mockserver.errors import ErrorKind, ProviderError
from mockserver.http import MockResponse, json_bytes

__all__ = [
    "BEDROCK_NS",
    "CORAL_NS",
    "EXCEPTIONS",
    "FAULTS",
    "STREAM_EXCEPTIONS",
    "ExceptionInfo",
    "exception",
    "exception_frame",
    "render_error",
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
    kind: ErrorKind = ErrorKind.INVALID


# Statuses from BR-MODEL `error.httpStatusCode`. Messages: [obs]/[3p] where noted, else assumed.
_Info = ExceptionInfo
EXCEPTIONS: dict[str, ExceptionInfo] = {
    "ValidationException": _Info(400, "Input validation failed. Check your request parameters and retry the request."),
    # [3p]
    "AccessDeniedException": _Info(
        403, "You don't have access to the model with the specified model ID.", ErrorKind.FORBIDDEN
    ),
    "ResourceNotFoundException": ExceptionInfo(
        404, "The requested resource was not found.", ErrorKind.NOT_FOUND
    ),  # assumed
    "ModelTimeoutException": _Info(
        408, "Model has timed out in processing the request. Try your request again.", ErrorKind.TIMEOUT
    ),
    # [3p] widely reproduced
    "ThrottlingException": _Info(429, "Too many requests, please wait before trying again.", ErrorKind.THROTTLED),
    "ModelNotReadyException": ExceptionInfo(
        429, "Model is not ready to serve inference requests. Try again later.", ErrorKind.UNAVAILABLE
    ),
    "ServiceQuotaExceededException": ExceptionInfo(
        400, "Your request exceeds the service quota for your account.", ErrorKind.THROTTLED
    ),
    "ModelErrorException": ExceptionInfo(
        424, "The model returned an error while processing the request.", ErrorKind.UPSTREAM
    ),
    "ModelStreamErrorException": _Info(
        424, "An error occurred while streaming the response. Retry your request.", ErrorKind.UPSTREAM
    ),
    "InternalServerException": ExceptionInfo(
        500, "The server encountered an internal error. Retry your request.", ErrorKind.INTERNAL
    ),
    "ServiceUnavailableException": ExceptionInfo(
        503, "Bedrock is unable to process your request.", ErrorKind.UNAVAILABLE
    ),  # [3p]
    # Front-door (Coral) errors, not in BR-MODEL; botocore still raises them by code.
    "UnknownOperationException": ExceptionInfo(
        404, "Unknown operation.", ErrorKind.NOT_FOUND
    ),  # assumed Coral behaviour
    "InvalidSignatureException": _Info(
        403,
        "The request signature we calculated does not match the signature you "
        "provided. Check your AWS Secret Access Key and signing method. Consult "
        "the service documentation for details.",
        ErrorKind.UNAUTHORIZED,
    ),
    "IncompleteSignatureException": ExceptionInfo(
        403, "Authorization header requires 'Credential' parameter.", ErrorKind.UNAUTHORIZED
    ),
    # [obs] Aider-AI/aider#1986
    "UnrecognizedClientException": _Info(
        403, "The security token included in the request is invalid.", ErrorKind.UNAUTHORIZED
    ),
}

# Camel-case in-stream exception members of both streams (BR-MODEL, read from contracts.registry).
STREAM_EXCEPTIONS = stream_exceptions("bedrock", "invoke_model_with_response_stream") | stream_exceptions(
    "bedrock", "converse_stream"
)


def exception(
    name: str, message: str | None = None, *, namespace: str = BEDROCK_NS, message_key: str = "message"
) -> ProviderError:
    """A Bedrock exception by its botocore name (``EXCEPTIONS``); ``message`` None: its default wording."""
    info = EXCEPTIONS.get(name, ExceptionInfo(400, name))
    details = {"namespace": namespace, "message_key": message_key}
    return ProviderError(info.kind, message or info.message, status=info.status, code=name, details=details)


def validation(message: str) -> ProviderError:
    """A 400 ValidationException with ``message``."""
    return exception("ValidationException", message)


# Input over the context window: [obs] aws-samples/assessment-generator#2 (ValidationException, 400) and
# aws-samples/bedrock-chat#95 (the same words in-stream). maxTokens over the output limit: [obs] vercel/ai#2772,
# sigoden/aichat#813 (other models; the same service-side check).
TOO_LONG = "Input is too long for requested model."


# The request member each feature is sent in (BR-MODEL ConverseRequest / CountTokens).
_MEMBERS = {
    "tool_choice.any": "toolConfig.toolChoice.any",
    "tool_choice.tool": "toolConfig.toolChoice.tool",
    "guardrails": "guardrailConfig",
    "service_tier.priority": "serviceTier",
    "service_tier.flex": "serviceTier",
    "service_tier.reserved": "serviceTier",
    "latency_optimized": "performanceConfig",
    "prompt_caching": "cachePoint",
    "reasoning": "additionalModelRequestFields.reasoning_config",
    "documents": "document",
    "system": "system",
    "vision": "image",
}


def _unsupported(feature: str) -> ProviderError:
    if feature == "count_tokens":
        # [obs] maximhq/bifrost#2169, strands-agents/harness-sdk#2250: ValidationException (400).
        return validation("The provided model doesn't support counting tokens.")
    # [obs] run-llama/llama_index#19886, strands-agents/sdk-python#1241 (toolChoice.any / .tool on Llama);
    # the same sentence is assumed for the other members the matrix refuses.
    member = _MEMBERS.get(feature, feature)
    return validation(f"This model doesn't support the {member} field. Remove {member} and try again.")


def _worded(call: Call, exc: ProviderError) -> ProviderError:
    """Give the engine's own kinds (raised without words) Bedrock's exception and wording."""
    if exc.message is not None:
        return exc
    if exc.kind in (ErrorKind.NOT_FOUND, ErrorKind.METHOD_NOT_ALLOWED):
        # Assumed: the Coral front door answers an unrouted path with UnknownOperationException (404).
        return exception("UnknownOperationException", namespace=CORAL_NS)
    if exc.kind is ErrorKind.TOO_LARGE:
        # BR-MODEL Body max 25,000,000 bytes; the service's wording for larger bodies is assumed.
        return validation(f"Request body size exceeds the maximum of {exc.facts['limit']} bytes.")
    if exc.kind is ErrorKind.THROTTLED:
        # BR-MODEL ThrottlingException (429); message [3p] widely reproduced; no rate-limit headers (3.8).
        return exception("ThrottlingException")
    if exc.kind is ErrorKind.UNSUPPORTED:
        return _unsupported(exc.facts["feature"])
    if exc.kind is ErrorKind.CONTEXT:
        limit = exc.facts["max_output"]
        if exc.facts["wanted"] > limit:
            return validation(
                f"The maximum tokens you requested exceeds the model limit of {limit}. "
                f"Try again with a maximum tokens value that is lower than {limit}."
            )
        return validation(TOO_LONG)
    return exception("InternalServerException")


def render_error(call: Call, exc: ProviderError) -> MockResponse:
    """Render as the real service does: JSON message body, error-type and request-id headers."""
    exc = _worded(call, exc)
    name = exc.code or "InternalServerException"
    document: dict[str, object] = {exc.details.get("message_key", "message"): exc.message}
    body = json_bytes(document)
    headers = {
        "content-type": "application/json",
        "x-amzn-errortype": f"{name}:{exc.details.get('namespace', BEDROCK_NS)}",
        "x-amzn-requestid": call.uuid(),
        **exc.headers,
    }
    return MockResponse(exc.status or 400, headers, body)


def exception_frame(event_name: str, message: str | None = None) -> bytes:
    """An in-stream exception frame for a camelCase member name such as ``throttlingException``."""
    name = STREAM_EXCEPTIONS[event_name]
    document: dict[str, object] = {"message": message or EXCEPTIONS[name].message}
    if name == "ModelStreamErrorException":  # BR-MODEL adds originalStatusCode / originalMessage
        document.update(originalStatusCode=500, originalMessage="Model stream interrupted.")
    return encode_exception(event_name, json_bytes(document))


def _fault(name: str) -> Any:
    return lambda call: exception(name)


# ``x-mock-fault: <ExceptionName>``: any Bedrock exception, botocore raises it as ``ClientError`` with that code.
FAULTS = {name: _fault(name) for name in EXCEPTIONS}
