"""The seed's reasoning models on OpenRouter (issue 13 item 3), through the openai SDK and plain HTTP.

Sources: seed page 003 (the two models' figures), OR-DOCS guides/best-practices/reasoning-tokens.mdx (the
``reasoning`` controls, ``include_reasoning``, ``reasoning_details``), OR-SPEC ChatStreamDelta/ModelReasoning, and
the Nemotron model card (reasoning switched on by "detailed thinking on" in the system prompt).
"""

import json
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from contracts import validate

R1 = "microsoft/mai-ds-r1:free"
NEMOTRON = "nvidia/llama-3.1-nemotron-ultra-253b-v1:free"
MAVERICK = "meta-llama/llama-4-maverick"
ASK = [{"role": "user", "content": "Solve: x^2 + 2x + 1 = 0"}]
THINK_ON = [{"role": "system", "content": "detailed thinking on"}, *ASK]
THINK_OFF = [{"role": "system", "content": "detailed thinking off"}, *ASK]


def url(server: Any) -> str:
    return f"{server.url}/openrouter/api/v1"


@pytest.fixture
def client(server: Any) -> OpenAI:
    return OpenAI(base_url=url(server), api_key="sk-or-v1-test", max_retries=0)


def errors(kind: str, document: object) -> list[Any]:
    return [v for v in validate.validate("openrouter", kind, document) if v.severity == "error"]


def ask(client: OpenAI, model: str, messages: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    raw = client.chat.completions.with_raw_response.create(model=model, messages=messages,  # type: ignore[arg-type]
                                                           extra_body=extra or None)  # fmt: skip
    document: dict[str, Any] = json.loads(raw.content)
    assert errors("chat-response", document) == []
    return document


def streamed(client: OpenAI, model: str, messages: list[dict[str, str]], **extra: Any) -> list[Any]:
    stream = client.chat.completions.create(model=model, messages=messages, stream=True,  # type: ignore[arg-type]
                                            extra_body=extra or None)  # fmt: skip
    return list(stream)


# -- the catalogue carries the seed's figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "context", "provider", "quantization", "latency", "throughput"),
    [(NEMOTRON, 131072, "Chutes", "bf16", 1.88, 36.77), (R1, 163840, "Microsoft", "fp8", 12.32, 109.4)],
)
def test_seed_figures_in_models_and_endpoints(
    server: Any, model: str, context: int, provider: str, quantization: str, latency: float, throughput: float
) -> None:
    entry = next(m for m in httpx.get(f"{url(server)}/models").json()["data"] if m["id"] == model)
    assert entry["context_length"] == context and entry["top_provider"]["max_completion_tokens"] == context
    assert entry["pricing"]["prompt"] == entry["pricing"]["completion"] == "0"
    assert {"reasoning", "include_reasoning"} <= set(entry["supported_parameters"])
    assert "mock" not in entry
    listing = httpx.get(f"{url(server)}{entry['links']['details'].removeprefix('/api/v1')}").json()["data"]
    [endpoint] = listing["endpoints"]
    assert (endpoint["provider_name"], endpoint["quantization"], endpoint["context_length"]) == (
        provider, quantization, context)  # fmt: skip
    assert endpoint["latency_last_30m"]["p50"] == latency and endpoint["throughput_last_30m"]["p50"] == throughput
    assert "mock" not in endpoint
    assert errors("endpoints", {"data": listing}) == []


# -- reasoning in the answer ----------------------------------------------------------------------------------------


def test_r1_returns_reasoning_details_and_counts_reasoning_tokens(client: OpenAI) -> None:
    document = ask(client, R1, ASK)
    message, usage = document["choices"][0]["message"], document["usage"]
    assert message["reasoning"] and message["content"]
    assert message["reasoning_details"] == [{"type": "reasoning.text", "text": message["reasoning"],
                                             "format": "unknown", "index": 0}]  # fmt: skip
    thinking = usage["completion_tokens_details"]["reasoning_tokens"]
    assert 0 < thinking < usage["completion_tokens"]
    assert document["provider"] == "Microsoft"
    parsed = client.chat.completions.create(model=R1, messages=ASK)  # type: ignore[arg-type]
    assert (parsed.choices[0].message.model_extra or {})["reasoning"] == message["reasoning"]  # deterministic


