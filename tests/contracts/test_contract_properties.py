"""Property checks, the same against any target: valid requests conform, invalid ones get the provider's error."""

from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from contracts.check import Case, verify
from contracts.checks import Severity
from contracts.strategies import invalid_requests, valid_requests
from contracts.targets import Target

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


@given(data=st.data())
def test_invalid_request_gets_the_provider_error(target: Target, data: st.DataObject) -> None:
    kind, operation, streaming = data.draw(st.sampled_from(PLANS[target.provider]), label="plan")
    invalid = data.draw(invalid_requests(target.provider, kind, model=target.model), label="invalid")
    stream = data.draw(st.booleans(), label="stream") and target.provider == "bedrock"
    status, error = INVALID[target.provider]
    case = Case("property:invalid", streaming if stream else operation, invalid.document, status=status, error=error)
    exchange = target.send(case.operation, invalid.document)
    event(f"breaks {invalid.rule}")
    assert _errors(verify(target.provider, case, exchange)) == [], str(invalid)
