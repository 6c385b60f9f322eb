"""OpenRouter's 2026 shapes (issue 10 item 4): usage, service_tier, typed errors, router metadata, routing 404s.

Sources: the OpenAPI copy of 2026-08-22 (OR-SPEC), its docs (errors-and-debugging.mdx, router-metadata.mdx,
provider-selection.mdx, app-attribution.mdx) and 2026 traffic; each is named where the mock implements it.
"""

import json
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from contracts import validate
from mockserver.inprocess import mock_openrouter

MAVERICK, FREE = "meta-llama/llama-4-maverick", "meta-llama/llama-4-maverick:free"
HELLO = [{"role": "user", "content": "Hello"}]
OPT_IN = {"X-OpenRouter-Metadata": "enabled"}
MAVERICK_PROVIDERS = ["DeepInfra", "Novita", "Parasail", "DigitalOcean", "Google Vertex"]  # catalogue order


def url(server: Any) -> str:
    return f"{server.url}/openrouter/api/v1"


def post(server: Any, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{url(server)}/chat/completions", json=body,
                      headers={"Authorization": "Bearer sk-or-v1-test"} | headers)  # fmt: skip


def chunks(raw: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in raw.split("\n") if line.startswith("data: {")]


def errors(kind: str, document: object) -> list[Any]:
    return [v for v in validate.validate("openrouter", kind, document) if v.severity == "error"]


@pytest.fixture
def client(server: Any) -> OpenAI:
    return OpenAI(base_url=url(server), api_key="sk-or-v1-test", max_retries=0)


# -- usage and service_tier ---------------------------------------------------------------------------------------


def test_usage_and_service_tier_in_2026_shape(client: OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model=MAVERICK, messages=HELLO)
    body = json.loads(raw.content)
    assert list(body)[:8] == ["id", "object", "created", "model", "provider", "system_fingerprint", "service_tier",
                              "choices"]  # fmt: skip
    assert body["service_tier"] is None and raw.parse().service_tier is None
    usage = body["usage"]
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0,
                                              "video_tokens": 0}  # fmt: skip
    assert usage["completion_tokens_details"] == {"reasoning_tokens": 0, "image_tokens": 0, "audio_tokens": 0}
    costs = usage["cost_details"]
    assert costs["upstream_inference_cost"] == usage["cost"] == pytest.approx(6 * 0.15e-6 + 41 * 0.60e-6)
    assert costs["upstream_inference_prompt_cost"] + costs["upstream_inference_completions_cost"] == pytest.approx(
        usage["cost"]
    )
    assert errors("chat-response", body) == []


def test_final_stream_chunk_has_service_tier_and_usage(client: OpenAI) -> None:
    stream = client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True)
    last = list(stream)[-1]
    assert last.service_tier is None and "service_tier" in last.model_dump(exclude_unset=True)
    assert last.usage is not None and last.usage.prompt_tokens_details.model_dump()["cache_write_tokens"] == 0


@pytest.mark.parametrize(("quirks", "tier"), [("", True), ("openrouter.usage_chunk=docs", True),
                                              ("openrouter.usage_chunk=2025", False)])  # fmt: skip
def test_service_tier_follows_the_usage_chunk_style(server: Any, quirks: str, tier: bool) -> None:
    headers = {"x-mock-quirk": quirks} if quirks else {}
    final = chunks(post(server, {"model": MAVERICK, "messages": HELLO, "stream": True}, **headers).text)[-1]
    assert ("service_tier" in final) is tier and "usage" in final
    assert list(final).index("choices") > list(final).index("provider")


def test_2025_usage_behind_its_quirk(server: Any) -> None:
    old = post(server, {"model": MAVERICK, "messages": HELLO}, **{"x-mock-quirk": "openrouter.usage=2025"}).json()
    assert old["usage"]["prompt_tokens_details"] == {"cached_tokens": 0, "audio_tokens": 0}
    assert old["usage"]["completion_tokens_details"] == {"reasoning_tokens": 0, "image_tokens": 0}
    assert old["usage"]["cost_details"]["upstream_inference_cost"] is None
    assert errors("chat-response", old) == []


# -- faults: every status OR-SPEC lists, typed ---------------------------------------------------------------------

