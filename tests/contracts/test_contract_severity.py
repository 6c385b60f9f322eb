"""Severity: a value outside a documented but open enum is a warning (reported, not drift); strict makes it fail.

Missing required fields, wrong types and broken stream grammar stay errors whatever the mode.
"""

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from contract_helpers import capture

from contracts import schemas
from contracts.checks import CHECKS, OPEN_ENUM, Severity, Violation, failing
from contracts.report import Result
from contracts.strategies import REQUEST_KINDS
from contracts.validate import KINDS, failed, validate


def _response(finish_reason: Any) -> dict[str, Any]:
    document = json.loads(capture("openrouter/chat-response-2026-trimmed.json"))
    document["choices"][0]["finish_reason"] = finish_reason
    return document


def _found(violations: list[Violation]) -> list[tuple[str, str, Severity]]:
    return [(v.check, v.path, v.severity) for v in violations]


def test_a_provider_native_finish_reason_is_a_warning() -> None:
    # OR-DOCS overview §Finish reason: "Some models and providers may have additional finish reasons."
    found = validate("openrouter", "chat-response", _response("end_turn"))
    assert _found(found) == [("enum.open", "$.choices[0].finish_reason", Severity.WARNING)]
    assert '"end_turn" is not a documented value' in found[0].message
    assert not failed(found)  # reported, not drift
    assert failed(found, strict=True)  # a strict run fails on it


def test_documented_values_give_no_warning() -> None:
    for reason in ("stop", "length", "tool_calls", "content_filter", "error", None):
        assert validate("openrouter", "chat-response", _response(reason)) == []


@pytest.mark.parametrize(
    ("document", "check", "path"),
    [
        (_response(5), "schema", "$.choices[0].finish_reason"),  # a wrong type is no undocumented value
        ({**_response("stop"), "choices": [{"index": 0, "message": {"role": "assistant"}}]}, "schema", "$.choices[0]"),
        ({k: v for k, v in _response("stop").items() if k != "created"}, "schema", "$"),
    ],
    ids=["wrong-type", "missing-required-finish-reason", "missing-required-created"],
)
def test_wrong_types_and_missing_fields_stay_errors(document: dict[str, Any], check: str, path: str) -> None:
    found = validate("openrouter", "chat-response", document)
    assert [(v.check, v.path) for v in found if v.severity is Severity.ERROR] == [(check, path)]
    assert failed(found) and failed(found, strict=True)


def test_closing_the_enum_turns_the_warning_into_an_error() -> None:
    """Switch-off: the same value against the same schema without ``x-open-enum`` fails validation."""
    value = _response("end_turn")
    closed = copy.deepcopy(schemas.load("openrouter", "chat-response"))
    del closed["$defs"]["finish_reason"][schemas.OPEN_ENUM]
    errors = list(schemas.Validator(closed, registry=schemas.registry()).iter_errors(value))
    assert [(e.validator, list(e.absolute_path)) for e in errors] == [("enum", ["choices", 0, "finish_reason"])]
    assert list(schemas.validator("openrouter", "chat-response").iter_errors(value)) == []


def test_bedrock_stop_reason_is_open_too() -> None:
    document = json.loads(capture("bedrock/converse-response-llama32.json"))
    document["stopReason"] = "refusal"
    assert _found(validate("bedrock", "converse-response", document)) == [
        ("enum.open", "$.stopReason", Severity.WARNING)]  # fmt: skip
    document["stopReason"] = 7
    assert [v.check for v in validate("bedrock", "converse-response", document)] == ["schema"]


def test_stream_warnings_are_reported_once_and_grammar_stays_an_error() -> None:
    raw = capture("openrouter/chat-stream-llama4-2026-shape.sse").decode()
    native = raw.replace('"finish_reason":"stop"', '"finish_reason":"eos"')
    found = validate("openrouter", "chat-stream", native)
    [warning] = [v for v in found if v.check == OPEN_ENUM.name]
    assert warning.severity is Severity.WARNING and warning.message.endswith("(in 2 chunks)")
    assert not failed(found) and failed(found, strict=True)
    broken = validate("openrouter", "chat-stream", native.replace("data: [DONE]\n\n", ""))
    assert [v.check for v in failing(broken)] == ["sse.done"]  # broken grammar: an error, strict or not


def test_failing_and_results_follow_the_mode() -> None:
    error, warning, info = (Violation("c", "$", "m", severity) for severity in Severity)
    assert failing([warning, error, info]) == [error]
    assert failing([warning, error, info], strict=True) == [warning, error]
    lenient = Result("r", "example", "op", {}, "2xx chat-response", 200, (warning, info))
    assert lenient.passed and lenient.warnings == [warning] and lenient.failures == []
    strict = Result("r", "example", "op", {}, "2xx chat-response", 200, (warning, info), strict=True)
    assert not strict.passed and strict.failures == [warning]
    assert CHECKS[OPEN_ENUM.name].severity is Severity.WARNING


def _open_enums(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if schemas.OPEN_ENUM in node:
            yield where, node
        for key, sub in node.items():
            yield from _open_enums(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _open_enums(sub, f"{where}/{i}")


def test_open_enums_are_typed_and_only_in_response_schemas() -> None:
    requests = {(p, k) for p, kinds in REQUEST_KINDS.items() for k in kinds}
    found = []
    for provider in KINDS:
        for kind in schemas.kinds(provider):
            for where, node in _open_enums(schemas.load(provider, kind), f"{provider}/{kind}.json#"):
                found.append(where)
                # An enum in a request is what the provider refuses; the mock's fastjsonschema would enforce it.
                assert (provider, kind) not in requests, where
                assert node[schemas.OPEN_ENUM] is True and isinstance(node.get("enum"), list), where
                assert "type" in node, f"{where}: without a type, any value would pass"  # wrong types stay errors
    assert "openrouter/chat-response.json#/$defs/finish_reason" in found
    assert "bedrock/converse-response.json#/$defs/StopReason" in found
