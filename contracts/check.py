"""Run example and property checks against a target (mock, running server or live) and report drift.

Checks compare shapes, statuses and stream grammars, never values: ids, ``created``, timestamps,
padding ``p``, latencies and request ids may change on every call and are not drift unless their
type or presence breaks the schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from contracts import sse
from contracts.checks import ES_EXCEPTION, Violation, check
from contracts.report import Report, Result
from contracts.strategies import Invalid, invalid_requests, valid_requests
from contracts.targets import Exchange, Target, TargetError, public_url
from contracts.validate import validate

__all__ = [
    "CONTENT_TYPE", "ERROR_STATUS", "ERROR_TYPE", "FAULT", "HTTP_STATUS",
    "Case", "TargetError", "examples", "run", "verify",
]  # fmt: skip

HTTP_STATUS = check("http.status", "the status is the one the contract expects (2xx, or the provider's error status)")
CONTENT_TYPE = check("http.content-type", "the content type is the one the operation returns")
ERROR_STATUS = check("error.status-match", "the error body repeats the HTTP status (error.code, statusCode)")
ERROR_TYPE = check("bedrock.error-type", "x-amzn-ErrorType (or __type) names the expected Bedrock exception")
FAULT = check("fault.delivered", "an injected mid-stream fault arrives as the provider's in-stream error")

_BARE_MODEL = {"bedrock": "meta.llama4-maverick-17b-instruct-v1:0"}
_STREAM_TYPES = {"chat-stream": "text/event-stream", "invoke-stream": "application/vnd.amazon.eventstream",
                 "converse-stream": "application/vnd.amazon.eventstream"}  # fmt: skip
# Per provider: (request kind, operation, streaming operation) for property checks.
_PROPERTY_KINDS = {
    "openrouter": (("chat-request", "chat_completions", "chat_completions"),),
    "aimlapi": (("chat-request", "chat_completions", "chat_completions"),),
    "bedrock": (
        ("invoke-request", "invoke_model", "invoke_model_with_response_stream"),
        ("converse-request", "converse", "converse_stream"),
    ),
}
# The error each provider answers a body-validation failure with (wire-contracts §1.5, §2.5, §3.8).
_INVALID_STATUS = {"openrouter": (400, None), "aimlapi": (400, None), "bedrock": (400, "ValidationException")}


@dataclass(frozen=True, slots=True)
class Case:
    """One request to send and what the contract expects of its answer."""

    name: str
    operation: str
    body: Any = None
    status: int | None = None
    """The expected error status; ``None`` expects any 2xx."""
    error: str | None = None
    """The Bedrock exception name expected in ``x-amzn-ErrorType``."""
    headers: dict[str, str] = field(default_factory=dict)
    authenticated: bool = True
    mock_only: bool = False
    """Uses the mock's fault headers, which a live provider ignores."""
    model: str | None = None
    fault: bool = False
    """Expects an in-stream error (the mock's ``x-mock-stream-fault``)."""
    label: str | None = None
    kind: str = "example"


def _tools_openai() -> list[dict[str, Any]]:
    parameters = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    return [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                                              "parameters": parameters}}]  # fmt: skip


def _chat(model: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], "max_tokens": 64, **extra}


