"""Strategies for schema-valid values and requests: each optional field drawn from its schema, bounds first."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from contracts.strategies.fields import (
    Parameter,
    base_request,
    check_kind,
    parameters,
    resolve,
    set_path,
    texts,
    types_of,
)
from contracts.validate import UsageError

__all__ = ["OPEN_SPAN", "companions", "parent_skeleton_ok", "required_value", "valid_requests", "values"]

OPEN_SPAN = 512
"""How far past its one bound an open range is drawn: the real limit there is the model's
context or output size (e.g. max_tokens), which the schema cannot state."""

# Fields taken from the base request and never generated, each for a reason the schema cannot state.
_FIXED: dict[tuple[str, str], dict[str, str]] = {
    ("openrouter", "chat-request"): {
        "model": "must name a served model (unknown ids are a 400, wire-contracts §1.2)",
        "models": "fallback ids must name served models",
        "transforms": "only known transform names are meaningful (OR-DOCS message-transforms.mdx)",
        "tool_choice": "a tool choice needs tools (OpenAI semantics); tools are structural",
        "top_logprobs": "needs logprobs: true (OR-SPEC-2025), a cross-field rule",
        "provider": "routing preferences decide which endpoints may serve (require_parameters: 404, OR-DOCS)",
    },
    ("openrouter", "completions-request"): {"model": "must name a served model", "models": "as model"},
    ("openrouter", "responses-request"): {
        "model": "must name a served model", "models": "fallback ids must name served models",
        "tool_choice": "a tool choice needs tools; tools are structural",
        "provider": "routing preferences decide which endpoints may serve (OR-DOCS provider-selection)",
        "input": "the conversation: its items pair calls with outputs by call_id, a cross-item rule",
        "tools": "structural: function tools with JSON Schema parameters",
    },
    ("openrouter", "messages-request"): {
        "model": "must name a served model", "models": "fallback ids must name served models",
        "tool_choice": "a tool choice needs tools; tools are structural",
        "provider": "routing preferences decide which endpoints may serve (OR-DOCS provider-selection)",
        "messages": "the conversation: tool_result blocks answer tool_use ids, a cross-turn rule",
        "tools": "structural: custom tools with JSON Schema input",
    },
    ("aimlapi", "chat-request"): {
        "model": "the spec's model enum lives in the provider, not in this schema (AIML-SPEC model.enum)",
        "tool_choice": "a tool choice needs tools (OpenAI semantics); tools are structural",
        "top_logprobs": "needs logprobs: true (OpenAI semantics), a cross-field rule",
        "n": "several choices multiply the cost of a live call",
    },
    ("bedrock", "invoke-request"): {
        "prompt": "a Llama chat template (BR-DOCS), not any string",
        "images": "base64 of real images; the schema says only base64 string",
    },
    ("bedrock", "converse-request"): {
        "additionalModelResponseFieldPaths": "JSON pointers into the model's response (BR-MODEL)",
        "additionalModelRequestFields": "free JSON passed to the model",
        "guardrailConfig": "names a guardrail of the caller's account; guardrails are a per-model capability",
        "performanceConfig": "latency-optimized inference is offered for some models and regions only (BR-DOCS)",
        "serviceTier": "service tiers are per model; reserved needs reserved capacity (BR-DOCS)",
        "outputConfig": "structured output and effort are per-model features; jsonSchema.schema is JSON text",
        "promptVariables": "only with a prompt resource as modelId (BR-MODEL ConverseRequest.promptVariables)",
        "projectIdentifier": "names a project of the caller's account (BR-MODEL ConverseRequest.projectIdentifier)",
    },
}


def _bounds(schema: Mapping[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    low, low_open = schema.get("minimum"), False
    if "exclusiveMinimum" in schema:
        low, low_open = schema["exclusiveMinimum"], True
    high, high_open = schema.get("maximum"), False
    if "exclusiveMaximum" in schema:
        high, high_open = schema["exclusiveMaximum"], True
    return low, low_open, high, high_open


def _integers(schema: Mapping[str, Any]) -> st.SearchStrategy[int]:
    low, low_open, high, high_open = _bounds(schema)
    min_value = None if low is None else math.floor(low) + 1 if low_open else math.ceil(low)
    max_value = None if high is None else math.ceil(high) - 1 if high_open else math.floor(high)
    edges = [v for v in (min_value, max_value) if v is not None]
    if min_value is None:
        min_value = (max_value - OPEN_SPAN) if max_value is not None else 0
    if max_value is None:
        max_value = min_value + OPEN_SPAN
    inner = st.integers(min_value=min_value, max_value=max_value)
    # The bounds first, so that they are drawn often and shrinking ends on them.
    return st.one_of(st.sampled_from(edges), inner) if edges else inner


def _floats(schema: Mapping[str, Any]) -> st.SearchStrategy[float | int]:
    low, low_open, high, high_open = _bounds(schema)
    edges: list[float | int] = []
    if low is not None:
        edges.append(math.nextafter(low, math.inf) if low_open else low)
    if high is not None:
        edges.append(math.nextafter(high, -math.inf) if high_open else high)
    min_value = low if low is not None else (high - OPEN_SPAN if high is not None else 0.0)
    max_value = high if high is not None else min_value + OPEN_SPAN
    inner = st.floats(min_value=min_value, max_value=max_value, exclude_min=low_open, exclude_max=high_open,
                      allow_nan=False, allow_infinity=False, allow_subnormal=False)  # fmt: skip
    return st.one_of(st.sampled_from(edges), inner) if edges else inner


def _strings(schema: Mapping[str, Any]) -> st.SearchStrategy[str] | None:
    if "pattern" in schema or "format" in schema:
        return None  # structured strings (URLs, ids) are not drawn from thin air
    min_size = int(schema.get("minLength", 1))
    max_size = int(schema.get("maxLength", min_size + 12))
    return st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 _-", min_size=min_size, max_size=max_size)


def values(provider: str, kind: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any] | None:
    """Return a strategy for values valid under ``schema``, or None when the schema is structural."""
    schema = resolve(provider, kind, dict(schema))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            options = [values(provider, kind, branch) for branch in schema[keyword]]
            found = [o for o in options if o is not None]
            return st.one_of(found) if found and keyword == "anyOf" else None
    drawn: list[st.SearchStrategy[Any]] = []
    for name in sorted(types_of(schema)):
        one = _typed(provider, kind, name, schema)
        if one is not None:
            drawn.append(one)
    return st.one_of(drawn) if drawn else None


def _typed(provider: str, kind: str, name: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any] | None:
    if name == "null":
        return st.none()
    if name == "boolean":
        return st.booleans()
    if name == "integer":
        return _integers(schema)
    if name == "number":
        return _floats(schema)
    if name == "string":
        return _strings(schema)
    if name == "array":
        items = values(provider, kind, schema.get("items", {}))
        if items is None:
            return None
        min_size = int(schema.get("minItems", 0))
        max_size = min(int(schema.get("maxItems", min_size + 3)), min_size + 4)
        return st.lists(items, min_size=min_size, max_size=max_size)
    if name == "object" and isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
        entries = values(provider, kind, schema["additionalProperties"])
        if entries is None:
            return None
        min_size = int(schema.get("minProperties", 0))
        max_size = min(int(schema.get("maxProperties", min_size + 3)), min_size + 3)
        # Map keys: token ids for logit_bias (OR-DOCS parameters), plain names elsewhere.
        keys = st.integers(min_value=0, max_value=128_000).map(str)
        return st.dictionaries(keys, entries, min_size=min_size, max_size=max_size)
    return None


def _generable(provider: str, kind: str) -> list[tuple[Parameter, st.SearchStrategy[Any]]]:
    fixed = _FIXED.get((provider, kind), {})
    found = []
    for p in parameters(provider, kind):
        if p.path[0] in fixed or (p.required and p.parent is None):
            continue  # required top-level fields come from the base request
        if "object" in types_of(p.schema) and p.schema.get("properties"):
            continue  # configuration objects are built from their children
        strategy = values(provider, kind, p.schema)
        if strategy is not None and parent_skeleton_ok(provider, kind, p):
            found.append((p, strategy))
    return found


def companions(provider: str, kind: str, p: Parameter) -> list[Parameter] | None:
    """The required fields that must accompany ``p`` up its chain of parents, or None when one is structural."""
    found: list[Parameter] = []
    child = p
    while child.parent is not None:
        parent = next(q for q in parameters(provider, kind) if q.path == child.parent)
        known = {q.path[-1]: q for q in parameters(provider, kind) if q.parent == parent.path}
        for name in parent.schema.get("required", ()):
            if name == child.path[-1]:
                continue
            if name not in known or values(provider, kind, known[name].schema) is None:
                return None
            found.append(known[name])
        child = parent
    return found


def parent_skeleton_ok(provider: str, kind: str, p: Parameter) -> bool:
    """A nested field can be set only when the other required fields up its chain can be drawn."""
    return companions(provider, kind, p) is not None


def required_value(provider: str, kind: str, p: Parameter) -> st.SearchStrategy[Any]:
    """A strategy for a required companion field; raises ``UsageError`` when its schema is structural."""
    strategy = values(provider, kind, p.schema)
    if strategy is None:
        raise UsageError(f"{p.where} is required but its schema is structural")
    return strategy


@st.composite
def _valid(draw: st.DrawFn, provider: str, kind: str, model: str | None) -> dict[str, Any]:
    document = base_request(provider, kind, draw(texts()), model=model)
    generable = _generable(provider, kind)
    chosen = draw(st.lists(st.sampled_from(range(len(generable))), unique=True, max_size=6)) if generable else []
    for i in sorted(chosen):
        p, strategy = generable[i]
        for q in companions(provider, kind, p) or ():
            set_path(document, q.path, draw(required_value(provider, kind, q)))
        set_path(document, p.path, draw(strategy))
    return document


def valid_requests(provider: str, kind: str, *, model: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for schema-valid requests, including parameters exactly at their bounds.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        kind: a request kind of ``REQUEST_KINDS[provider]``, e.g. ``chat-request``.
        model: the model id to put in the request; defaults to the registry's default model.

    Each example is the base request plus up to six optional parameters drawn from their schemas
    (bounds first). Fields in ``_FIXED`` keep their base value, for the reason given there.
    """
    check_kind(provider, kind)
    return _valid(provider, kind, model)