FAULTS = [
    (402, openai.APIStatusError, "This request requires more credits", "payment_required"),
    (403, openai.PermissionDeniedError, "Request blocked: prompt injection patterns detected", "permission_denied"),
    (408, openai.APIStatusError, "Operation timed out. Please try again later.", "timeout"),
    (413, openai.APIStatusError, "Request payload too large", "payload_too_large"),
    (422, openai.UnprocessableEntityError, "Invalid argument", "unprocessable"),
    (429, openai.RateLimitError, "Rate limit exceeded", "rate_limit_exceeded"),
    (500, openai.InternalServerError, "Internal Server Error", "server"),
    (502, openai.InternalServerError, "Provider returned error", "provider_unavailable"),
    (503, openai.InternalServerError, "No allowed providers are available", "provider_overloaded"),
    (524, openai.InternalServerError, "Request timed out. Please try again later.", "timeout"),
    (529, openai.InternalServerError, "Provider returned error", "provider_overloaded"),
]


@pytest.mark.parametrize(("status", "exc", "words", "error_type"), FAULTS)
def test_each_fault_has_its_status_words_and_error_type(
    client: OpenAI, status: int, exc: type[openai.APIStatusError], words: str, error_type: str
) -> None:
    with pytest.raises(exc) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_headers={"x-mock-fault": str(status)})
    document = caught.value.response.json()
    assert caught.value.status_code == status == document["error"]["code"]
    assert document["error"]["message"].startswith(words)
    assert document["error"]["metadata"]["error_type"] == error_type
    assert document["user_id"].startswith("user_") and "openrouter_metadata" not in document
    assert errors("error", document) == []


def test_guardrail_403_carries_its_patterns(server: Any) -> None:
    body = post(server, {"model": MAVERICK, "messages": HELLO}, **{"x-mock-fault": "403"}).json()
    assert body["error"]["metadata"] == {"patterns": ["ignore all previous instructions"],
                                         "error_type": "permission_denied"}  # fmt: skip


def test_june_2026_errors_are_untyped_behind_the_quirk(server: Any) -> None:
    june = {"x-mock-quirk": "openrouter.errors=2026-06"}
    context = post(server, {"model": MAVERICK, "messages": HELLO, "max_tokens": 16385}, **june).json()
    assert context["error"]["metadata"] == {"provider_name": "DeepInfra"}
    unknown = post(server, {"model": "meta-llama/llama-5", "messages": HELLO}, **june).json()
    assert "metadata" not in unknown["error"] and "availability" not in unknown["error"]
    limited = post(server, {"model": MAVERICK, "messages": HELLO}, **june, **{"x-mock-fault": "429"}).json()
    assert limited["error"]["metadata"] == {"error_type": "rate_limit_exceeded"}  # typed in traffic already


def test_unknown_model_is_model_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="meta-llama/llama-5", messages=HELLO)
    assert caught.value.body["metadata"] == {"error_type": "invalid_request"}
    assert caught.value.body["availability"] == {
        "code": "model_not_found", "retryable": False, "requested_models": ["meta-llama/llama-5"],
        "docs_url": "https://openrouter.ai/docs/errors#model_not_found"}  # fmt: skip


# -- routing options that leave no endpoint ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "provider", "message"),
    [
        (MAVERICK, {"only": ["azure"]}, "No allowed providers are available for the selected model. Providers "
         f"serving {MAVERICK}: deepinfra, digitalocean, google-vertex, novita, parasail, but your request's "
         "provider.only preference permits only: azure."),
        (FREE, {"only": ["deepinfra", "groq"]}, "No allowed providers are available for the selected model. "
         f"Providers serving {FREE}: chutes, but your request's provider.only preference permits only: deepinfra, "
         "groq."),
        (FREE, {"ignore": ["chutes"]}, f"No endpoints found for {FREE}."),
        (MAVERICK, {"only": ["DeepInfra"], "ignore": ["deepinfra/fp8"]}, f"No endpoints found for {MAVERICK}."),
        (MAVERICK, {"order": ["groq"], "allow_fallbacks": False}, f"No endpoints found for {MAVERICK}."),
    ],
)  # fmt: skip
def test_routing_that_leaves_no_endpoint_is_404(client: OpenAI, model: str, provider: dict, message: str) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model=model, messages=HELLO, extra_body={"provider": provider})
    document = caught.value.response.json()
    assert document["error"]["message"] == message
    assert document["error"]["metadata"] == {"error_type": "not_found"}
    assert document["error"]["availability"]["code"] == "no_endpoints"
    assert document["error"]["availability"]["excluded_by"] == ["allowed_providers"]
    assert document["user_id"].startswith("user_") and "openrouter_metadata" not in document
    assert errors("error", document) == []


