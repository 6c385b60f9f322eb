"""The one list of provider facts: mounts, upstream URLs, keys, models, operations and their kinds.

Both packages read it: ``mockserver`` mounts and routes from it, ``contracts`` sends, validates and
generates from it. Kinds name ``contracts/schemas/<provider>/<kind>.json`` (documents and stream
events) or a stream grammar of ``contracts.validate`` (``chat-stream``, ``invoke-stream``,
``converse-stream``). This module is a leaf: it imports nothing of the product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DEFAULT_REGION",
    "EVENTSTREAM",
    "JSON",
    "MOUNTS",
    "NAMES",
    "PROVIDERS",
    "SSE",
    "Operation",
    "Provider",
    "Stream",
    "UnknownName",
    "operation",
    "provider",
    "stream_exceptions",
    "upstream_url",
]

DEFAULT_REGION = "us-east-1"
JSON = "application/json"
SSE = "text/event-stream"  # OR-DOCS streaming.mdx; AIML-SPEC stream responses
EVENTSTREAM = "application/vnd.amazon.eventstream"  # BR-MODEL ResponseStream/ConverseStreamOutput; wire-contracts §3.7


class UnknownName(LookupError):
    """No provider or operation of that name is registered."""


@dataclass(frozen=True, slots=True)
class Stream:
    """How an operation streams: the transcript's grammar kind, each event's schema kind, media type, errors."""

    kind: str
    """Grammar kind of the whole transcript, e.g. ``converse-stream``."""
    event: str
    """Schema kind of one event (SSE data chunk or event-stream event payload)."""
    media_type: str
    events: tuple[str, ...] = ()
    """Event-stream event members (``:event-type``), in the service model's order."""
    exceptions: tuple[tuple[str, str], ...] = ()
    """Event-stream exception members: camelCase ``:exception-type`` -> PascalCase exception shape."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One provider operation: the provider's own name, method, paths under the base URL and kinds."""

    name: str
    method: str
    paths: tuple[str, ...]
    """Path templates relative to the base URL; the first is canonical, the rest are aliases."""
    request: str | None
    """Schema kind of the JSON request body; ``None`` for a GET or a body without a schema yet."""
    responses: tuple[str, ...]
    """Schema kinds of a success body; empty when the operation always streams (or has no schema yet)."""
    stream: Stream | None = None
    """How it streams: always when ``responses`` is empty, else when the body asks (``stream: true``)."""
    error: str | None = None
    """Schema kind of an error body when the operation has its own envelope (else the provider's ``error``)."""

    @property
    def path(self) -> str:
        """The canonical path template."""
        return self.paths[0]

    @property
    def always_streams(self) -> bool:
        """Whether every success answer is a stream (Bedrock's streaming operations)."""
        return self.stream is not None and not self.responses

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind this operation names: request, responses, stream and stream event."""
        stream = (self.stream.kind, self.stream.event) if self.stream else ()
        return tuple(k for k in (self.request, *self.responses, *stream, self.error) if k is not None)


@dataclass(frozen=True, slots=True)
class Provider:
    """One provider: where the mock serves it, where it really lives, its key, models and operations."""

    name: str
    mount: str
    """Where the mock server mounts the base URL, e.g. ``/openrouter/api/v1``."""
    upstream: str
    """The real base URL an SDK is given; Bedrock's holds ``{region}`` (see ``upstream_url``)."""
    key_env: str
    """The environment variable holding the API key."""
    models: tuple[str, ...]
    """Model ids served for Llama 4; the first is the default."""
    operations: tuple[Operation, ...]
    error: str = "error"
    """Schema kind of an error body."""

    @property
    def default_model(self) -> str:
        """The model used when none is named: Llama 4 Maverick."""
        return self.models[0]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind the provider's operations name, in operation order, then the error kind."""
        found = dict.fromkeys(k for op in self.operations for k in op.kinds)
        return (*found, self.error)

    def operation(self, name: str) -> Operation:
        """Return the operation called ``name``; raises ``UnknownName``."""
        for op in self.operations:
            if op.name == name:
                return op
        known = ", ".join(op.name for op in self.operations)
        raise UnknownName(f"{self.name} has no operation {name!r}; known: {known}")

    def upstream_url(self, region: str = DEFAULT_REGION) -> str:
        """The real base URL, with the AWS region filled in where the URL has one."""
        return self.upstream.format(region=region)


# SSE `data:` chunks of chat.completion.chunk, ended by `data: [DONE]` (OR-DOCS streaming.mdx; wire-contracts §2.4).
_CHAT_STREAM = Stream("chat-stream", "chat-chunk", SSE)
# Typed events, one JSON `data:` per event with a `type` and a `sequence_number`, ended by `data: [DONE]` (OR-SPEC
# /responses text/event-stream, StreamEvents; [obs] bgrins/agent-sdk-behavior codex wire.md captures, 2026-08-24).
_RESPONSES_STREAM = Stream("responses-stream", "responses-event", SSE)
# Anthropic events, each an `event:` line naming its `type` (OR-SPEC /messages, MessagesStreamEvents; [obs]
# bgrins/agent-sdk-behavior claude wire.md captures, 2026-08-24).
_MESSAGES_STREAM = Stream("messages-stream", "messages-event", SSE)


