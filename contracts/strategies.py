"""Hypothesis strategies for provider requests, derived by walking the request JSON Schemas."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from contracts import schemas
from contracts.document import json_path
from contracts.validate import UsageError

__all__ = [
    "MODELS",
    "OPEN_SPAN",
    "REQUEST_KINDS",
    "Invalid",
    "Parameter",
    "base_request",
    "invalid_requests",
    "parameters",
    "valid_requests",
]

# The request schemas this module can walk, per provider (contracts/schemas/<provider>/<kind>.json).
REQUEST_KINDS: dict[str, tuple[str, ...]] = {
    "openrouter": ("chat-request", "completions-request"),
    "aimlapi": ("chat-request",),
    "bedrock": ("invoke-request", "converse-request"),
}

# Default model per provider: Llama 4 Maverick (wire-contracts §1.8, §2.1; §3.1 needs the us. profile).
MODELS = {
    "openrouter": "meta-llama/llama-4-maverick",
    "aimlapi": "meta-llama/llama-4-maverick",
    "bedrock": "us.meta.llama4-maverick-17b-instruct-v1:0",
}

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
    },
}

_WORDS = ("hello", "count", "to", "three", "weather", "in", "Paris", "say", "hi", "briefly", "Llama", "why")
_UNKNOWN_KEY = "x_mockkit_unknown"
# One value of each JSON type, for "wrong type" breaches; 1.5 is a number that is not an integer.
_PALETTE: tuple[tuple[str, Any], ...] = (
    ("string", "x"), ("integer", 7), ("number", 1.5), ("boolean", True),
    ("array", ["x"]), ("object", {"x": 1}), ("null", None),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Parameter:
    """One field of a request schema: where it sits, the schema governing it, and whether it is required."""

    path: tuple[str, ...]
    schema: Mapping[str, Any]
    """The field's schema with a top-level ``$ref`` resolved."""
    required: bool
    parent: tuple[str, ...] | None
    """Path of the enclosing object parameter (``None`` at the top level)."""

    @property
    def where(self) -> str:
        """The field as a JSON path, e.g. ``$.inferenceConfig.temperature``."""
        return json_path("$", self.path)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A request that breaks one rule of its schema, labelled with the field and the rule it breaks."""

    document: dict[str, Any]
    path: str
    """JSON path of the broken field, e.g. ``$.temperature``."""
    rule: str
    """The JSON Schema keyword broken: ``maximum``, ``exclusiveMinimum``, ``type``, ``enum``, ``required``..."""
    value: Any
    """The offending value (``None`` for ``required``: the field is absent)."""

    def __str__(self) -> str:
        shown = "absent" if self.rule == "required" else repr(self.value)
        return f"{self.path} breaks {self.rule} ({shown})"


def _check_kind(provider: str, kind: str) -> None:
    if kind not in REQUEST_KINDS.get(provider, ()):
        known = "; ".join(f"{p}: {', '.join(k)}" for p, k in REQUEST_KINDS.items())
        raise UsageError(f"no request strategy for {provider}/{kind}; known: {known}")


def _resolve(provider: str, kind: str, schema: Any) -> dict[str, Any]:
    """Follow ``$ref`` chains (file-local or cross-file) to the schema they name."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        resolver = schemas.registry().resolver(base_uri=schemas.uri(provider, kind))
        schema = resolver.lookup(schema["$ref"]).contents
        seen += 1
        if seen > 20:
            raise UsageError(f"$ref loop in {provider}/{kind}")
    return schema if isinstance(schema, dict) else {}


@cache
def parameters(provider: str, kind: str) -> tuple[Parameter, ...]:
    """Walk a request schema: every property, and the properties of nested configuration objects."""
    _check_kind(provider, kind)

    def walk(schema: dict[str, Any], prefix: tuple[str, ...], parent: tuple[str, ...] | None) -> Iterator[Parameter]:
        required = set(schema.get("required", ()))
        for name, sub in schema.get("properties", {}).items():
            resolved = _resolve(provider, kind, sub)
            path = (*prefix, name)
            yield Parameter(path, resolved, name in required, parent)
            if "object" in _types_of(resolved) and resolved.get("properties"):
                yield from walk(resolved, path, path)

    return tuple(walk(schemas.load(provider, kind), (), None))


def _types_of(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    return set(declared) if isinstance(declared, list) else set()


def base_request(provider: str, kind: str, text: str = "hello", *, model: str | None = None) -> dict[str, Any]:
    """Return the smallest valid request: the schema's required fields, with ``text`` as the user's turn."""
    _check_kind(provider, kind)
    model = model or MODELS[provider]
    if (provider, kind) == ("bedrock", "invoke-request"):
        # Llama 3/4 chat template (BR-DOCS model-parameters-meta; wire-contracts §3.3).
        prompt = (f"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{text}<|eot_id|>"
                  "<|start_header_id|>assistant<|end_header_id|>\n\n")  # fmt: skip
        return {"prompt": prompt}
    if (provider, kind) == ("bedrock", "converse-request"):
        return {"messages": [{"role": "user", "content": [{"text": text}]}]}
    if kind == "completions-request":
        return {"model": model, "prompt": text}
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def _texts() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)


