"""The request strategies: derived from the schemas, valid at the bounds, each breach labelled truthfully."""

import math
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import find as _find
from hypothesis import strategies as st

from contracts import schemas
from contracts.document import json_path
from contracts.strategies import (
    REQUEST_KINDS,
    Invalid,
    base_request,
    invalid_requests,
    parameters,
    valid_requests,
)
from contracts.validate import UsageError

KINDS = [(p, k) for p, kinds in REQUEST_KINDS.items() for k in kinds]
# Derandomized: a fixed example sequence, so a rare (field, rule) pair is found every run or never (no flakes).
_FIND = settings(database=None, phases=[Phase.generate], max_examples=5000, derandomize=True)


def find(strategy: st.SearchStrategy[Any], condition: Any) -> Any:
    """``hypothesis.find`` without shrinking: any example meeting the condition will do."""
    return _find(strategy, condition, settings=_FIND)


def _error_paths(provider: str, kind: str, document: Any) -> set[str]:
    return {json_path("$", e.absolute_path) for e in schemas.validator(provider, kind).iter_errors(document)}


@pytest.mark.parametrize(("provider", "kind"), KINDS)
def test_base_request_is_valid(provider: str, kind: str) -> None:
    assert _error_paths(provider, kind, base_request(provider, kind)) == set()


@pytest.mark.parametrize(("provider", "kind"), KINDS)
@given(data=st.data())
def test_valid_requests_conform(provider: str, kind: str, data: st.DataObject) -> None:
    document = data.draw(valid_requests(provider, kind))
    assert _error_paths(provider, kind, document) == set()


@pytest.mark.parametrize(("provider", "kind"), KINDS)
@given(data=st.data())
def test_invalid_requests_break_exactly_the_labelled_field(provider: str, kind: str, data: st.DataObject) -> None:
    invalid = data.draw(invalid_requests(provider, kind))
    paths = _error_paths(provider, kind, invalid.document)
    assert paths, f"{invalid} is valid"
    # A missing field is reported at its parent; everything else at the field or inside it.
    parent = invalid.path.rsplit(".", 1)[0] if invalid.rule == "required" else invalid.path
    assert all(p == parent or p.startswith((invalid.path + ".", invalid.path + "[")) or p == invalid.path
               for p in paths), (str(invalid), paths)  # fmt: skip


def test_parameters_walk_into_referenced_objects() -> None:
    found = {p.where: p for p in parameters("bedrock", "converse-request")}
    temperature = found["$.inferenceConfig.temperature"]
    assert (temperature.schema["minimum"], temperature.schema["maximum"]) == (0, 1)
    assert found["$.toolConfig.tools"].required
    assert not found["$.inferenceConfig"].required


@pytest.mark.parametrize(
    ("provider", "field", "bound"),
    [
        ("openrouter", "temperature", 2),  # OR-SPEC-2025 maximum
        ("openrouter", "temperature", 0),
        ("aimlapi", "top_p", 0.01),  # AIML-SPEC floor
        ("aimlapi", "min_p", 0.999),
    ],
)
def test_valid_values_reach_the_bounds(provider: str, field: str, bound: float) -> None:
    assert find(valid_requests(provider, "chat-request"), lambda d: d.get(field) == bound)[field] == bound


@given(valid_requests("openrouter", "chat-request"))
def test_fixed_fields_keep_their_base_value(document: dict[str, Any]) -> None:
    # top_logprobs needs logprobs: true and provider routing can refuse parameters: never generated.
    assert "top_logprobs" not in document and "provider" not in document
    assert document["model"] == "meta-llama/llama-4-maverick"


@pytest.mark.parametrize(
    ("provider", "kind", "path", "rule", "just_outside"),
    [
        ("openrouter", "chat-request", "$.temperature", "maximum", math.nextafter(2, math.inf)),
        ("openrouter", "chat-request", "$.repetition_penalty", "exclusiveMinimum", 0),
        ("openrouter", "chat-request", "$.max_tokens", "minimum", 0),
        ("aimlapi", "chat-request", "$.top_p", "minimum", math.nextafter(0.01, -math.inf)),
        ("bedrock", "converse-request", "$.inferenceConfig.temperature", "maximum", math.nextafter(1, math.inf)),
        ("bedrock", "invoke-request", "$.max_gen_len", "maximum", 8193),
    ],
)
def test_breaches_include_values_just_outside_each_bound(
    provider: str, kind: str, path: str, rule: str, just_outside: float
) -> None:
    def target(i: Invalid) -> bool:
        return i.path == path and i.rule == rule and i.value == just_outside

    found = find(invalid_requests(provider, kind), target)
    assert str(found) == f"{path} breaks {rule} ({just_outside!r})"


@pytest.mark.parametrize(
    ("provider", "kind", "path", "rule"),
    [
        ("openrouter", "chat-request", "$.messages", "required"),
        ("openrouter", "chat-request", "$.messages", "minItems"),
        ("openrouter", "chat-request", "$.provider", "additionalProperties"),
        ("openrouter", "chat-request", "$.metadata", "maxProperties"),
        ("openrouter", "chat-request", "$.tool_choice", "enum"),
        ("openrouter", "chat-request", "$.seed", "type"),
        ("aimlapi", "chat-request", "$.model", "required"),
        ("aimlapi", "chat-request", "$.stream_options.include_usage", "required"),
        ("aimlapi", "chat-request", "$.logit_bias", "maximum"),
        ("bedrock", "invoke-request", "$", "additionalProperties"),
        ("bedrock", "converse-request", "$.inferenceConfig.stopSequences", "maxItems"),
        ("bedrock", "converse-request", "$.requestMetadata", "minProperties"),
        ("bedrock", "converse-request", "$.toolConfig.tools", "required"),
    ],
)
def test_every_kind_of_breach_is_drawn(provider: str, kind: str, path: str, rule: str) -> None:
    found = find(invalid_requests(provider, kind), lambda i: i.path == path and i.rule == rule)
    assert _error_paths(provider, kind, found.document)


def test_unknown_kind_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no request strategy for bedrock/chat-request"):
        valid_requests("bedrock", "chat-request")