# Event and exception members, in model order, of BR-MODEL (botocore 1.44.8
# data/bedrock-runtime/2023-09-30/service-2.json) shapes.ResponseStream and shapes.ConverseStreamOutput.
# They differ: only ResponseStream has modelTimeoutException.
_INVOKE_STREAM = Stream(
    "invoke-stream", "invoke-chunk", EVENTSTREAM, events=("chunk",),
    exceptions=(
        ("internalServerException", "InternalServerException"),
        ("modelStreamErrorException", "ModelStreamErrorException"),
        ("validationException", "ValidationException"),
        ("throttlingException", "ThrottlingException"),
        ("modelTimeoutException", "ModelTimeoutException"),
        ("serviceUnavailableException", "ServiceUnavailableException"),
    ),
)  # fmt: skip
_CONVERSE_STREAM = Stream(
    "converse-stream", "converse-stream-event", EVENTSTREAM,
    events=("messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"),
    exceptions=(
        ("internalServerException", "InternalServerException"),
        ("modelStreamErrorException", "ModelStreamErrorException"),
        ("validationException", "ValidationException"),
        ("throttlingException", "ThrottlingException"),
        ("serviceUnavailableException", "ServiceUnavailableException"),
    ),
)  # fmt: skip

_Op = Operation
PROVIDERS: tuple[Provider, ...] = (
    # OR-SPEC servers and paths; /completions is legacy (OR-SPEC-2025, gone from the 2026 spec).
    Provider(
        "openrouter", "/openrouter/api/v1", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
        ("meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"),  # wire-contracts §1.8
        (
            _Op("chat_completions", "POST", ("/chat/completions",), "chat-request", ("chat-response",), _CHAT_STREAM),
            _Op("completions", "POST", ("/completions",), "completions-request", ("completions-response",)),
            # OR-SPEC operationIds createResponses and createMessages (the Anthropic format, its own error envelope).
            _Op("create_responses", "POST", ("/responses",), "responses-request", ("responses-response",),
                _RESPONSES_STREAM),
            _Op("create_messages", "POST", ("/messages",), "messages-request", ("messages-response",),
                _MESSAGES_STREAM, error="messages-error"),
            _Op("list_models", "GET", ("/models",), None, ("models",)),
            _Op("list_endpoints", "GET", ("/models/{author}/{slug}/endpoints",), None, ("endpoints",)),
            _Op("count_models", "GET", ("/models/count",), None, ("models-count",)),  # OR-SPEC listModelsCount
            _Op("get_generation", "GET", ("/generation",), None, ("generation",)),
            _Op("get_key", "GET", ("/key", "/auth/key"), None, ("key",)),  # /auth/key: alias, OR-DOCS limits.mdx
            _Op("get_credits", "GET", ("/credits",), None, ("credits",)),
        ),
    ),
    # AIML-SPEC servers + /v1 and paths.
    Provider(
        "aimlapi", "/aimlapi/v1", "https://api.aimlapi.com/v1", "AIMLAPI_API_KEY",
        ("meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"),  # wire-contracts §2.1
        (
            _Op("chat_completions", "POST", ("/chat/completions",), "chat-request", ("chat-response",), _CHAT_STREAM),
            _Op("list_models", "GET", ("/models",), None, ("models",)),
        ),
    ),
    # BR-MODEL endpoint and operations[*].http.requestUri. {modelId} is one path segment that the SDKs
    # percent-encode (`%3A` for the colon, wire-contracts §3.1). The API key is a bearer token (BR-MODEL
    # metadata.auth smithy.api#httpBearerAuth) that botocore reads from AWS_BEARER_TOKEN_<signingName>
    # (BOTOCORE utils.py get_token_from_environment). Llama 4 needs the us. inference profile (§3.1).
    Provider(
        "bedrock", "/bedrock", "https://bedrock-runtime.{region}.amazonaws.com", "AWS_BEARER_TOKEN_BEDROCK",
        ("us.meta.llama4-maverick-17b-instruct-v1:0", "us.meta.llama4-scout-17b-instruct-v1:0"),
        (
            _Op("invoke_model", "POST", ("/model/{modelId}/invoke",), "invoke-request", ("invoke-response",)),
            _Op("invoke_model_with_response_stream", "POST", ("/model/{modelId}/invoke-with-response-stream",),
                "invoke-request", (), _INVOKE_STREAM),
            _Op("converse", "POST", ("/model/{modelId}/converse",), "converse-request", ("converse-response",)),
            _Op("converse_stream", "POST", ("/model/{modelId}/converse-stream",), "converse-request", (),
                _CONVERSE_STREAM),
            # No count-tokens schemas are written yet (BR-MODEL CountTokensRequest / CountTokensResponse).
            _Op("count_tokens", "POST", ("/model/{modelId}/count-tokens",), None, ()),
        ),
    ),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(p.name for p in PROVIDERS)
_BY_NAME = {p.name: p for p in PROVIDERS}
MOUNTS: Mapping[str, str] = MappingProxyType({p.name: p.mount for p in PROVIDERS})
"""Provider name -> mount on the mock server, a read-only view for callers that only join URLs."""


def provider(name: str) -> Provider:
    """Return the provider called ``name``; raises ``UnknownName``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownName(f"unknown provider {name!r}; known: {', '.join(NAMES)}") from None


def operation(provider_name: str, name: str) -> Operation:
    """Return one operation of one provider; raises ``UnknownName``."""
    return provider(provider_name).operation(name)


def stream_exceptions(provider_name: str, name: str) -> dict[str, str]:
    """The in-stream exception members of a streaming operation: camelCase member -> exception shape name."""
    stream = operation(provider_name, name).stream
    return dict(stream.exceptions) if stream is not None else {}


def upstream_url(provider_name: str, region: str = DEFAULT_REGION) -> str:
    """The provider's real base URL (Bedrock: in ``region``, default us-east-1)."""
    return provider(provider_name).upstream_url(region)
