"""``validate()``: inputs, usage errors and the check registry."""

import pytest

from contracts import schemas
from contracts.checks import CHECKS, Violation, check
from contracts.validate import KINDS, UsageError, failed, validate


def test_usage_errors_name_the_known_kinds() -> None:
    with pytest.raises(UsageError, match=r"known: .*chat-stream"):
        validate("openrouter", "nope", {})
    with pytest.raises(UsageError, match="known: openrouter"):
        validate("nope", "error", {})
    with pytest.raises(UsageError, match="binary"):
        validate("bedrock", "converse-stream", "text")
    with pytest.raises(UsageError, match="raw transcript"):
        validate("openrouter", "chat-stream", {"id": "x"})


def test_every_document_kind_has_a_schema_or_says_so() -> None:
    for provider, kinds in KINDS.items():
        for kind in kinds:
            if kind.endswith("-stream"):
                continue
            if kind in schemas.kinds(provider):
                assert isinstance(validate(provider, kind, {}), list)
            else:
                with pytest.raises(UsageError, match="not written yet"):
                    validate(provider, kind, {})


def test_json_text_and_whitespace_prefix() -> None:
    # OpenRouter may write whitespace before a non-streaming body (wire-contracts §1.5).
    assert validate("bedrock", "error", '\n \n{"message": "x"}') == []
    [violation] = validate("bedrock", "error", b"not json")
    assert violation.check == "json"
    assert failed([violation])


def test_violation_is_a_frozen_value() -> None:
    v = Violation("schema", "$.a", "bad")
    with pytest.raises(AttributeError):
        v.path = "$.b"  # type: ignore[misc]
    assert str(v) == "$.a: error: bad [schema]"


def test_check_names_are_unique() -> None:
    with pytest.raises(ValueError, match="already registered"):
        check("schema", "again")
    assert all(name == c.name for name, c in CHECKS.items())
