"""OpenRouter provider routing over a model's endpoints (issue 13 item 4): each option changes the chosen endpoint.

Source: OR-DOCS guides/routing/provider-selection.mdx (each option's section is named in its test) and
api_reference/errors-and-debugging.mdx (the availability codes of a request no endpoint is left for). The
endpoints are Maverick's five in fixtures/openrouter/models.json: DeepInfra (cheapest stable), Novita, Parasail
(cheapest but unstable, no logprobs), DigitalOcean (lowest latency, trains on data, no tools) and Google Vertex
(highest throughput, bf16).
"""

import json
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from contracts import validate

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"
HELLO = [{"role": "user", "content": "Hello"}]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}}, "required": ["city"]}}}]  # fmt: skip


@pytest.fixture
def client(server: Any) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key="sk-or-v1-test", max_retries=0)


def served_by(client: OpenAI, provider: dict[str, Any] | None = None, model: str = MAVERICK, **extra: Any) -> str:
    body = {"provider": provider} if provider is not None else {}
    raw = client.chat.completions.with_raw_response.create(model=model, messages=HELLO,  # type: ignore[arg-type]
                                                           extra_body=body | extra)  # fmt: skip
    document = json.loads(raw.content)
    assert [v for v in validate.validate("openrouter", "chat-response", document) if v.severity == "error"] == []
    return str(document["provider"])


def refused(client: OpenAI, provider: dict[str, Any], **extra: Any) -> dict[str, Any]:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO,  # type: ignore[arg-type]
                                       extra_body={"provider": provider} | extra)  # fmt: skip
    document: dict[str, Any] = caught.value.response.json()
    assert [v for v in validate.validate("openrouter", "error", document) if v.severity == "error"] == []
    return document["error"]


@pytest.mark.parametrize(
    ("provider", "extra", "expected"),
    [
        (None, {}, "DeepInfra"),  # §Price-Based Load Balancing: the cheapest stable endpoint
        ({"sort": "price"}, {}, "Parasail"),  # §Provider Sorting: price alone, outages no longer weigh
        ({"sort": {"by": "price"}}, {}, "Parasail"),  # §Advanced Sorting with Partition: the object form
        ({"sort": "throughput"}, {}, "Google Vertex"),
        ({"sort": "latency"}, {}, "DigitalOcean"),
        ({"order": ["novita", "deepinfra"]}, {}, "Novita"),  # §Ordering Specific Providers
        ({"order": ["groq"]}, {}, "DeepInfra"),  # not serving: fallbacks allowed (the default)
        ({"only": ["google-vertex"]}, {}, "Google Vertex"),  # §Allowing Only Specific Providers
        ({"only": ["google-vertex/us-east5"]}, {}, "Google Vertex"),  # §Targeting Specific Provider Endpoints
        ({"ignore": ["deepinfra"]}, {}, "DigitalOcean"),  # §Ignoring Providers: the next cheapest stable
        ({"quantizations": ["bf16"]}, {}, "Google Vertex"),  # §Quantization
        ({"sort": "throughput", "max_price": {"prompt": 0.15, "completion": 0.6}}, {}, "Parasail"),  # §Max Price
        ({"sort": "latency", "data_collection": "deny"}, {}, "DeepInfra"),  # §Data Policies: not DigitalOcean
        ({"order": ["novita"], "zdr": True}, {}, "DeepInfra"),  # §Zero Data Retention: Novita retains prompts
        ({"sort": "price"}, {"logprobs": True}, "Parasail"),  # unsupported parameters are ignored...
        ({"sort": "price", "require_parameters": True}, {"logprobs": True}, "DeepInfra"),  # ...unless required
        ({"sort": "latency"}, {"tools": TOOLS}, "DeepInfra"),  # §Default parameter preferences: tools
    ],
)
def test_each_routing_option_chooses_its_endpoint(
    client: OpenAI, provider: dict[str, Any] | None, extra: dict[str, Any], expected: str
) -> None:
    assert served_by(client, provider, **extra) == expected


def test_scout_routes_over_its_own_endpoints(client: OpenAI) -> None:
    assert served_by(client, None, SCOUT) == "DeepInfra"
    assert served_by(client, {"sort": "throughput"}, SCOUT) == "Groq"
    assert served_by(client, {"sort": "throughput", "ignore": ["groq"]}, SCOUT) == "Google Vertex"


