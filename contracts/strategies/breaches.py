"""Strategies for requests that break exactly one rule of their schema, each labelled with the field and rule."""

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
from contracts.strategies.values import OPEN_SPAN, companions, parent_skeleton_ok, required_value, values

__all__ = ["Invalid", "invalid_requests"]

_UNKNOWN_KEY = "x_mockkit_unknown"
# One value of each JSON type, for "wrong type" breaches; 1.5 is a number that is not an integer.
_PALETTE: tuple[tuple[str, Any], ...] = (
    ("string", "x"), ("integer", 7), ("number", 1.5), ("boolean", True),
    ("array", ["x"]), ("object", {"x": 1}), ("null", None),
)  # fmt: skip


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


def _out_of_range(schema: Mapping[str, Any]) -> list[tuple[str, st.SearchStrategy[Any]]]:
    """Values just outside each numeric bound (and further out), labelled with the bound's keyword."""
    integer = types_of(schema) & {"integer", "number"} == {"integer"}
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
    schema = resolve(provider, kind, dict(schema))
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
    types = types_of(schema)
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
    branches = [schema, *(resolve(provider, kind, b) for b in schema.get("anyOf", []) + schema.get("oneOf", []))]
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
    items = values(provider, kind, schema.get("items", {})) if "array" in types_of(schema) else None
    if "minItems" in schema and schema["minItems"] > 0:
        yield "minItems", st.just([])
    if "maxItems" in schema and items is not None:
        count = schema["maxItems"] + 1
        # One drawn item repeated: thousands of drawn items would overrun Hypothesis's buffer.
        yield "maxItems", items.map(lambda item: [item] * count)
    if "object" in types_of(schema):
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
        if parent_skeleton_ok(provider, kind, p):
            plans.extend((p, rule, strategy) for rule, strategy in _breaches(provider, kind, p))
    if schemas.load(provider, kind).get("additionalProperties") is False:
        # e.g. Bedrock Meta bodies: "extraneous key [stop_sequences] is not permitted" (wire-contracts §3.3).
        plans.append((None, "additionalProperties", st.just(1)))
    return tuple(plans)


@st.composite
def _invalid(draw: st.DrawFn, provider: str, kind: str, model: str | None) -> Invalid:
    document = base_request(provider, kind, draw(texts()), model=model)
    plans = _invalid_plans(provider, kind)
    # The rule first, then a field breaking it: else wrong types (one per field) would crowd out bounds.
    rule = draw(st.sampled_from(sorted({r for _, r, _ in plans})))
    p, _, strategy = draw(st.sampled_from([plan for plan in plans if plan[1] == rule]))
    if p is None:
        value = draw(strategy) if strategy is not None else None
        document[_UNKNOWN_KEY] = value
        return Invalid(document, "$", rule, {_UNKNOWN_KEY: value})
    for q in companions(provider, kind, p) or ():
        set_path(document, q.path, draw(required_value(provider, kind, q)))
    if strategy is None:  # a required field removed
        parent = document
        for key in p.path[:-1]:
            parent = parent.setdefault(key, {})
        parent.pop(p.path[-1], None)
        return Invalid(document, p.where, rule, None)
    value = draw(strategy)
    set_path(document, p.path, copy.deepcopy(value))
    return Invalid(document, p.where, rule, value)


def invalid_requests(provider: str, kind: str, *, model: str | None = None) -> st.SearchStrategy[Invalid]:
    """Return a strategy for requests that break exactly one schema rule, each labelled.

    Args:
        provider: ``openrouter``, ``aimlapi`` or ``bedrock``.
        kind: a request kind of ``REQUEST_KINDS[provider]``.
        model: the model id to put in the request; defaults to the registry's default model.

    Breaches: a required field missing, a wrong JSON type, an unknown enum value, a number just
    outside (and further outside) each bound, one item too few or too many, one property too
    many, and an unknown key where the schema closes the object (``additionalProperties: false``).
    """
    check_kind(provider, kind)
    return _invalid(provider, kind, model)
