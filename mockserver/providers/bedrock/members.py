"""Converse members beyond the conversation, answered as AWS answers them for Llama 4 (BR-MODEL ConverseRequest).

* ``performanceConfig`` and ``serviceTier``: echoed when sent, in the Converse response and the ConverseStream
  ``metadata`` event (BR-MODEL ConverseResponse.performanceConfig / .serviceTier, ConverseStreamMetadataEvent).
  The capability matrix refuses what Llama 4 does not offer (optimized latency; priority, flex, reserved), so only
  ``standard`` and ``default`` get here; ``performanceConfig: {}`` echoes the default, ``standard``.
* ``requestMetadata``: accepted without effect (BR-MODEL: "Key-value pairs that you can use to filter invocation
  logs"; the mock keeps no invocation log).
* ``promptVariables``: accepted and ignored, as documented: "This field is ignored if you don't specify a prompt
  resource in the modelId field" (BR-MODEL ConverseRequest.promptVariables); the catalogue serves no prompts.
* ``additionalModelResponseFieldPaths``: each must be a JSON Pointer (RFC 6901): "Converse and ConverseStream
  reject an empty JSON Pointer or incorrectly structured JSON Pointer with a 400 error code" (BR-MODEL; the words
  are not published: ``BAD_POINTER`` is the mock's). A pointer is resolved against the native Llama response
  Converse gets from the model (the InvokeModel body: generation, prompt_token_count, generation_token_count,
  stop_reason); matches come back in ``additionalModelResponseFields`` (the stream's ``messageStop`` event),
  nested as the pointer reads (``/stop_reason`` -> ``{"stop_reason": "stop"}``). "If the JSON Pointer is valid,
  but the requested field is not in the model response, it is ignored"; when none matches the member is omitted.
* ``guardrailConfig``: accepted (the matrix marks guardrails supported). The mock holds no guardrail definitions,
  so a guardrail never intervenes. With ``trace`` ``enabled`` or ``enabled_full`` the answer carries
  ``trace.guardrail``: one input assessment and one output assessment (BR-MODEL GuardrailTraceAssessment) with
  invocation metrics only, as from a guardrail whose one content filter passed everything: every character
  guarded, one content-policy text unit per 1,000 characters (AWS guardrails pricing). ``disabled`` or no
  ``trace``: no trace (BR-MODEL GuardrailTrace; disabled is the default).
* ``outputConfig.textFormat`` (``json_schema``): the schema (JSON text, BR-MODEL JsonSchemaDefinition.schema)
  shapes the generated reply as ``response_format`` does on the OpenAI-compatible providers; text that is not a
  JSON object is refused (``BAD_SCHEMA``, words assumed). ``outputConfig.effort``: accepted without effect (BR-MODEL:
  a reasoning effort level; Llama 4 Instruct does not reason).
"""

import json
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.providers.bedrock.errors import validation

__all__ = ["BAD_POINTER", "BAD_SCHEMA", "check_members", "metadata_fields", "response_fields", "response_schema",
           "stop_fields", "stream_fields"]  # fmt: skip

BAD_POINTER = "The value {path} in additionalModelResponseFieldPaths is not a valid JSON Pointer."  # assumed
BAD_SCHEMA = "The JSON schema in outputConfig.textFormat.structure.jsonSchema.schema isn't valid JSON."  # assumed
_TRACED = ("enabled", "enabled_full")


def _tokens(pointer: str) -> list[str] | None:
    """RFC 6901 reference tokens, or None when ``pointer`` is empty or malformed (no leading ``/``, a bad ``~``)."""
    if not pointer.startswith("/"):
        return None
    tokens = pointer[1:].split("/")
    if any("~" in t.replace("~0", "").replace("~1", "") for t in tokens):
        return None
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


def _schema_text(body: dict[str, Any]) -> str | None:
    fmt = (body.get("outputConfig") or {}).get("textFormat") or {}
    definition = (fmt.get("structure") or {}).get("jsonSchema") or {}
    text = definition.get("schema")
    return text if fmt.get("type") == "json_schema" and isinstance(text, str) else None