# Valid values -------------------------------------------------------------------------------------


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
    schema = _resolve(provider, kind, dict(schema))
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
    for name in sorted(_types_of(schema)):
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


# Building documents -------------------------------------------------------------------------------


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = document
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _generable(provider: str, kind: str) -> list[tuple[Parameter, st.SearchStrategy[Any]]]:
    fixed = _FIXED.get((provider, kind), {})
    found = []
    for p in parameters(provider, kind):
        if p.path[0] in fixed or (p.required and p.parent is None):
            continue  # required top-level fields come from the base request
        if "object" in _types_of(p.schema) and p.schema.get("properties"):
            continue  # configuration objects are built from their children
        strategy = values(provider, kind, p.schema)
        if strategy is not None and _parent_skeleton_ok(provider, kind, p):
            found.append((p, strategy))
    return found


def _companions(provider: str, kind: str, p: Parameter) -> list[Parameter] | None:
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


def _parent_skeleton_ok(provider: str, kind: str, p: Parameter) -> bool:
    """A nested field can be set only when the other required fields up its chain can be drawn."""
    return _companions(provider, kind, p) is not None


def _required_value(provider: str, kind: str, p: Parameter) -> st.SearchStrategy[Any]:
    strategy = values(provider, kind, p.schema)
    if strategy is None:
        raise UsageError(f"{p.where} is required but its schema is structural")
    return strategy


@st.composite
def _valid(draw: st.DrawFn, provider: str, kind: str, model: str | None) -> dict[str, Any]:
    document = base_request(provider, kind, draw(_texts()), model=model)
    generable = _generable(provider, kind)
    chosen = draw(st.lists(st.sampled_from(range(len(generable))), unique=True, max_size=6)) if generable else []
    for i in sorted(chosen):
        p, strategy = generable[i]
        for q in _companions(provider, kind, p) or ():
            _set(document, q.path, draw(_required_value(provider, kind, q)))
        _set(document, p.path, draw(strategy))
    return document


