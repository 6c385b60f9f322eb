"""Property checks, the same against any target: valid requests conform, invalid ones get the provider's error.

Invalid requests come from the providers' own published constraints (tests/contracts/published_constraints.py),
not from the schemas the mock validates with, so a rule the mock fails to enforce shows up as a 2xx here.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import Phase, event, find, given, settings
from hypothesis import strategies as st

from contracts.check import Case, verify
from contracts.checks import Severity
from contracts.strategies import invalid_requests, valid_requests
from contracts.targets import Target
from tests.contracts.published_constraints import Constraint, breach, breaches, constraints, rules_of

# Per provider: (request kind, operation, streaming operation); Bedrock streams by operation.
PLANS = {
    "openrouter": [("chat-request", "chat_completions", "chat_completions")],
    "aimlapi": [("chat-request", "chat_completions", "chat_completions")],
    "bedrock": [
        ("invoke-request", "invoke_model", "invoke_model_with_response_stream"),
        ("converse-request", "converse", "converse_stream"),
    ],
}
# Body-validation errors: 400 everywhere; Bedrock names the exception (wire-contracts §1.5, §2.5, §3.8).
INVALID = {"openrouter": (400, None), "aimlapi": (400, None), "bedrock": (400, "ValidationException")}


def _errors(found: list[Any]) -> list[str]:
    return [str(v) for v in found if v.severity is Severity.ERROR]


@given(data=st.data())
def test_valid_request_gets_2xx_and_a_conforming_body(target: Target, data: st.DataObject) -> None:
    kind, operation, streaming = data.draw(st.sampled_from(PLANS[target.provider]), label="plan")
    body = data.draw(valid_requests(target.provider, kind, model=target.model), label="body")
    stream = data.draw(st.booleans(), label="stream")
    if stream and target.provider != "bedrock":
        body.setdefault("stream", True)  # the OpenAI-compatible providers stream by the body
        stream = False
    case = Case("property:valid", streaming if stream else operation, body)
    exchange = target.send(case.operation, body)
    event(f"{case.operation} {'stream' if stream or body.get('stream') else 'json'}")
    assert _errors(verify(target.provider, case, exchange)) == []


# Per provider: (request kind, operation, streaming operation) with published constraints (no InvokeModel: its
# body is an opaque blob in botocore's model, and Meta's parameter table is prose only).
PUBLISHED = {
    "openrouter": [("chat-request", "chat_completions", "chat_completions")],
    "aimlapi": [("chat-request", "chat_completions", "chat_completions")],
    "bedrock": [("converse-request", "converse", "converse_stream")],
}
# Published rules the mock does not enforce yet (it answers 2xx): (provider, member, rule) -> why. Kept out of the
# property test; test_every_published_rule_is_enforced fails as soon as one of them is enforced (then drop it here).
_NULLABLE = "the mock's schema takes null; AIML-SPEC (OpenAPI 3.0) has no nullable: true on this member"
KNOWN_GAPS: dict[tuple[str, str, str], str] = {
    ("openrouter", "messages[0].content", "null"): "the mock takes a user message with content: null",
    **{("aimlapi", member, "null"): _NULLABLE for member in (
        "max_completion_tokens", "max_tokens", "temperature", "top_p", "stream", "parallel_tool_calls",
        "stream_options")},
    ("aimlapi", "messages[0].content", "null"): "the mock takes a user message with content: null",
}  # fmt: skip
# The smallest breach of each rule: shrunk and derandomized, so the same request every run.
_SMALLEST = settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink], max_examples=50)


def _rules(provider: str) -> list[tuple[str, Constraint, str]]:
    return [(kind, c, rule) for kind, _, _ in PUBLISHED[provider] for c in constraints(provider, kind)
            for rule in rules_of(provider, c)]  # fmt: skip


def _send_invalid(target: Target, kind: str, constraint: Constraint, rule: str, value: Any, stream: bool) -> list[str]:
    """Send the base request with one published rule broken; the contract violations of the answer."""
    invalid = breach(target.provider, kind, target.model, constraint, rule, value)
    [(_, operation, streaming)] = [plan for plan in PUBLISHED[target.provider] if plan[0] == kind]
    status, error = INVALID[target.provider]
    case = Case("property:invalid", streaming if stream else operation, invalid.document, status=status, error=error)
    exchange = target.send(case.operation, invalid.document)
    return [f"{invalid}: {e}" for e in _errors(verify(target.provider, case, exchange))]


@given(data=st.data())
def test_invalid_request_gets_the_provider_error(target: Target, data: st.DataObject) -> None:
    enforced = [r for r in _rules(target.provider) if (target.provider, r[1].path, r[2]) not in KNOWN_GAPS]
    kind, constraint, rule = data.draw(st.sampled_from(enforced), label="rule")
    value = data.draw(breaches(constraint)[rule], label="value")
    stream = data.draw(st.booleans(), label="stream") and target.provider == "bedrock"
    event(f"breaks {rule}")
    assert _send_invalid(target, kind, constraint, rule, value, stream) == []


def _members() -> Iterator[Any]:
    for provider, plans in PUBLISHED.items():
        for kind, _, _ in plans:
            for constraint in constraints(provider, kind):
                yield pytest.param(provider, kind, constraint, id=f"{provider}:{constraint.path}")


@pytest.mark.parametrize(("provider", "kind", "constraint"), list(_members()))
def test_every_published_rule_is_enforced(
    where: str, make_target: Callable[[str], Target], provider: str, kind: str, constraint: Constraint
) -> None:
    """Each published rule of each member, broken once with its smallest breach (the property test samples them)."""
    if where == "live":
        pytest.skip("one request per published rule: too many for a paid run (the property test samples them)")
    target = make_target(provider)
    problems = []
    for rule in rules_of(provider, constraint):
        value = find(breaches(constraint)[rule], lambda _: True, settings=_SMALLEST)
        found = _send_invalid(target, kind, constraint, rule, value, stream=False)
        gap = KNOWN_GAPS.get((provider, constraint.path, rule))
        if gap is None:
            problems += found
        elif not found:
            problems.append(f"{constraint.path} {rule} is enforced now: remove it from KNOWN_GAPS ({gap})")
    assert problems == []


def test_converse_stream_takes_the_same_constraints() -> None:
    """ConverseStream shares Converse's members (botocore), so one set of facts serves both operations."""
    assert [c.rules for c in constraints("bedrock", "converse-request")] == [
        c.rules for c in constraints("bedrock", "ConverseStream")]


@given(data=st.data())
def test_invalid_invoke_body_gets_the_validation_error(
    make_target: Callable[[str], Target], data: st.DataObject
) -> None:
    """InvokeModel's Meta body has no machine-readable published constraints: breaches of the project's own
    schema, so this checks the error's shape and status only."""
    target = make_target("bedrock")
    invalid = data.draw(invalid_requests("bedrock", "invoke-request", model=target.model), label="invalid")
    streaming = data.draw(st.booleans(), label="stream")
    operation = "invoke_model_with_response_stream" if streaming else "invoke_model"
    status, error = INVALID["bedrock"]
    case = Case("property:invalid", operation, invalid.document, status=status, error=error)
    event(f"breaks {invalid.rule}")
    assert _errors(verify("bedrock", case, target.send(operation, invalid.document))) == [], str(invalid)