def examples(target: Target) -> list[Case]:
    """The example checks for the target's provider, cheapest and most telling first."""
    m = target.model
    if target.provider == "openrouter":
        return [
            Case("example:models", "list_models", authenticated=False),
            Case("example:chat", "chat_completions", _chat(m, "Say hello.")),
            Case("example:chat-stream", "chat_completions", _chat(m, "Count to three.", stream=True)),
            Case("example:tools", "chat_completions",
                 _chat(m, "What is the weather in Paris?", tools=_tools_openai(), tool_choice="auto")),
            Case("example:error-invalid-param", "chat_completions", _chat(m, "Hi.", temperature=3), status=400),
            Case("example:error-no-key", "chat_completions", _chat(m, "Hi."), status=401, authenticated=False),
            Case("example:fault-429", "chat_completions", _chat(m, "Hi."), status=429,
                 headers={"x-mock-fault": "429"}, mock_only=True),
            Case("example:mid-stream-error", "chat_completions", _chat(m, "Count to three.", stream=True),
                 headers={"x-mock-stream-fault": "2"}, mock_only=True, fault=True),
        ]  # fmt: skip
    if target.provider == "aimlapi":
        return [
            Case("example:models", "list_models", authenticated=False),
            Case("example:chat", "chat_completions", _chat(m, "Say hello.")),
            Case("example:chat-stream", "chat_completions", _chat(m, "Count to three.", stream=True)),
            Case("example:tools", "chat_completions",
                 _chat(m, "What is the weather in Paris?", tools=_tools_openai(), tool_choice="auto")),
            # top_p has a 0.01 floor on AI/ML API (AIML-SPEC; wire-contracts §2.2).
            Case("example:error-invalid-param", "chat_completions", _chat(m, "Hi.", top_p=0), status=400),
            Case("example:error-no-key", "chat_completions", _chat(m, "Hi."), status=401, authenticated=False),
            # Out of credits is 403, not 402 (AIML-DOCS; wire-contracts §2.5).
            Case("example:fault-403", "chat_completions", _chat(m, "Hi."), status=403,
                 headers={"x-mock-fault": "403"}, mock_only=True),
        ]  # fmt: skip
    prompt = ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nSay hello.<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n")  # fmt: skip
    invoke = {"prompt": prompt, "max_gen_len": 64, "temperature": 0.5}
    converse = {"messages": [{"role": "user", "content": [{"text": "Count to three."}]}],
                "inferenceConfig": {"maxTokens": 64}}  # fmt: skip
    tool = {"toolSpec": {"name": "get_weather", "description": "Weather in a city", "inputSchema": {"json": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}  # fmt: skip
    weather = {"messages": [{"role": "user", "content": [{"text": "What is the weather in Paris?"}]}],
               "toolConfig": {"tools": [tool]}}  # fmt: skip
    return [
        Case("example:invoke", "invoke_model", invoke),
        Case("example:invoke-stream", "invoke_model_with_response_stream", invoke),
        Case("example:converse", "converse", converse),
        Case("example:converse-stream", "converse_stream", converse),
        Case("example:converse-tools", "converse", weather),
        # Converse temperature tops out at 1 (BR-MODEL InferenceConfigurationTemperatureFloat).
        Case("example:error-invalid-param", "converse", {**converse, "inferenceConfig": {"temperature": 1.5}},
             status=400, error="ValidationException"),
        # Llama 4 needs an inference profile: the bare id is a 400 (wire-contracts §3.1).
        Case("example:error-bare-model-id", "converse", converse, status=400, error="ValidationException",
             model=_BARE_MODEL["bedrock"]),
        Case("example:fault-throttling", "converse", converse, status=429, error="ThrottlingException",
             headers={"x-mock-fault": "ThrottlingException"}, mock_only=True),
        Case("example:stream-fault", "converse_stream", converse,
             headers={"x-mock-stream-fault": "throttlingException@2"}, mock_only=True, fault=True),
    ]  # fmt: skip


def _response_kind(provider: str, case: Case) -> str:
    if case.status is not None:
        return "error"
    if provider != "bedrock":
        return (
            "models"
            if case.operation == "list_models"
            else ("chat-stream" if isinstance(case.body, dict) and case.body.get("stream") else "chat-response")
        )
    return {"invoke_model": "invoke-response", "invoke_model_with_response_stream": "invoke-stream",
            "converse": "converse-response", "converse_stream": "converse-stream"}[case.operation]  # fmt: skip


def _excerpt(exchange: Exchange) -> str:
    text = exchange.content[:160].decode("utf-8", errors="replace").replace("\n", " ")
    return text + ("..." if len(exchange.content) > 160 else "")


def verify(provider: str, case: Case, exchange: Exchange) -> list[Violation]:
    """Return the violations of the contract in one answer: status, content type, body and stream grammar."""
    kind = _response_kind(provider, case)
    if case.status is None and not 200 <= exchange.status < 300:
        return [HTTP_STATUS("$", f"status {exchange.status}, expected 2xx; body: {_excerpt(exchange)}")]
    found: list[Violation] = []
    if case.status is not None and exchange.status != case.status:
        found.append(HTTP_STATUS("$", f"status {exchange.status}, expected {case.status}; body: {_excerpt(exchange)}"))
        if 200 <= exchange.status < 300:
            return found  # a success body is no error body to validate
    wanted = _STREAM_TYPES.get(kind, "application/json")
    content_type = exchange.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != wanted:
        found.append(CONTENT_TYPE("$", f"content-type {content_type or 'missing'!r}, expected {wanted}"))
    document: bytes | str = exchange.content
    if kind == "chat-stream":
        document = exchange.content.decode("utf-8", errors="replace")
    found.extend(validate(provider, kind, document))
    if kind == "error":
        found.extend(_error_extras(provider, case, exchange))
    if case.fault:
        found.extend(_fault_delivered(provider, kind, document, found))
    return found


def _error_extras(provider: str, case: Case, exchange: Exchange) -> list[Violation]:
    try:
        body = json.loads(exchange.content)
    except (ValueError, UnicodeDecodeError):
        return []  # the json check has reported it
    body = body if isinstance(body, dict) else {}
    if provider == "bedrock":
        # botocore takes the code from x-amzn-ErrorType ("Name:http://internal.amazon.com/coral/...")
        # else from __type (BOTOCORE parsers.py _inject_error_code; wire-contracts §3.8).
        header = exchange.headers.get("x-amzn-errortype") or str(body.get("__type", ""))
        name = header.split(":")[0].split("#")[-1]
        if case.error and name != case.error:
            return [ERROR_TYPE("$", f"error type {name or 'missing'!r}, expected {case.error}")]
        return []
    code = body.get("error", {}).get("code") if provider == "openrouter" and isinstance(body.get("error"), dict) \
        else body.get("statusCode")  # fmt: skip
    if code is not None and str(code) != str(exchange.status):
        where = "$.error.code" if provider == "openrouter" else "$.statusCode"
        return [ERROR_STATUS(where, f"{code!r} differs from the HTTP status {exchange.status}")]
    return []


def _fault_delivered(provider: str, kind: str, document: bytes | str, found: list[Violation]) -> list[Violation]:
    if provider == "bedrock":
        delivered = any(v.check == ES_EXCEPTION.name for v in found)
    else:
        events, _ = sse.parse(document)
        delivered = any(e.data.startswith("{") and '"error"' in e.data for e in events)
    return [] if delivered else [FAULT("$", f"the injected fault did not arrive in the {kind}")]


def _execute(target: Target, case: Case) -> Result:
    exchange = target.send(case.operation, case.body, headers=case.headers, authenticated=case.authenticated,
                           model=case.model)  # fmt: skip
    expected = f"2xx {_response_kind(target.provider, case)}" if case.status is None else f"{case.status} error"
    violations = tuple(verify(target.provider, case, exchange))
    return Result(case.name, case.kind, case.operation, case.body, expected, exchange.status, violations, case.label)


def _property_cases(target: Target, valid: bool, count: int, seed: int) -> Iterator[Case]:
    """Draw ``count`` cases from the request strategies with a fixed seed (no shrinking: it costs requests)."""
    plans = _PROPERTY_KINDS[target.provider]
    status, error = _INVALID_STATUS[target.provider] if not valid else (None, None)

    def strategy(plan: tuple[str, str, str]) -> st.SearchStrategy[tuple[tuple[str, str, str], Any, bool]]:
        drawn = valid_requests(target.provider, plan[0], model=target.model) if valid else invalid_requests(
            target.provider, plan[0], model=target.model)  # fmt: skip
        return st.tuples(st.just(plan), drawn, st.booleans())

    drawn: list[tuple[tuple[str, str, str], Any, bool]] = []

    # From the default profile, not the loaded one: the seed alone decides which requests are sent.
    @settings(settings.get_profile("default"), max_examples=count, database=None, deadline=None, derandomize=False,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)  # fmt: skip
    @hypothesis_seed(seed)
    @given(st.sampled_from(plans).flatmap(strategy))
    def collect(example: tuple[tuple[str, str, str], Any, bool]) -> None:
        if len(drawn) < count:
            drawn.append(example)

    if count > 0:
        collect()
    for n, ((kind, operation, streaming), example, stream) in enumerate(drawn, 1):
        label = str(example) if isinstance(example, Invalid) else None
        body = example.document if isinstance(example, Invalid) else example
        # OpenAI-compatible providers stream by the body's `stream` (set here when the strategy left
        # it out, so that half the valid cases stream); Bedrock streams by its operation.
        if valid and stream and target.provider != "bedrock" and "stream" not in body:
            body = {**body, "stream": True}
        chosen = streaming if target.provider == "bedrock" and stream else operation
        name = f"property:{'valid' if valid else 'invalid'}:{kind}#{n}"
        yield Case(name, chosen, body, status=status, error=error, label=label, kind="property")


def run(
    target: Target,
    *,
    max_requests: int = 20,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run the example checks, then property checks, within a request budget; return the report.

    Args:
        target: where to send requests (see ``contracts.targets.open_target``).
        max_requests: the most requests to send; live calls cost money. Examples come first; what
            is left is split between valid and invalid generated requests.
        seed: the Hypothesis seed for the property checks (same seed, same requests).
        progress: called with one line per case as it completes (the CLI prints them to stderr).

    Raises ``TargetError`` when the target cannot be reached.
    """
    report = Report(target.provider, public_url(target.base_url), target.live, target.model, seed, max_requests)
    cases = [c for c in examples(target) if not (c.mock_only and target.live)][:max_requests]
    left = max_requests - len(cases)
    cases_iter: list[Iterator[Case]] = [iter(cases)]
    if left > 0:
        cases_iter.append(_property_cases(target, True, left - left // 2, seed))
        cases_iter.append(_property_cases(target, False, left // 2, seed))
    done = 0
    try:
        for group in cases_iter:
            for case in group:
                result = _execute(target, case)
                report.results.append(result)
                report.property_examples += case.kind == "property"
                done += 1
                if progress is not None:
                    state = "ok" if result.passed else f"DRIFT ({', '.join(sorted({v.check for v in result.errors}))})"
                    progress(f"[{done:>3}/{max_requests}] {case.name} ... {state}")
    finally:
        report.requests_sent = target.sent
    return report