def response_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema ``outputConfig.textFormat`` asks the reply to follow (checked by ``check_members``)."""
    text = _schema_text(body)
    if text is None:
        return None
    try:
        schema = json.loads(text)
    except ValueError:
        return None
    return schema if isinstance(schema, dict) else None


def check_members(body: dict[str, Any]) -> None:
    """Refuse a malformed response-field pointer or a structured-output schema that is not a JSON object."""
    for path in body.get("additionalModelResponseFieldPaths") or []:
        if _tokens(str(path)) is None:
            raise validation(BAD_POINTER.format(path=path))
    if _schema_text(body) is not None and response_schema(body) is None:
        raise validation(BAD_SCHEMA)


def _pick(native: dict[str, Any], paths: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in paths:
        tokens = _tokens(str(path)) or []
        value: Any = native
        for token in tokens:
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                break
        else:
            target = found
            for token in tokens[:-1]:
                target = target.setdefault(token, {})
            target[tokens[-1]] = value
    return found


def _guarded_text(body: dict[str, Any]) -> str:
    """What the guardrail reads: the guardContent blocks if any, else every text of the request (BR-MODEL
    ConverseRequest.guardrailConfig)."""
    blocks = [b for m in body.get("messages") or [] for b in m.get("content") or []]
    guarded = [str(((b.get("guardContent") or {}).get("text") or {}).get("text", "")) for b in blocks]
    if any("guardContent" in b for b in blocks):
        return "".join(guarded)
    texts = [str(b["text"]) for b in [*blocks, *(body.get("system") or [])] if isinstance(b.get("text"), str)]
    return "".join(texts)


def _assessment(characters: int, latency: int) -> dict[str, Any]:
    units = dict.fromkeys(("topicPolicyUnits", "wordPolicyUnits", "sensitiveInformationPolicyUnits",
                           "sensitiveInformationPolicyFreeUnits", "contextualGroundingPolicyUnits"), 0)  # fmt: skip
    units["contentPolicyUnits"] = -(-characters // 1000)
    coverage = {"textCharacters": {"guarded": characters, "total": characters}}
    metrics = {"guardrailProcessingLatency": latency, "usage": units, "guardrailCoverage": coverage}
    return {"invocationMetrics": metrics}


def _trace(body: dict[str, Any], reply: Reply, latency: int) -> dict[str, Any] | None:
    config = body.get("guardrailConfig") or {}
    if config.get("trace") not in _TRACED:
        return None
    guardrail = str(config.get("guardrailIdentifier") or "").rsplit("/", 1)[-1]  # an ARN's id, as AWS keys it
    return {"guardrail": {
        "inputAssessment": {guardrail: _assessment(len(_guarded_text(body)), latency)},
        "outputAssessments": {guardrail: [_assessment(len(reply.text), latency)]},
    }}  # fmt: skip


def metadata_fields(body: dict[str, Any], reply: Reply, latency: int) -> dict[str, Any]:
    """The members echoed beside usage and metrics: performanceConfig, serviceTier, the guardrail trace."""
    fields: dict[str, Any] = {}
    if isinstance(body.get("performanceConfig"), dict):
        fields["performanceConfig"] = {"latency": body["performanceConfig"].get("latency", "standard")}
    if isinstance(body.get("serviceTier"), dict):
        fields["serviceTier"] = {"type": body["serviceTier"]["type"]}
    trace = _trace(body, reply, max(1, latency // 4))
    if trace is not None:
        fields["trace"] = trace
    return fields


def stop_fields(body: dict[str, Any], native: dict[str, Any]) -> dict[str, Any]:
    """``additionalModelResponseFields`` picked from the model's ``native`` response, when a path matches."""
    picked = _pick(native, list(body.get("additionalModelResponseFieldPaths") or []))
    return {"additionalModelResponseFields": picked} if picked else {}


def response_fields(body: dict[str, Any], reply: Reply, latency: int, native: dict[str, Any]) -> dict[str, Any]:
    """Every optional ConverseResponse member the request asks for (Converse: all at the top level)."""
    return {**metadata_fields(body, reply, latency), **stop_fields(body, native)}


def stream_fields(
    events: list[tuple[str, dict[str, Any]]], body: dict[str, Any], reply: Reply, latency: int, native: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """ConverseStream events with the members asked for: ``messageStop`` gets additionalModelResponseFields,
    ``metadata`` the echoes and the trace (BR-MODEL MessageStopEvent, ConverseStreamMetadataEvent)."""
    extra = {"messageStop": stop_fields(body, native), "metadata": metadata_fields(body, reply, latency)}
    return [(name, {**payload, **extra.get(name, {})}) for name, payload in events]