def test_streamed_answers_name_the_chosen_endpoint(client: OpenAI) -> None:
    stream = client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True,  # type: ignore[arg-type]
                                            extra_body={"provider": {"sort": "throughput"}})  # fmt: skip
    providers = {(chunk.model_extra or {}).get("provider") for chunk in stream}
    assert providers == {"Google Vertex"}


def test_router_metadata_marks_the_chosen_endpoint(server: Any) -> None:
    answer = httpx.post(f"{server.url}/openrouter/api/v1/chat/completions",
                        json={"model": MAVERICK, "messages": HELLO, "provider": {"sort": "latency"}},
                        headers={"Authorization": "Bearer k", "X-OpenRouter-Metadata": "enabled"}).json()  # fmt: skip
    selected = [e["provider"] for e in answer["openrouter_metadata"]["endpoints"]["available"] if e["selected"]]
    assert selected == ["DigitalOcean"] and answer["openrouter_metadata"]["attempts"][0]["provider"] == "DigitalOcean"


def test_fallbacks_off_with_an_order_that_serves_nothing_is_404(client: OpenAI) -> None:
    assert served_by(client, {"order": ["groq"], "allow_fallbacks": True}) == "DeepInfra"
    error = refused(client, {"order": ["groq"], "allow_fallbacks": False})
    assert error["message"] == f"No endpoints found for {MAVERICK}." and error["availability"]["code"] == "no_endpoints"


@pytest.mark.parametrize(
    ("provider", "excluded", "message"),
    [
        ({"zdr": True, "only": ["novita", "parasail"]}, "data_policy:zdr",
         f"No endpoints for {MAVERICK} match your data policy (zero data retention). Adjust at "
         "https://openrouter.ai/settings/privacy."),
        ({"data_collection": "deny", "only": ["digitalocean"]}, "data_policy:training",
         f"No endpoints for {MAVERICK} match your data policy (training opt-out). Adjust at "
         "https://openrouter.ai/settings/privacy."),
    ],
)  # fmt: skip
def test_data_policy_that_leaves_nothing_is_privacy_restricted(
    client: OpenAI, provider: dict[str, Any], excluded: str, message: str
) -> None:
    error = refused(client, provider)
    assert error["message"] == message and error["metadata"] == {"error_type": "not_found"}
    assert error["availability"]["code"] == "privacy_restricted"
    assert error["availability"]["excluded_by"] == [excluded]


@pytest.mark.parametrize(
    ("provider", "extra", "field"),
    [
        ({"quantizations": ["int4"]}, {}, "quantization"),
        ({"max_price": {"prompt": 0.1}}, {}, "max_price"),
        ({"max_price": {"completion": "0.5"}}, {}, "max_price"),
        ({"require_parameters": True, "only": ["parasail"]}, {"logprobs": True}, "require_parameters"),
    ],
)
def test_constraints_that_leave_nothing_are_constraint_filtered(
    client: OpenAI, provider: dict[str, Any], extra: dict[str, Any], field: str
) -> None:
    error = refused(client, provider, **extra)
    assert error["availability"]["code"] == "constraint_filtered"
    assert error["availability"]["excluded_by"] == [field]
    assert error["availability"]["constraint"]["field"] == field


def test_require_parameters_step_checks_the_endpoints() -> None:
    from mockserver.config import MockConfig
    from mockserver.errors import ProviderError
    from mockserver.providers.openrouter import documents
    from mockserver.providers.openrouter.errors import UNHANDLED_PARAMETERS
    from mockserver.providers.openrouter.provider import PROVIDER

    maverick = PROVIDER.load(MockConfig()).catalogue.get(MAVERICK)
    assert maverick is not None
    documents.check_parameters(maverick, {"logprobs": True, "provider": {"require_parameters": True}})  # DeepInfra
    with pytest.raises(ProviderError) as caught:  # only Parasail, which lacks logprobs
        documents.check_parameters(maverick, {"logprobs": True,
                                              "provider": {"require_parameters": True, "only": ["parasail"]}})
    assert (caught.value.status, caught.value.message) == (404, UNHANDLED_PARAMETERS)


def test_model_fallbacks_still_route(client: OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="meta-llama/llama-5", messages=HELLO,  # type: ignore[arg-type]
                                                           extra_body={"models": ["meta-llama/llama-5", SCOUT],
                                                                       "provider": {"sort": "throughput"}})  # fmt: skip
    document = json.loads(raw.content)
    assert (document["model"], document["provider"]) == (SCOUT, "Groq")