@pytest.mark.parametrize(
    "provider",
    [{"only": ["deepinfra"]}, {"only": ["deepinfra/fp8"]}, {"only": ["DeepInfra"]}, {"ignore": ["chutes"]},
     {"order": ["groq"]}, {"order": ["groq", "deepinfra"], "allow_fallbacks": False}, {"only": "not-a-list"}],
)  # fmt: skip
def test_routing_with_an_endpoint_left_is_served(client: OpenAI, provider: dict) -> None:
    raw = client.chat.completions.with_raw_response.create(model=MAVERICK, messages=HELLO,
                                                           extra_body={"provider": provider})  # fmt: skip
    assert json.loads(raw.content)["provider"] == "DeepInfra"


def test_legacy_completions_route_too(server: Any) -> None:
    response = httpx.post(f"{url(server)}/completions", headers={"Authorization": "Bearer k"},
                          json={"model": FREE, "prompt": "Hi", "provider": {"ignore": ["chutes"]}})  # fmt: skip
    assert response.status_code == 404 and response.json()["error"]["message"] == f"No endpoints found for {FREE}."


# -- openrouter_metadata (opt-in) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [OPT_IN, {"x-openrouter-metadata": "Enabled"},
                                    {"X-OpenRouter-Experimental-Metadata": "enabled"}])  # fmt: skip
def test_router_metadata_on_a_response_when_opted_in(server: Any, header: dict[str, str]) -> None:
    body = post(server, {"model": MAVERICK, "messages": HELLO}, **header).json()
    assert body["openrouter_metadata"] == {
        "requested": MAVERICK, "strategy": "direct", "region": None, "summary": "available=5, selected=DeepInfra",
        "attempt": 1, "is_byok": False,
        "endpoints": {"total": 5, "available": [{"provider": p, "model": MAVERICK, "selected": p == "DeepInfra"}
                                                for p in MAVERICK_PROVIDERS]},
        "attempts": [{"provider": "DeepInfra", "model": MAVERICK, "status": 200}]}  # fmt: skip
    assert errors("chat-response", body) == []


@pytest.mark.parametrize("header", [{}, {"X-OpenRouter-Metadata": "disabled"}, {"X-OpenRouter-Metadata": "yes"}])
def test_no_router_metadata_unless_enabled(server: Any, header: dict[str, str]) -> None:
    assert "openrouter_metadata" not in post(server, {"model": MAVERICK, "messages": HELLO}, **header).json()


def test_router_metadata_on_the_final_stream_chunk(server: Any) -> None:
    found = chunks(post(server, {"model": MAVERICK, "messages": HELLO, "stream": True}, **OPT_IN).text)
    assert [("openrouter_metadata" in c) for c in found] == [False] * (len(found) - 1) + [True]
    assert found[-1]["openrouter_metadata"]["summary"] == "available=5, selected=DeepInfra"


