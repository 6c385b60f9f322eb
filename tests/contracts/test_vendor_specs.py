"""The mock's schemas held to the vendors' own specs: botocore's bedrock-runtime model and OpenRouter's OpenAPI.

Bedrock: every body member, type, enum and bound of ConverseRequest, ConverseStreamRequest, ConverseResponse,
ConverseStreamOutput and the exceptions, read from the installed botocore. OpenRouter: required fields, properties,
types and enums of the ChatResult, stream chunk, ChatUsage and error shapes, and of the Responses and Messages
result bases, Anthropic usage and error envelope, from the facts pinned in
tests/fixtures_data/openrouter_openapi_facts.json (the spec itself is never read here). Each deliberate
difference is listed below with its reason; a listed difference that no longer occurs fails too, so the lists
stay true. The rules themselves are in tests/contracts/vendor_specs.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import botocore
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from contracts import schemas
from tests.contracts.vendor_specs import Finding, compare_botocore, compare_errors, compare_openapi, facts

Key = tuple[str, str, str]

# -- Bedrock -------------------------------------------------------------------------------------------------------

CITED = "1.44.8"
"""The botocore the Bedrock schemas were written against (their descriptions cite it)."""
# botocore's structures and the schema describing each (ConverseStream's request shares Converse's schema).
BEDROCK = [
    ("ConverseRequest", "converse-request"),
    ("ConverseStreamRequest", "converse-request"),
    ("ConverseResponse", "converse-response"),
    ("ConverseStreamOutput", "converse-stream-event"),
]
NOT_COMPARED = {
    "invoke-request": "Meta's native body: BR-MODEL types InvokeModelRequest.body as a blob (BR-DOCS "
    "model-parameters-meta)",
    "invoke-response": "Meta's native body: BR-MODEL types InvokeModelResponse.body as a blob",
    "invoke-chunk": "the decoded JSON inside PayloadPart.bytes, a blob to BR-MODEL",
}
_PADDING = "[obs] every ConverseStream payload carries a random-length padding string p (openllmetry cassette)"
BEDROCK_EXCEPTIONS: dict[Key, str] = {
    ("ConverseRequest", "messages", "required"): "BR-MODEL marks only modelId required, but the service refuses a "
    "request without messages unless modelId is a prompt ARN (wire-contracts §3.5)",
    ("ConverseStreamRequest", "messages", "required"): "as ConverseRequest.messages",
    ("Message", "role", "enum"): "ConversationRole lists system too, but a message carries user or assistant only; "
    "system prompts go in `system` (wire-contracts §3.5)",
    ("GuardrailConfiguration", "streamProcessingMode", "extra"): "one schema serves Converse and ConverseStream, whose "
    "GuardrailStreamConfiguration adds streamProcessingMode",
    ("TokenUsage", "serverToolUsage", "extra"): "[obs] Llama 4 Maverick Converse responses carry "
    "usage.serverToolUsage {} (2026, wire-contracts §3.5); botocore ignores it",
    ("ConverseStreamOutput", "", "union"): "the schema checks one frame as {<:event-type>: payload}, so exactly one "
    "event member, as boto3 yields them",
    **{(event, "p", "extra"): _PADDING for event in (
        "MessageStartEvent", "ContentBlockStartEvent", "ContentBlockDeltaEvent", "ContentBlockStopEvent",
        "MessageStopEvent", "ConverseStreamMetadataEvent")},
    ("exceptions", "Message", "extra"): "botocore's parser also reads a capitalised Message (BOTOCORE parsers.py "
    "BaseJSONParser._do_error_parse)",
}  # fmt: skip


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


# A botocore older than the schemas lacks members they describe: those are not this test's failures.
EXTRAS = _version(botocore.__version__) >= _version(CITED)


def _bedrock_findings() -> list[Finding]:
    found = [f for shape, kind in BEDROCK for f in compare_botocore(shape, kind, extras=EXTRAS)]
    return found + compare_errors(extras=EXTRAS)


def _unexplained(found: list[Finding], exceptions: dict[Key, str]) -> list[str]:
    return sorted({str(f) for f in found if f.key not in exceptions})


@pytest.mark.parametrize(("shape", "kind"), BEDROCK)
def test_bedrock_schema_agrees_with_botocore(shape: str, kind: str) -> None:
    """Every member, type, enum and bound of the botocore shape, nested shapes included."""
    problems = _unexplained(compare_botocore(shape, kind, extras=EXTRAS), BEDROCK_EXCEPTIONS)
    assert problems == [], f"botocore {botocore.__version__} (schemas cite {CITED}):\n" + "\n".join(problems)


def test_bedrock_error_schema_has_every_exception_member() -> None:
    problems = _unexplained(compare_errors(extras=EXTRAS), BEDROCK_EXCEPTIONS)
    assert problems == [], f"botocore {botocore.__version__}:\n" + "\n".join(problems)


def test_every_bedrock_exception_is_still_needed() -> None:
    if not EXTRAS:
        pytest.skip(f"botocore {botocore.__version__} is older than the {CITED} the schemas cite")
    seen = {f.key for f in _bedrock_findings()}
    assert [key for key in BEDROCK_EXCEPTIONS if key not in seen] == []


def test_every_bedrock_schema_is_compared_or_says_why() -> None:
    compared = {kind for _, kind in BEDROCK} | {"error"}
    assert set(schemas.kinds("bedrock")) == compared | set(NOT_COMPARED)


def test_bedrock_schemas_cite_the_botocore_they_follow() -> None:
    for kind in ("converse-request", "converse-response", "converse-stream-event", "error"):
        assert f"botocore {CITED}" in schemas.load("bedrock", kind)["description"], kind


# -- OpenRouter ----------------------------------------------------------------------------------------------------

# Spec shape -> (schema, instance path) of the location describing it.
OPENROUTER: list[tuple[str, str, str]] = [
    ("ChatResult", "chat-response", "$"),
    ("ChatChoice", "chat-response", "$.choices[]"),
    ("ChatFinishReasonEnum", "chat-response", "$.choices[].finish_reason"),
    ("ChatAssistantMessage", "chat-response", "$.choices[].message"),
    ("ChatToolCall", "chat-response", "$.choices[].message.tool_calls[]"),
    ("ChatToolCall.function", "chat-response", "$.choices[].message.tool_calls[].function"),
    ("ChatUsage", "chat-response", "$.usage"),
    ("ChatUsage.prompt_tokens_details", "chat-response", "$.usage.prompt_tokens_details"),
    ("ChatUsage.completion_tokens_details", "chat-response", "$.usage.completion_tokens_details"),
    ("CostDetails", "chat-response", "$.usage.cost_details"),
    ("ServerToolUseDetails", "chat-response", "$.usage.server_tool_use_details"),
    ("OpenRouterMetadata", "chat-response", "$.openrouter_metadata"),
    ("EndpointsMetadata", "chat-response", "$.openrouter_metadata.endpoints"),
    ("RouterAttempt", "chat-response", "$.openrouter_metadata.attempts[]"),
    ("PipelineStage", "chat-response", "$.openrouter_metadata.pipeline[]"),
    ("ChatStreamChunk", "chat-chunk", "$"),
    ("ChatStreamChunk.error", "chat-chunk", "$.error"),
    ("ChatStreamChunk.error.metadata", "chat-chunk", "$.error.metadata"),
    ("ApiErrorType", "chat-chunk", "$.error.metadata.error_type"),
    ("ChatStreamChoice", "chat-chunk", "$.choices[]"),
    ("ChatStreamDelta", "chat-chunk", "$.choices[].delta"),
    ("ChatStreamToolCall", "chat-chunk", "$.choices[].delta.tool_calls[]"),
    ("ChatStreamToolCall.function", "chat-chunk", "$.choices[].delta.tool_calls[].function"),
    ("ChatUsage", "chat-chunk", "$.usage"),
    ("OpenRouterMetadata", "chat-chunk", "$.openrouter_metadata"),
    ("ApiErrorType", "error", "$.error.metadata.error_type"),
    ("BaseResponsesResult", "responses-response", "$"),
    ("ResponsesErrorField", "responses-response", "$.error"),
    ("BaseMessagesResult", "messages-response", "$"),
    ("AnthropicUsage", "messages-response", "$.usage"),
    ("AnthropicMessagesErrorResponse", "messages-error", "$"),
    ("AnthropicMessagesErrorResponse.error", "messages-error", "$.error"),
    *[(name, "error", "$") for key, name in facts()["responses"].items() if not key.startswith("200 ")],
    *[(f"{name}ErrorData", "error", "$.error") for key, name in facts()["responses"].items()
      if not key.startswith("200 ")],
]  # fmt: skip
VIA_PROPERTY = {"RoutingStrategy": "compared as the enum of OpenRouterMetadata.strategy"}
_DELTA_EXTRA = ("described from an earlier OR-SPEC copy; the 2026-08-22 spec has none. Optional, so it constrains "
                "nothing unless sent")  # fmt: skip
OPENROUTER_EXCEPTIONS: dict[Key, str] = {
    ("ChatResult", "system_fingerprint", "required"): "OR-SPEC requires it (nullable), but 2026 traffic omits it "
    "([obs] pydantic-ai test_openrouter_usage.yaml, captures/openrouter/chat-response-2026-trimmed.json)",
    ("ChatResult", "provider", "extra"): "[obs] the upstream's display name on every response (wire-contracts §1.3)",
    ("ChatStreamChunk", "provider", "extra"): "[obs] the upstream's display name on every chunk (wire-contracts §1.4)",
    ("ChatChoice", "native_finish_reason", "extra"): "OR-DOCS api_reference/overview.mdx NonStreamingChoice: the raw "
    "finish reason; [obs] on every choice",
    ("ChatStreamChoice", "native_finish_reason", "extra"): "OR-DOCS overview.mdx StreamingChoice; [obs]",
    ("ChatChoice", "error", "extra"): "OR-DOCS overview.mdx NonStreamingChoice.error (ErrorResponse)",
    ("ChatStreamChoice", "error", "extra"): "OR-DOCS overview.mdx StreamingChoice.error (ErrorResponse)",
    ("ChatToolCall", "index", "extra"): "[obs] tool calls carry their index in responses too (wire-contracts §1.3)",
    ("ChatUsage.completion_tokens_details", "image_tokens", "extra"): "OR-DOCS overview.mdx ResponseUsage documents "
    "image_tokens; [obs] pydantic-ai test_openrouter_usage.yaml and the mock send it",
    ("ChatAssistantMessage", "annotations", "extra"): _DELTA_EXTRA,
    ("ChatStreamDelta", "annotations", "extra"): _DELTA_EXTRA,
    ("ChatStreamDelta", "images", "extra"): _DELTA_EXTRA + " (2026 has images on ChatAssistantMessage only)",
    ("ChatStreamChunk", "debug", "extra"): "OR-DOCS errors-and-debugging.mdx §Debugging: debug.echo_upstream_body "
    "puts the upstream request on the first chunk",
    ("ChatStreamChunk", "system_fingerprint", "type"): "null allowed as on ChatResult, where OR-SPEC makes it "
    "nullable; OpenAI-style upstream chunks send system_fingerprint: null",
    ("ChatStreamChunk", "usage", "type"): "usage: null on the chunks before the last (OR-DOCS usage-accounting.mdx; "
    "wire-contracts §1.4)",
    ("ChatUsage", "", "type"): "the chunk's usage location admits null, as ChatStreamChunk.usage above",
    ("ChatStreamChunk.error", "code", "type"): "a string (\"server_error\") in an earlier OR-DOCS streaming.mdx "
    "example; numeric in all observed traffic",
    ("ChatStreamChunk.error.metadata", "provider_name", "extra"): "OR-DOCS errors-and-debugging.mdx provider error "
    "metadata; the mock sends it on its mid-stream errors",
    ("ChatStreamChunk.error.metadata", "raw", "extra"): "OR-DOCS errors-and-debugging.mdx provider error metadata",
    # The Responses and Messages doors (OR-SPEC OpenResponsesResult / MessagesResult extend these bases).
    ("BaseResponsesResult", "error_type", "extra"): "OR-SPEC OpenResponsesResult adds error_type (OR-DOCS "
    "responses/error-handling.mdx)",
    ("BaseResponsesResult", "openrouter_metadata", "extra"): "OR-SPEC OpenResponsesResult adds openrouter_metadata",
    ("BaseResponsesResult", "usage", "type"): "one schema serves the stream's response.created and .in_progress, "
    "whose usage is null ([obs] bgrins/agent-sdk-behavior codex wire.md)",
    ("BaseMessagesResult", "provider", "extra"): "[obs] message_start carries the serving provider "
    "(bgrins/agent-sdk-behavior claude wire.md)",
    ("BaseMessagesResult", "openrouter_metadata", "extra"): "OR-SPEC MessagesResult adds openrouter_metadata",
    ("AnthropicUsage", "inference_geo", "required"): "[obs] message_delta's usage has no inference_geo "
    "(bgrins/agent-sdk-behavior claude wire.md); one usage schema serves both",
    **{("AnthropicUsage", name, "extra"): "[obs] OpenRouter adds its cost accounting and speed to the Anthropic "
       "usage (bgrins/agent-sdk-behavior claude wire.md message_delta)" for name in ("cost", "cost_details",
                                                                                     "is_byok", "speed")},
}  # fmt: skip


def _openrouter_findings() -> list[Finding]:
    return [f for shape, kind, path in OPENROUTER for f in compare_openapi(shape, kind, path)]


@pytest.mark.parametrize(("shape", "kind", "path"), OPENROUTER, ids=[f"{k}:{p}:{s}" for s, k, p in OPENROUTER])
def test_openrouter_schema_agrees_with_the_openapi_facts(shape: str, kind: str, path: str) -> None:
    """Required fields, properties, types and enums of each spec shape."""
    assert _unexplained(compare_openapi(shape, kind, path), OPENROUTER_EXCEPTIONS) == []


def test_every_openrouter_exception_is_still_needed() -> None:
    seen = {f.key for f in _openrouter_findings()}
    assert [key for key in OPENROUTER_EXCEPTIONS if key not in seen] == []


def test_every_fact_is_compared() -> None:
    shapes = set(facts()["shapes"])
    assert shapes - {shape for shape, _, _ in OPENROUTER} == set(VIA_PROPERTY)
    # Every status and media type the operation answers maps onto a schema compared here.
    assert {name for name in facts()["responses"].values()} <= {shape for shape, _, _ in OPENROUTER}


def test_facts_name_their_source() -> None:
    source = facts()["source"]
    assert source["file"] == "openrouter-docs-2026-08-22/openapi.yaml" and source["date"] == "2026-08-22"
    assert source["operation"] == "POST /chat/completions"
    assert source["extracted_by"] == "tests/fixtures_data/openrouter_openapi_facts.py" and source["how"]


# -- the comparisons catch a schema that drops a member -----------------------------------------------------------


def _doctored(provider: str, kind: str, edit: Callable[[dict[str, Any]], None]) -> Registry[Any]:
    """The project's schemas with ``<provider>/<kind>.json`` replaced by an edited copy."""
    document = copy.deepcopy(schemas.load(provider, kind))
    edit(document)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return schemas.registry().with_resource(schemas.uri(provider, kind), resource)