def valid_requests(provider: str, kind: str, *, model: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for schema-valid requests, including parameters exactly at their bounds.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        kind: a request kind of ``REQUEST_KINDS[provider]``, e.g. ``chat-request``.
        model: the model id to put in the request; defaults to ``MODELS[provider]``.

    Each example is the base request plus up to six optional parameters drawn from their schemas
    (bounds first). Fields in ``_FIXED`` keep their base value, for the reason given there.
    """
    _check_kind(provider, kind)
    return _valid(provider, kind, model)


# Invalid values -----------------------------------------------------------------------------------


def _out_of_range(schema: Mapping[str, Any]) -> list[tuple[str, st.SearchStrategy[Any]]]:
    """Values just outside each numeric bound (and further out), labelled with the bound's keyword."""
    integer = _types_of(schema) & {"integer", "number"} == {"integer"}
    found: list[tuple[str, st.SearchStrategy[Any]]] = []
    for keyword, sign in (("minimum", -1), ("exclusiveMinimum", -1), ("maximum", 1), ("exclusiveMaximum", 1)):
        if keyword not in schema:
            continue
        bound = schema[keyword]
        exclusive = keyword.startswith("exclusive")
        further: st.SearchStrategy[Any]
        if integer:
            nearest = bound if exclusive else bound + sign
            low, high = (nearest - OPEN_SPAN, nearest) if sign < 0 else (nearest, nearest + OPEN_SPAN)
            further = st.integers(min_value=low, max_value=high)
        else:
            nearest = bound if exclusive else math.nextafter(bound, sign * math.inf)
            low, high = (bound - OPEN_SPAN, bound) if sign < 0 else (bound, bound + OPEN_SPAN)
            further = st.floats(min_value=low, max_value=high, exclude_min=sign > 0 and not exclusive,
                                exclude_max=sign < 0 and not exclusive, allow_nan=False)  # fmt: skip
        found.append((keyword, st.one_of(st.just(nearest), further)))
    return found


def _json_types(provider: str, kind: str, schema: Mapping[str, Any]) -> set[str] | None:
    """The JSON types a schema admits at its top level, or None when it does not restrict them."""
    schema = _resolve(provider, kind, dict(schema))
    if "const" in schema or "enum" in schema:
        members = [schema["const"]] if "const" in schema else schema["enum"]
        return {name for name, sample in _PALETTE for m in members if _same_type(sample, m)}
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    if branches:
        found: set[str] = set()
        for branch in branches:
            types = _json_types(provider, kind, branch)
            if types is None:
                return None
            found |= types
        return found
    types = _types_of(schema)
    if "number" in types:
        types.add("integer")
    return types or None


def _same_type(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return isinstance(a, int) == isinstance(b, int)
    return type(a) is type(b)


def _wrong_types(provider: str, kind: str, schema: Mapping[str, Any]) -> list[Any]:
    """One value of each JSON type the schema does not admit (1.5 for an integer field, and so on)."""
    allowed = _json_types(provider, kind, schema)
    if allowed is None:
        return []
    checker = Draft202012Validator({**schema, "$id": schemas.uri(provider, kind)}, registry=schemas.registry())
    return [value for name, value in _PALETTE if name not in allowed and not checker.is_valid(value)]


def _enum_values(provider: str, kind: str, schema: Mapping[str, Any]) -> list[str]:
    branches = [schema, *(_resolve(provider, kind, b) for b in schema.get("anyOf", []) + schema.get("oneOf", []))]
    known = [v for b in branches for v in b.get("enum", [b["const"]] if "const" in b else [])]
    return [f"not-{known[0]}"] if known and all(isinstance(v, str) for v in known) else []


def _breaches(provider: str, kind: str, p: Parameter) -> Iterator[tuple[str, st.SearchStrategy[Any] | None]]:
    """Yield (rule, value strategy) pairs; a ``None`` strategy means "remove the field"."""
    schema = p.schema
    if p.required:
        yield "required", None
    wrong = _wrong_types(provider, kind, schema)
    if wrong:
        yield "type", st.sampled_from(wrong)
    for value in _enum_values(provider, kind, schema):
        yield "enum", st.just(value)
    yield from _out_of_range(schema)
    items = values(provider, kind, schema.get("items", {})) if "array" in _types_of(schema) else None
    if "minItems" in schema and schema["minItems"] > 0:
        yield "minItems", st.just([])
    if "maxItems" in schema and items is not None:
        count = schema["maxItems"] + 1
        # One drawn item repeated: thousands of drawn items would overrun Hypothesis's buffer.
        yield "maxItems", items.map(lambda item: [item] * count)
    if "object" in _types_of(schema):
        entry = values(provider, kind, schema.get("additionalProperties") or {"const": "v"})
        if "maxProperties" in schema and entry is not None:
            count = schema["maxProperties"] + 1
            yield "maxProperties", st.fixed_dictionaries({f"k{i}": entry for i in range(count)})
        if schema.get("minProperties", 0) > 0:
            yield "minProperties", st.just({})
        if schema.get("additionalProperties") is False:
            yield "additionalProperties", st.just({_UNKNOWN_KEY: 1})
        if isinstance(schema.get("additionalProperties"), dict):
            # A map's values have bounds too, e.g. logit_bias -100..100 (OR-DOCS parameters).
            for rule, entry_out in _out_of_range(schema["additionalProperties"]):
                yield rule, entry_out.map(lambda bad: {"1": bad})


@cache
def _invalid_plans(provider: str, kind: str) -> tuple[tuple[Parameter | None, str, st.SearchStrategy[Any] | None], ...]:
    plans: list[tuple[Parameter | None, str, st.SearchStrategy[Any] | None]] = []
    for p in parameters(provider, kind):
        if _parent_skeleton_ok(provider, kind, p):
            plans.extend((p, rule, strategy) for rule, strategy in _breaches(provider, kind, p))
    if schemas.load(provider, kind).get("additionalProperties") is False:
        # e.g. Bedrock Meta bodies: "extraneous key [stop_sequences] is not permitted" (wire-contracts §3.3).
        plans.append((None, "additionalProperties", st.just(1)))
    return tuple(plans)


@st.composite
def _invalid(draw: st.DrawFn, provider: str, kind: str, model: str | None) -> Invalid:
    document = base_request(provider, kind, draw(_texts()), model=model)
    plans = _invalid_plans(provider, kind)
    # The rule first, then a field breaking it: else wrong types (one per field) would crowd out bounds.
    rule = draw(st.sampled_from(sorted({r for _, r, _ in plans})))
    p, _, strategy = draw(st.sampled_from([plan for plan in plans if plan[1] == rule]))
    if p is None:
        value = draw(strategy) if strategy is not None else None
        document[_UNKNOWN_KEY] = value
        return Invalid(document, "$", rule, {_UNKNOWN_KEY: value})
    for q in _companions(provider, kind, p) or ():
        _set(document, q.path, draw(_required_value(provider, kind, q)))
    if strategy is None:  # a required field removed
        parent = document
        for key in p.path[:-1]:
            parent = parent.setdefault(key, {})
        parent.pop(p.path[-1], None)
        return Invalid(document, p.where, rule, None)
    value = draw(strategy)
    _set(document, p.path, copy.deepcopy(value))
    return Invalid(document, p.where, rule, value)


def invalid_requests(provider: str, kind: str, *, model: str | None = None) -> st.SearchStrategy[Invalid]:
    """Return a strategy for requests that break exactly one schema rule, each labelled.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        kind: a request kind of ``REQUEST_KINDS[provider]``.
        model: the model id to put in the request; defaults to ``MODELS[provider]``.

    Breaches: a required field missing, a wrong JSON type, an unknown enum value, a number just
    outside (and further outside) each bound, one item too few or too many, one property too
    many, and an unknown key where the schema closes the object (``additionalProperties: false``).
    """
    _check_kind(provider, kind)
    return _invalid(provider, kind, model)