def test_r1_streams_reasoning_before_content_through_the_sdk(client: OpenAI) -> None:
    chunks = streamed(client, R1, ASK)
    kinds = []
    for chunk in chunks:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        extra = delta.model_extra or {}
        if extra.get("reasoning"):
            assert extra["reasoning_details"][0]["text"] == extra["reasoning"]
            kinds.append("reasoning")
        elif delta.content:
            kinds.append("content")
    assert "reasoning" in kinds and "content" in kinds
    assert kinds == sorted(kinds, key=lambda k: k == "content")  # every reasoning delta before the first content
    reasoning = "".join((c.choices[0].delta.model_extra or {}).get("reasoning") or "" for c in chunks if c.choices)
    assert reasoning == ask(client, R1, ASK)["choices"][0]["message"]["reasoning"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens_details is not None
    assert chunks[-1].usage.completion_tokens_details.reasoning_tokens > 0


def test_nemotron_reasons_only_with_detailed_thinking_on(client: OpenAI) -> None:
    for messages in (ASK, THINK_OFF):
        plain = ask(client, NEMOTRON, messages, reasoning={"effort": "high"})
        assert plain["choices"][0]["message"]["reasoning"] is None
        assert "reasoning_details" not in plain["choices"][0]["message"]
        assert plain["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0
    thinking = ask(client, NEMOTRON, THINK_ON)
    assert thinking["choices"][0]["message"]["reasoning"]
    assert thinking["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    chunks = streamed(client, NEMOTRON, THINK_ON)
    first_content = next(i for i, c in enumerate(chunks) if c.choices and c.choices[0].delta.content)
    first_reasoning = next(i for i, c in enumerate(chunks) if c.choices and (c.choices[0].delta.model_extra or {})
                           .get("reasoning"))  # fmt: skip
    assert first_reasoning < first_content


@pytest.mark.parametrize("extra", [{"reasoning": {"exclude": True}}, {"include_reasoning": False},
                                   {"reasoning": {"effort": "high", "exclude": True}}])  # fmt: skip
def test_excluded_reasoning_is_billed_but_not_returned(client: OpenAI, extra: dict[str, Any]) -> None:
    document = ask(client, R1, ASK, **extra)
    assert document["choices"][0]["message"]["reasoning"] is None
    assert document["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    chunks = streamed(client, R1, ASK, **extra)
    assert not any((c.choices[0].delta.model_extra or {}).get("reasoning") for c in chunks if c.choices)


def test_effort_and_max_tokens_set_how_much_it_reasons(client: OpenAI) -> None:
    def tokens(**extra: Any) -> int:
        return int(ask(client, R1, ASK, **extra)["usage"]["completion_tokens_details"]["reasoning_tokens"])

    assert tokens(reasoning={"effort": "minimal"}) < tokens(reasoning={"effort": "high"})
    assert tokens(reasoning_effort="low") == tokens(reasoning={"effort": "low"})
    assert tokens(reasoning={"enabled": True}) == tokens(reasoning={"effort": "medium"}) == tokens()
    assert tokens(reasoning={"max_tokens": 5}) == 5
    # max_tokens bounds reasoning and answer together; "high" reasons with ~80% of it (reasoning-tokens.mdx)
    capped = ask(client, R1, ASK, reasoning={"effort": "high"}, max_tokens=20)
    assert capped["usage"]["completion_tokens"] == 20
    assert capped["usage"]["completion_tokens_details"]["reasoning_tokens"] == 16
    assert capped["choices"][0]["finish_reason"] == "length"


def test_reasoning_cannot_be_switched_off_on_a_mandatory_model(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=R1, messages=ASK, extra_body={"reasoning": {"effort": "none"}})  # type: ignore[arg-type]
    assert caught.value.body["metadata"]["param"] == "reasoning"
    assert ask(client, NEMOTRON, THINK_ON, reasoning={"enabled": False})["choices"][0]["message"]["reasoning"] is None


def test_reasoning_effort_and_reasoning_effort_must_agree(client: OpenAI) -> None:
    same = ask(client, R1, ASK, reasoning_effort="low", reasoning={"effort": "low"})
    assert same["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=R1, messages=ASK,  # type: ignore[arg-type]
                                       extra_body={"reasoning_effort": "low", "reasoning": {"effort": "high"}})
    assert caught.value.body["metadata"]["param"] == "reasoning_effort"


def test_a_model_without_reasoning_ignores_the_controls(client: OpenAI) -> None:
    document = ask(client, MAVERICK, ASK, reasoning={"effort": "high"}, include_reasoning=True)
    assert document["choices"][0]["message"]["reasoning"] is None
    assert document["usage"]["completion_tokens_details"]["reasoning_tokens"] == 0
    with pytest.raises(openai.NotFoundError) as caught:  # unless every parameter must be supported
        client.chat.completions.create(model=MAVERICK, messages=ASK,  # type: ignore[arg-type]
                                       extra_body={"reasoning": {"effort": "high"},
                                                   "provider": {"require_parameters": True}})  # fmt: skip
    assert caught.value.body["message"].startswith("No endpoints found that can handle the requested parameters.")


def test_generation_record_counts_reasoning(server: Any, client: OpenAI) -> None:
    document = ask(client, R1, ASK)
    record = httpx.get(f"{url(server)}/generation", params={"id": document["id"]},
                       headers={"Authorization": "Bearer sk-or-v1-test"}).json()["data"]  # fmt: skip
    assert record["native_tokens_reasoning"] == document["usage"]["completion_tokens_details"]["reasoning_tokens"]


@pytest.mark.mockserver(strict=True)
def test_a_fixture_carries_reasoning(mockserver_url: str) -> None:
    fixture = {"provider": "openrouter", "operation": "chat_completions", "name": "quadratic",
               "match": {"user_message_contains": "x^2"},
               "reply": {"content": "x = -1", "reasoning": "It is (x + 1)^2."}}  # fmt: skip
    assert httpx.post(f"{mockserver_url}/__admin/fixtures", json=fixture).status_code == 201
    base = f"{mockserver_url}/openrouter/api/v1/chat/completions"
    for model, shown in ((R1, "It is (x + 1)^2."), (MAVERICK, None)):
        answer = httpx.post(base, json={"model": model, "messages": ASK}, headers={"Authorization": "Bearer k"})
        message = answer.json()["choices"][0]["message"]
        assert (message["content"], message["reasoning"]) == ("x = -1", shown)