def test_router_metadata_on_routed_errors_only(server: Any) -> None:
    no_endpoint = post(server, {"model": MAVERICK, "messages": HELLO, "provider": {"only": ["azure"]}}, **OPT_IN)
    routing = no_endpoint.json()["openrouter_metadata"]
    assert routing["attempt"] == 0 and routing["summary"] == "available=5"
    assert routing["endpoints"]["available"] == [{"provider": p, "model": MAVERICK, "selected": False}
                                                 for p in MAVERICK_PROVIDERS]  # fmt: skip
    upstream = post(server, {"model": MAVERICK, "messages": HELLO}, **OPT_IN, **{"x-mock-fault": "502"}).json()
    assert upstream["openrouter_metadata"]["attempts"] == [{"provider": "DeepInfra", "model": MAVERICK,
                                                            "status": 502}]  # fmt: skip
    strict = {"model": MAVERICK, "messages": HELLO, "top_a": 0.5, "provider": {"require_parameters": True}}
    assert post(server, strict, **OPT_IN).json()["openrouter_metadata"]["attempt"] == 0  # routed on parameters
    guardrail = post(server, {"model": MAVERICK, "messages": HELLO}, **OPT_IN, **{"x-mock-fault": "403"}).json()
    assert guardrail["openrouter_metadata"]["pipeline"][0]["type"] == "guardrail"
    assert errors("error", upstream) == [] and errors("error", guardrail) == []
    for fault in ("500", "429", "413"):  # masked, rate limit, edge: never carried (router-metadata.mdx)
        document = post(server, {"model": MAVERICK, "messages": HELLO}, **OPT_IN, **{"x-mock-fault": fault}).json()
        assert "openrouter_metadata" not in document
    no_key = httpx.post(f"{url(server)}/chat/completions", json={"model": MAVERICK, "messages": HELLO}, headers=OPT_IN)
    assert no_key.status_code == 401 and "openrouter_metadata" not in no_key.json()


# -- the mid-stream error chunk ------------------------------------------------------------------------------------


def test_mid_stream_error_chunk_as_documented(server: Any) -> None:
    sent = post(server, {"model": MAVERICK, "messages": HELLO, "stream": True}, **{"x-mock-stream-fault": "3"})
    found = chunks(sent.text)
    assert sent.status_code == 200 and sent.text.endswith("data: [DONE]\n\n")
    last = found[-1]
    assert last["error"] == {"code": 502, "message": "Provider returned error",
                             "metadata": {"error_type": "provider_unavailable"}}  # fmt: skip
    assert [(c["finish_reason"], c["delta"]["content"]) for c in last["choices"]] == [("error", "")]
    assert last["usage"]["prompt_tokens"] == 6 and 0 < last["usage"]["completion_tokens"] < 41
    assert all("usage" not in c for c in found[:-1])
    assert errors("chat-stream", sent.text) == []


def test_mid_stream_error_reaches_the_openai_sdk(client: OpenAI) -> None:
    stream = client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True,
                                            extra_headers={"x-mock-stream-fault": "2"})  # fmt: skip
    with pytest.raises(openai.APIError, match="Provider returned error"):
        list(stream)


# -- app attribution: nothing visible but the generation record ----------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "app"),
    [
        ({"HTTP-Referer": "https://myapp.example", "X-OpenRouter-Title": "My App"}, True),
        ({"HTTP-Referer": "https://myapp.example"}, True),
        ({"X-OpenRouter-Title": "My App"}, False),  # a title alone creates no app
        ({"HTTP-Referer": "http://localhost:3000"}, False),  # localhost is tracked only with a title
        ({"HTTP-Referer": "http://localhost:3000", "X-Title": "My App"}, True),  # the legacy title header
    ],
)
def test_attribution_headers_fill_the_generation_record(server: Any, headers: dict[str, str], app: bool) -> None:
    plain = post(server, {"model": MAVERICK, "messages": HELLO}).json()
    attributed = post(server, {"model": MAVERICK, "messages": HELLO}, **headers, **{"User-Agent": "probe/1"}).json()
    assert {k: v for k, v in attributed.items() if k not in ("id", "created")} == {
        k: v for k, v in plain.items() if k not in ("id", "created")
    }
    record = httpx.get(f"{url(server)}/generation", params={"id": attributed["id"]},
                       headers={"Authorization": "Bearer sk-or-v1-test"}).json()["data"]  # fmt: skip
    assert isinstance(record["app_id"], int) is app and (record["app_id"] is None) is not app
    assert record["http_referer"] == headers.get("HTTP-Referer") and record["user_agent"] == "probe/1"
    assert record["service_tier"] is None and errors("generation", {"data": record}) == []


def test_in_process_mock_serves_the_same_shapes() -> None:
    with mock_openrouter():
        client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="k", max_retries=0)
        raw = client.chat.completions.with_raw_response.create(model=MAVERICK, messages=HELLO, extra_headers=OPT_IN)
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_body={"provider": {"only": ["x"]}})
    body = json.loads(raw.content)
    assert body["service_tier"] is None and body["openrouter_metadata"]["attempt"] == 1
    assert caught.value.body["availability"]["code"] == "no_endpoints"