def _defs(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: doc["$defs"][name]


BEDROCK_DRIFTS = [
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["InferenceConfiguration"]["properties"]
                 .pop("topP"), ("InferenceConfiguration", "topP", "missing"), id="request-member-dropped"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["properties"].pop("serviceTier"),
                 ("ConverseRequest", "serviceTier", "missing"), id="request-top-member-dropped"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["ImageBlock"]["properties"]["format"]
                 ["enum"].remove("webp"), ("ImageBlock", "format", "enum"), id="enum-value-dropped"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["ToolConfiguration"]["properties"]
                 ["tools"].pop("minItems"), ("ToolConfiguration", "tools", "minItems"), id="bound-dropped"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["ToolSpecification"]["properties"]["name"]
                 .update(pattern="^[a-z]+$"), ("ToolSpecification", "name", "pattern"), id="pattern-changed"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["ToolUseBlock"]["properties"]["input"]
                 .update(type="object"), ("ToolUseBlock", "input", "type"), id="document-typed"),
    pytest.param("ConverseResponse", "converse-response", lambda d: d["$defs"]["TokenUsage"]["properties"]
                 .pop("cacheWriteInputTokens"), ("TokenUsage", "cacheWriteInputTokens", "missing"),
                 id="response-member-dropped"),
    pytest.param("ConverseResponse", "converse-response", lambda d: d["$defs"]["TokenUsage"]["required"]
                 .remove("totalTokens"), ("TokenUsage", "totalTokens", "required"), id="required-dropped"),
    pytest.param("ConverseResponse", "converse-response", lambda d: d["$defs"]["GuardrailTopic"]["properties"]
                 .pop("detected"), ("GuardrailTopic", "detected", "missing"), id="deep-member-dropped"),
    pytest.param("ConverseStreamOutput", "converse-stream-event", lambda d: d["$defs"]["ContentBlockDelta"]
                 ["properties"].pop("reasoningContent"), ("ContentBlockDelta", "reasoningContent", "missing"),
                 id="stream-member-dropped"),
    pytest.param("ConverseStreamOutput", "converse-stream-event", lambda d: d["$defs"]["ContentBlockDelta"]
                 .pop("maxProperties"), ("ContentBlockDelta", "", "union"), id="union-opened"),
    pytest.param("ConverseRequest", "converse-request", lambda d: d["$defs"]["CachePointBlock"]["properties"]
                 .update(scope={"type": "string", "description": "made up"}), ("CachePointBlock", "scope", "extra"),
                 id="member-botocore-lacks"),
]  # fmt: skip


