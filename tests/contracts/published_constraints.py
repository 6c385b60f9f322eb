"""Invalid requests built from the providers' own published constraints, not from ``contracts/schemas``.

The mock validates request bodies with ``contracts/schemas``; invalid requests derived from those same schemas
can only ever disagree with it about the error's shape. These come from elsewhere:

- OpenRouter and AI/ML API: facts copied out of the providers' OpenAPI files and parameter docs into
  ``tests/fixtures_data/published_constraints.json`` (each with its source);
- Bedrock Converse: botocore's installed ``bedrock-runtime`` service model, read at test time.

A fact is a member path (``inferenceConfig.temperature``, ``messages[0].role``) with JSON Schema keywords
(``type``, ``minimum``, ``maximum``, ``enum``, ``maxLength``, ``minItems``, ``required``, ...), plus ``items`` /
``values`` for the elements of an array / the values of a map and ``parent``, a valid enclosing object.
"""

from __future__ import annotations

import copy
import json
import math
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

__all__ = ["ABSENT", "FACTS", "Breach", "Constraint", "base_request", "breach", "breaches", "constraints", "rules_of"]

FACTS = Path(__file__).parents[1] / "fixtures_data" / "published_constraints.json"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""The value of a ``required`` breach: the member is left out."""

# The Converse members whose botocore constraints are checked (the constraints themselves are read from botocore).
BEDROCK_MEMBERS = (
    "messages", "messages[0].role", "messages[0].content", "system[0].text",
    "inferenceConfig.maxTokens", "inferenceConfig.temperature", "inferenceConfig.topP",
    "inferenceConfig.stopSequences", "toolConfig.tools", "additionalModelResponseFieldPaths", "requestMetadata",
    "performanceConfig.latency", "serviceTier.type",
)  # fmt: skip
# Rules left out for Bedrock: the model states no server error for a wrongly typed member (botocore refuses
# those before sending), so a wrong JSON type has no published answer to hold the mock to.
_BEDROCK_SKIPPED_RULES = {"type", "null"}

_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " ", max_size=8)
_JSON_TYPES: dict[str, st.SearchStrategy[Any]] = {
    "string": _TEXT,
    "integer": st.integers(-(10**6), 10**6),
    "number": st.floats(-1e6, 1e6).filter(lambda x: not x.is_integer()),  # a number that is not an integer
    "boolean": st.booleans(),
    "array": st.lists(st.integers(0, 9), max_size=2),
    "object": st.dictionaries(st.sampled_from("abc"), st.integers(0, 9), max_size=2),
}


@dataclass(frozen=True)
class Constraint:
    """One published fact about one request member."""

    path: str
    rules: Mapping[str, Any]
    source: str

    @property
    def parts(self) -> list[str | int]:
        """``messages[0].role`` -> ``["messages", 0, "role"]``."""
        return [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"\[\d+\]|[^.\[\]]+", self.path)]


@dataclass(frozen=True)
class Breach:
    """A request that breaks one published rule of one member."""

    constraint: Constraint
    rule: str
    value: Any
    document: dict[str, Any] = field(repr=False)

    def __str__(self) -> str:
        shown = "absent" if self.value is ABSENT else repr(self.value)[:80]
        return f"{self.constraint.path} breaks {self.rule} ({shown}); source: {self.constraint.source}"


def base_request(provider: str, kind: str, model: str) -> dict[str, Any]:
    """A small valid request, written here (not drawn from the mock's schemas)."""
    if kind == "chat-request":
        return {"model": model, "messages": [{"role": "user", "content": "Say hi."}]}
    if kind == "converse-request":
        return {"messages": [{"role": "user", "content": [{"text": "Say hi."}]}]}
    raise ValueError(f"no published constraints for {provider}/{kind}")


@cache
def constraints(provider: str, kind: str) -> tuple[Constraint, ...]:
    """The published constraints of a request kind."""
    if provider == "bedrock":
        return tuple(_botocore_constraints("Converse" if kind == "converse-request" else kind))
    facts = json.loads(FACTS.read_text(encoding="utf-8"))[provider][kind]
    return tuple(Constraint(f["path"], {k: v for k, v in f.items() if k not in ("path", "source")}, f["source"])
                 for f in facts)  # fmt: skip


def rules_of(provider: str, constraint: Constraint) -> list[str]:
    """The rules a breach can break for this member (each one a separate way to be invalid)."""
    skipped = _BEDROCK_SKIPPED_RULES if provider == "bedrock" else set()
    return [r for r in breaches(constraint) if r.rsplit(".", 1)[-1] not in skipped]


# -- values ------------------------------------------------------------------------------------------------------


def _types(rules: Mapping[str, Any]) -> set[str]:
    allowed = set(rules.get("type") or [])
    return allowed | {"integer"} if "number" in allowed else allowed


def _valid(rules: Mapping[str, Any]) -> Any:
    """One simple value meeting ``rules`` (for the elements and values around a breach)."""
    if rules.get("enum"):
        return next(v for v in rules["enum"] if v is not None)
    kind = (rules.get("type") or ["string"])[0]
    if kind in ("number", "integer"):
        return rules.get("minimum", 0) if "minimum" in rules else min(rules.get("maximum", 0), 0)
    if kind == "boolean":
        return True
    if kind == "array":
        return [_valid(rules.get("items", {}))] * max(rules.get("minItems", 0), 1)
    if kind == "object":
        return {f"k{i}": _valid(rules.get("values", {})) for i in range(max(rules.get("minProperties", 0), 1))}
    return "x" * max(rules.get("minLength", 1), 1)


def _beyond(rules: Mapping[str, Any], bound: float, below: bool) -> st.SearchStrategy[Any]:
    """Numbers strictly below (or above) ``bound``; integers when the member takes no other numbers."""
    if _types(rules) & {"number", "integer"} == {"integer"}:
        return st.integers(math.ceil(bound) - 1000, math.ceil(bound) - 1) if below else st.integers(
            math.floor(bound) + 1, math.floor(bound) + 1000)  # fmt: skip
    low, high = (bound - 1000, bound) if below else (bound, bound + 1000)
    return st.floats(low, high).filter((lambda x: x < bound) if below else (lambda x: x > bound))  # not -0.0 for 0


def breaches(constraint: Constraint) -> dict[str, st.SearchStrategy[Any]]:
    """For each rule of the member, the values that break it and nothing else."""
    rules, found = constraint.rules, {}
    allowed = _types(rules)
    if allowed:
        wrong = [strategy for name, strategy in _JSON_TYPES.items() if name not in allowed]
        if wrong:
            found["type"] = st.one_of(wrong)
        if "null" not in allowed and None not in rules.get("enum", ()):
            found["null"] = st.none()
    if "minimum" in rules:
        found["minimum"] = _beyond(rules, rules["minimum"], below=True)
    if "maximum" in rules:
        found["maximum"] = _beyond(rules, rules["maximum"], below=False)
    if rules.get("enum"):
        found["enum"] = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8).map(lambda s: "x-" + s)
    if rules.get("minLength", 0) > 0:
        found["minLength"] = st.text(alphabet=string.ascii_letters, max_size=rules["minLength"] - 1)
    if "maxLength" in rules:
        found["maxLength"] = st.integers(rules["maxLength"] + 1, rules["maxLength"] + 8).map(lambda n: "y" * n)
    item = _valid(rules.get("items", {}))
    if rules.get("minItems", 0) > 0:
        found["minItems"] = st.integers(0, rules["minItems"] - 1).map(lambda n: [item] * n)
    if "maxItems" in rules:
        found["maxItems"] = st.integers(rules["maxItems"] + 1, rules["maxItems"] + 3).map(lambda n: [item] * n)
    value = _valid(rules.get("values", {}))
    if rules.get("minProperties", 0) > 0:
        found["minProperties"] = st.just({})
    if "maxProperties" in rules:
        found["maxProperties"] = st.just({f"k{i}": value for i in range(rules["maxProperties"] + 1)})
    if rules.get("required"):
        found["required"] = st.just(ABSENT)
    for inner in ("items", "values"):
        if not rules.get(inner):
            continue
        for rule, bad in breaches(Constraint(constraint.path, rules[inner], "")).items():
            if rule != "required":
                found[f"{inner}.{rule}"] = bad.map((lambda b: [b]) if inner == "items" else (lambda b: {"12": b}))
    return found


