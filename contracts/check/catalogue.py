"""The catalogue of example cases: one request per behaviour worth checking, and what its answer must be."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.strategies import base_request
from contracts.targets import Target

__all__ = ["Case", "examples"]

# OpenRouter's reasoning model from seed 003: reasons on every request (message.reasoning, reasoning deltas first).
_REASONING_MODEL = "microsoft/mai-ds-r1:free"
# Llama 4 on Bedrock needs an inference profile; the bare foundation-model id is a 400 (wire-contracts §3.1).
_BARE_MODEL = "meta.llama4-maverick-17b-instruct-v1:0"


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


def _openai_examples(m: str, invalid: dict[str, Any]) -> list[Case]:
    """The examples both OpenAI-compatible providers answer alike; ``invalid`` breaks one of their own ranges."""
    return [
        Case("example:models", "list_models", authenticated=False),
        Case("example:chat", "chat_completions", _chat(m, "Say hello.")),
        Case("example:chat-stream", "chat_completions", _chat(m, "Count to three.", stream=True)),
        Case("example:tools", "chat_completions",
             _chat(m, "What is the weather in Paris?", tools=_tools_openai(), tool_choice="auto")),
        Case("example:error-invalid-param", "chat_completions", _chat(m, "Hi.", **invalid), status=400),
        Case("example:error-no-key", "chat_completions", _chat(m, "Hi."), status=401, authenticated=False),
    ]  # fmt: skip


def _doors(m: str) -> list[Case]:
    """OpenRouter's Responses and Messages doors: plain, streamed with a tool, a refusal, a mid-stream failure."""
    weather = "What is the weather in Paris?"
    function = {"type": "function", "name": "get_weather", "description": "Weather in a city",
                "parameters": _tools_openai()[0]["function"]["parameters"]}  # fmt: skip
    custom = {"name": "get_weather", "description": "Weather in a city",
              "input_schema": _tools_openai()[0]["function"]["parameters"]}  # fmt: skip
    messages = {"model": m, "max_tokens": 64, "messages": [{"role": "user", "content": "Say hello."}]}
    return [
        Case("example:responses", "create_responses", {"model": m, "input": "Say hello.", "max_output_tokens": 64}),
        Case("example:responses-stream-tools", "create_responses",
             {"model": m, "input": weather, "tools": [function], "stream": True}),
        # OR-DOCS responses/overview.mdx: stateless, store: true is a 400.
        Case("example:responses-stateless", "create_responses", {"model": m, "input": "Hi.", "store": True},
             status=400),
        Case("example:responses-mid-stream-error", "create_responses",
             {"model": m, "input": "Count to three.", "stream": True}, headers={"x-mock-stream-fault": "2"},
             mock_only=True, fault=True),
        Case("example:messages", "create_messages", messages),
        Case("example:messages-stream-tools", "create_messages",
             {**messages, "messages": [{"role": "user", "content": weather}], "tools": [custom], "stream": True}),
        Case("example:messages-error-invalid-param", "create_messages", {**messages, "temperature": 3}, status=400),
        Case("example:messages-mid-stream-error", "create_messages",
             {**messages, "messages": [{"role": "user", "content": "Count to three."}], "stream": True},
             headers={"x-mock-stream-fault": "2"}, mock_only=True, fault=True),
    ]  # fmt: skip


def examples(target: Target) -> list[Case]:
    """The example checks for the target's provider, cheapest and most telling first."""
    m = target.model
    if target.provider == "openrouter":
        return [
            *_openai_examples(m, {"temperature": 3}),
            Case("example:fault-429", "chat_completions", _chat(m, "Hi."), status=429,
                 headers={"x-mock-fault": "429"}, mock_only=True),
            Case("example:mid-stream-error", "chat_completions", _chat(m, "Count to three.", stream=True),
                 headers={"x-mock-stream-fault": "2"}, mock_only=True, fault=True),
            *_doors(m),
            # issue 13: the 2026 catalogue count, reasoning (plain and streamed), routing options and their 404
            Case("example:models-count", "count_models", authenticated=False),
            Case("example:reasoning", "chat_completions", _chat(_REASONING_MODEL, "Is 91 prime?", max_tokens=256)),
            Case("example:reasoning-stream", "chat_completions",
                 _chat(_REASONING_MODEL, "Is 91 prime?", max_tokens=256, stream=True)),
            Case("example:routing-sort", "chat_completions", _chat(m, "Hi.", provider={"sort": "throughput"})),
            Case("example:error-no-endpoints", "chat_completions",
                 _chat(m, "Hi.", provider={"only": ["no-such-provider"]}), status=404),
        ]  # fmt: skip
    if target.provider == "aimlapi":
        return [
            # top_p has a 0.01 floor on AI/ML API (AIML-SPEC; wire-contracts §2.2).
            *_openai_examples(m, {"top_p": 0}),
            # Out of credits is 403, not 402 (AIML-DOCS; wire-contracts §2.5).
            Case("example:fault-403", "chat_completions", _chat(m, "Hi."), status=403,
                 headers={"x-mock-fault": "403"}, mock_only=True),
            # Llama 4 retired in 2026 (issue 13): the mock's aimlapi.llama4 quirk answers as for a retired model.
            Case("example:retired-model", "chat_completions", _chat(m, "Hi."), status=404,
                 headers={"x-mock-quirk": "aimlapi.llama4=retired"}, mock_only=True),
        ]  # fmt: skip
    invoke = {**base_request("bedrock", "invoke-request", "Say hello."), "max_gen_len": 64, "temperature": 0.5}
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
        Case("example:error-bare-model-id", "converse", converse, status=400, error="ValidationException",
             model=_BARE_MODEL),
        Case("example:fault-throttling", "converse", converse, status=429, error="ThrottlingException",
             headers={"x-mock-fault": "ThrottlingException"}, mock_only=True),
        Case("example:stream-fault", "converse_stream", converse,
             headers={"x-mock-stream-fault": "throttlingException@2"}, mock_only=True, fault=True),
    ]  # fmt: skip