@pytest.mark.parametrize(("shape", "kind", "edit", "key"), BEDROCK_DRIFTS)
def test_botocore_comparison_fails_when_a_schema_drifts(
    shape: str, kind: str, edit: Callable[[dict[str, Any]], None], key: Key
) -> None:
    assert key not in {f.key for f in compare_botocore(shape, kind)}  # the real schema agrees
    found = compare_botocore(shape, kind, registry=_doctored("bedrock", kind, edit))
    assert key in {f.key for f in found}
    assert _unexplained(found, BEDROCK_EXCEPTIONS)  # so the test above would fail


def test_error_comparison_fails_when_a_member_is_dropped() -> None:
    found = compare_errors(registry=_doctored("bedrock", "error", lambda d: d["properties"].pop("originalStatusCode")))
    assert ("exceptions", "originalStatusCode", "missing") in {f.key for f in found}


OPENROUTER_DRIFTS = [
    pytest.param("ChatUsage", "chat-response", "$.usage", lambda d: d["$defs"]["usage"]["properties"]
                 .pop("cost_details"), ("ChatUsage", "cost_details", "missing"), id="usage-member-dropped"),
    pytest.param("ChatUsage.prompt_tokens_details", "chat-response", "$.usage.prompt_tokens_details",
                 lambda d: d["$defs"]["usage"]["properties"]["prompt_tokens_details"]["properties"]
                 .pop("cache_write_tokens"), ("ChatUsage.prompt_tokens_details", "cache_write_tokens", "missing"),
                 id="2026-usage-field-dropped"),
    pytest.param("ChatChoice", "chat-response", "$.choices[]", lambda d: d["$defs"]["finish_reason"]["enum"]
                 .remove("length"), ("ChatChoice", "finish_reason", "enum"), id="finish-reason-value-dropped"),
    pytest.param("ChatResult", "chat-response", "$", lambda d: d["required"].remove("model"),
                 ("ChatResult", "model", "required"), id="required-dropped"),
    pytest.param("ChatResult", "chat-response", "$", lambda d: d["properties"].pop("service_tier"),
                 ("ChatResult", "service_tier", "missing"), id="service-tier-dropped"),
    pytest.param("ChatStreamChoice", "chat-chunk", "$.choices[]", lambda d: d["$defs"]["choice"]["required"]
                 .remove("finish_reason"), ("ChatStreamChoice", "finish_reason", "required"),
                 id="chunk-required-dropped"),
    pytest.param("BadRequestResponse", "error", "$", lambda d: d["properties"].pop("user_id"),
                 ("BadRequestResponse", "user_id", "missing"), id="error-member-dropped"),
    pytest.param("ChatResult", "chat-response", "$", lambda d: d["properties"]["created"].update(type="string"),
                 ("ChatResult", "created", "type"), id="type-changed"),
]  # fmt: skip


@pytest.mark.parametrize(("shape", "kind", "path", "edit", "key"), OPENROUTER_DRIFTS)
def test_openapi_comparison_fails_when_a_schema_drifts(
    shape: str, kind: str, path: str, edit: Callable[[dict[str, Any]], None], key: Key
) -> None:
    assert key not in {f.key for f in compare_openapi(shape, kind, path)}
    found = compare_openapi(shape, kind, path, registry=_doctored("openrouter", kind, edit))
    assert key in {f.key for f in found}
    assert _unexplained(found, OPENROUTER_EXCEPTIONS)