def breach(provider: str, kind: str, model: str, constraint: Constraint, rule: str, value: Any) -> Breach:
    """The base request with ``value`` at the member (or without the member, for ``required``)."""
    document = base_request(provider, kind, model)
    parts = constraint.parts
    node: Any = document  # an object or an array, step by step
    for i, step in enumerate(parts[:-1]):
        if isinstance(step, int):
            while len(node) <= step:
                node.append({})
        elif step not in node:  # create the enclosing object: the fact's valid ``parent`` for the innermost one
            parent = constraint.rules.get("parent", {}) if i == len(parts) - 2 else {}
            node[step] = [] if isinstance(parts[i + 1], int) else copy.deepcopy(parent)
        node = node[step]
    leaf = parts[-1]
    if value is ABSENT:
        node.pop(leaf, None)
    elif isinstance(leaf, int) and len(node) <= leaf:
        node.append(value)
    else:
        node[leaf] = value
    return Breach(constraint, rule, value, document)


# -- Bedrock, from botocore --------------------------------------------------------------------------------------


def _botocore_constraints(operation: str) -> Iterator[Constraint]:
    import botocore
    import botocore.session

    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    top = model.operation_model(operation).input_shape
    for path in BEDROCK_MEMBERS:
        shape, required, trail = top, False, [top.name]
        for step in Constraint(path, {}, "").parts:
            if isinstance(step, int):
                shape, required = shape.member, False
                trail.append("member")
            else:
                required = step in shape.required_members
                shape = shape.members[step]
                trail.append(step)
        yield Constraint(path, _rules_of_shape(shape, required),
                         f"botocore {botocore.__version__} bedrock-runtime {model.api_version} "
                         f"{'.'.join(trail)} ({shape.name})")  # fmt: skip


_JSON_TYPE_OF_SHAPE = {"integer": "integer", "long": "integer", "float": "number", "double": "number",
                       "string": "string", "boolean": "boolean", "list": "array", "map": "object",
                       "structure": "object"}  # fmt: skip
# What a shape's min/max bound: the value of a number, the length of a string, the size of a list or map.
_BOUNDS = {"integer": ("minimum", "maximum"), "number": ("minimum", "maximum"), "string": ("minLength", "maxLength"),
           "array": ("minItems", "maxItems"), "object": ("minProperties", "maxProperties")}  # fmt: skip


def _rules_of_shape(shape: Any, required: bool = False) -> dict[str, Any]:
    kind = _JSON_TYPE_OF_SHAPE.get(shape.type_name)
    rules: dict[str, Any] = {"type": [kind]} if kind else {}
    words = _BOUNDS.get(kind or "", ())
    if words and shape.type_name != "structure":
        for bound, word in zip(("min", "max"), words, strict=True):
            if bound in shape.metadata:
                rules[word] = shape.metadata[bound]
    if getattr(shape, "enum", None):
        rules["enum"] = list(shape.enum)
    if required:
        rules["required"] = True
    if shape.type_name == "list":
        rules["items"] = _rules_of_shape(shape.member)
    if shape.type_name == "map":
        rules["values"] = _rules_of_shape(shape.value)
    return rules
