"""The fast request check (fastjsonschema) and jsonschema agree on every generated request."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.schemas import validator
from contracts.strategies import REQUEST_KINDS, invalid_requests, valid_requests
from mockserver.behaviour.validation import first_problem, is_valid

KINDS = [(provider, kind) for provider, kinds in REQUEST_KINDS.items() for kind in kinds]


@pytest.mark.parametrize(("provider", "kind"), KINDS)
@settings(max_examples=60)
@given(data=st.data())
def test_fast_path_agrees_with_jsonschema(provider: str, kind: str, data: st.DataObject) -> None:
    valid: dict[str, Any] = data.draw(valid_requests(provider, kind))
    assert is_valid(provider, kind, valid) and validator(provider, kind).is_valid(valid)
    invalid = data.draw(invalid_requests(provider, kind)).document
    assert is_valid(provider, kind, invalid) == validator(provider, kind).is_valid(invalid) is False
    if provider != "bedrock":
        assert first_problem(provider, kind, invalid) is not None
