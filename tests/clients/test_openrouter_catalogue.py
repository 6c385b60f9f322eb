"""OpenRouter's catalogue endpoints in their 2026 shape (issue 13 item 5): /models filters, sort and pagination,
/models/count and /key, through requests and the openai SDK. Source: OR-SPEC 2026-08-22 getModels,
listModelsCount, getCurrentKey (each parameter named in its test)."""

from typing import Any

import pytest
import requests
from openai import OpenAI

from contracts import validate

R1, NEMOTRON = "microsoft/mai-ds-r1:free", "nvidia/llama-3.1-nemotron-ultra-253b-v1:free"
ALL = ["meta-llama/llama-4-maverick", "meta-llama/llama-4-maverick:free", "meta-llama/llama-4-scout",
       "meta-llama/llama-4-scout:free", NEMOTRON, R1]  # fmt: skip


def base(server: Any) -> str:
    return f"{server.url}/openrouter/api/v1"


def models(server: Any, **query: Any) -> dict[str, Any]:
    answer = requests.get(f"{base(server)}/models", params=query, timeout=10)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    assert [v for v in validate.validate("openrouter", "models", document) if v.severity == "error"] == []
    return document


def ids(server: Any, **query: Any) -> list[str]:
    return [m["id"] for m in models(server, **query)["data"]]


def test_models_in_the_2026_shape(server: Any) -> None:
    document = models(server)
    assert [m["id"] for m in document["data"]] == ALL
    assert document["total_count"] == 6 and document["links"] == {"next": None}
    maverick = document["data"][0]
    assert maverick["links"] == {"details": "/api/v1/models/meta-llama/llama-4-maverick/endpoints"}
    assert maverick["reasoning"] is None and maverick["expiration_date"] is None and "mock" not in maverick
    r1 = next(m for m in document["data"] if m["id"] == R1)
    assert r1["reasoning"] == {"mandatory": True, "default_enabled": True}
    listed = OpenAI(base_url=base(server), api_key="sk-or-v1-test").models.list()
    assert [m.id for m in listed] == ALL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"supported_parameters": "reasoning"}, [NEMOTRON, R1]),
        ({"supported_parameters": "tools,logprobs"}, ["meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"]),
        ({"input_modalities": "image"}, ALL[:4]),
        ({"input_modalities": "text,image"}, ALL[:4]),
        ({"output_modalities": "image"}, []),
        ({"output_modalities": "all"}, ALL),
        ({"output_modalities": "text,image"}, ALL),
        ({"q": "nemotron"}, [NEMOTRON]),
        ({"q": "MAI DS"}, [R1]),
        ({"model_authors": "microsoft,nvidia"}, [NEMOTRON, R1]),
        ({"arch": "llama"}, ALL[:5]),
        ({"providers": "chutes"}, ["meta-llama/llama-4-maverick:free", "meta-llama/llama-4-scout:free", NEMOTRON]),
        ({"providers": "Google Vertex"}, ["meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"]),
        ({"zdr": "true"}, ["meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"]),
        ({"context": 300000}, ["meta-llama/llama-4-maverick", "meta-llama/llama-4-scout",
                               "meta-llama/llama-4-scout:free"]),
        ({"min_price": 0.1}, ["meta-llama/llama-4-maverick"]),
        ({"max_price": 0}, ["meta-llama/llama-4-maverick:free", "meta-llama/llama-4-scout:free", NEMOTRON, R1]),
        ({"min_output_price": 0.5, "max_output_price": 0.6}, ["meta-llama/llama-4-maverick"]),
        ({"category": "programming"}, ALL),  # no category data in the catalogue: filters nothing
        ({"min_intelligence_index": 50}, ALL),
    ],
)  # fmt: skip
def test_models_query_filters(server: Any, query: dict[str, Any], expected: list[str]) -> None:
    assert ids(server, **query) == expected


def test_models_sort(server: Any) -> None:
    assert ids(server, sort="context-high-to-low")[0] == "meta-llama/llama-4-maverick"
    assert ids(server, sort="pricing-high-to-low")[:2] == ["meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"]
    assert ids(server, sort="throughput-high-to-low")[0] == "meta-llama/llama-4-scout"  # Groq
    assert ids(server, sort="latency-low-to-high")[0] == "meta-llama/llama-4-scout"
    assert ids(server, sort="newest")[0] == R1
    assert ids(server, sort="most-popular") == ALL  # no popularity data: the default order is kept


def test_models_pagination(server: Any) -> None:
    first = models(server, offset=0, limit=4)
    assert [m["id"] for m in first["data"]] == ALL[:4] and first["total_count"] == 6
    assert first["links"]["next"] == "/api/v1/models?offset=4&limit=4"
    second = requests.get(f"{server.url}/openrouter{first['links']['next']}", timeout=10).json()
    assert [m["id"] for m in second["data"]] == ALL[4:] and second["links"]["next"] is None


@pytest.mark.parametrize("query", [{"sort": "random"}, {"category": "cooking"}, {"context": "lots"},
                                   {"limit": 1001}, {"context": 0}, {"min_price": -1},
                                   {"max_coding_index": "high"}])  # fmt: skip
def test_models_bad_query_is_400(server: Any, query: dict[str, Any]) -> None:
    answer = requests.get(f"{base(server)}/models", params=query, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("Invalid request parameters: ")


def test_models_count(server: Any) -> None:
    for query, expected in (({}, 6), ({"output_modalities": "all"}, 6), ({"output_modalities": "image"}, 0)):
        answer = requests.get(f"{base(server)}/models/count", params=query, timeout=10)
        assert answer.status_code == 200 and answer.json() == {"data": {"count": expected}}
        assert validate.validate("openrouter", "models-count", answer.json()) == []


def test_key_has_the_2026_fields(server: Any) -> None:
    headers = {"Authorization": "Bearer sk-or-v1-0123456789abcdef"}
    data = requests.get(f"{base(server)}/key", headers=headers, timeout=10).json()["data"]
    required = ["label", "limit", "usage", "usage_daily", "usage_weekly", "usage_monthly", "byok_usage",
                "byok_usage_daily", "byok_usage_weekly", "byok_usage_monthly", "is_free_tier", "is_management_key",
                "is_provisioning_key", "limit_remaining", "limit_reset", "include_byok_in_limit", "creator_user_id",
                "rate_limit"]  # OR-SPEC 2026-08-22 getCurrentKey: required  # fmt: skip
    assert set(required) <= set(data)
    assert data["creator_user_id"].startswith("user_")
    other = requests.get(f"{base(server)}/key", headers={"Authorization": "Bearer sk-or-v1-other"}, timeout=10)
    assert other.json()["data"]["creator_user_id"] != data["creator_user_id"]
    assert validate.validate("openrouter", "key", {"data": data}) == []
