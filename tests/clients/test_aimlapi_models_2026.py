"""AI/ML API's model catalogue in its 2026 shape and the retired-Llama-4 switch (issue 13 item 5).

Sources: AIML-DOCS 2026-08-21 service-endpoints/complete-model-list.md and models.json (items, include, filters,
ETag); research/peers.md (Llama 4 pages removed as deprecated: Scout 2026-02-17, Maverick 2026-04-03); the
retired model's 404 wording is the mock's assumption (wire-contracts 2.5 names only the docs page).
"""

from typing import Any

import openai
import pytest
import requests
from openai import OpenAI

from contracts import validate

MAVERICK, SCOUT = "meta-llama/llama-4-maverick", "meta-llama/llama-4-scout"
RETIRED = {"x-mock-quirk": "aimlapi.llama4=retired"}


def listed(server: Any, query: str = "", **headers: str) -> requests.Response:
    return requests.get(f"{server.url}/aimlapi/v1/models{query}", headers=headers, timeout=10)


def items(server: Any, query: str = "", **headers: str) -> list[dict[str, Any]]:
    answer = listed(server, query, **headers)
    assert answer.status_code == 200
    document = answer.json()
    assert [v for v in validate.validate("aimlapi", "models", document) if v.severity == "error"] == []
    return list(document["data"])


def test_default_items_carry_identity_only(server: Any) -> None:
    found = items(server)
    assert [m["id"] for m in found] == [MAVERICK, SCOUT]
    assert all(list(m) == ["id", "info", "type", "aliases", "tags"] for m in found)
    assert found[0]["info"]["contextLength"] == 1048576 and found[0]["type"] == "openai/chat-completions"


@pytest.mark.parametrize(
    ("query", "sections"),
    [("?include=pricing", {"pricing"}), ("?include=pricing,capabilities", {"pricing", "capabilities"}),
     ("?include=modalities&include=capabilities", {"modalities", "capabilities"}),
     ("?include=all", {"pricing", "modalities", "capabilities"}),
     ("?details=true", {"pricing", "modalities", "capabilities"}), ("?include=pricing,typo", {"pricing"})],
)  # fmt: skip
def test_include_attaches_sections(server: Any, query: str, sections: set[str]) -> None:
    first = items(server, query)[0]
    assert set(first) - {"id", "info", "type", "aliases", "tags"} == sections
    if "pricing" in sections:
        assert first["pricing"]["kind"] == "fixed"
        assert [(u["measure"], u["price"], u["per"]) for u in first["pricing"]["units"]] == [
            ("input", 0.15, 1000000), ("output", 0.6, 1000000)]  # fmt: skip
    if "capabilities" in sections:
        assert first["capabilities"] == ["streaming", "structured_output", "tools", "vision"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?id=meta-llama/llama-4-scout", [SCOUT]), ("?id=META-LLAMA/LLAMA-4-SCOUT,nothing", [SCOUT]),
     ("?type=openai/chat-completions", [MAVERICK, SCOUT]), ("?type=openai/image-generations", []),
     ("?tags=playground:chat", [MAVERICK, SCOUT]), ("?tags=playground:video", []),
     ("?input_modalities=image", [MAVERICK, SCOUT]), ("?output_modalities=video", []),
     ("?modalities=image", [MAVERICK, SCOUT]), ("?capabilities=image_to_video,tools", [MAVERICK, SCOUT]),
     ("?capabilities=image_to_video", []), ("?capabilities=tools&output_modalities=video", [])],
)  # fmt: skip
def test_filters(server: Any, query: str, expected: list[str]) -> None:
    assert [m["id"] for m in items(server, query)] == expected


def test_etag_and_not_modified(server: Any) -> None:
    first = listed(server, "?include=pricing")
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = listed(server, "?include=pricing", **{"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert listed(server, "?include=capabilities", **{"If-None-Match": tag}).status_code == 200


def test_the_2025_shape_behind_its_quirk(server: Any) -> None:
    found = items(server, "?include=all", **{"x-mock-quirk": "aimlapi.models=2025"})
    assert "openai/chat-completion.function" in found[0]["features"]
    assert "capabilities" not in found[0] and "pricing" not in found[0]


def test_retired_llama4_answers_as_a_retired_model(server: Any) -> None:
    assert items(server, "", **RETIRED) == []  # gone from the catalogue
    client = OpenAI(base_url=f"{server.url}/aimlapi/v1", api_key="aiml-test-key", max_retries=0,
                    default_headers=RETIRED)  # fmt: skip
    for model in (MAVERICK, SCOUT):
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Hi"}])
        body = caught.value.body
        assert isinstance(body, dict) and body["statusCode"] == 404 and body["message"] == "Model is deprecated"
        assert body["path"] == "/v1/chat/completions"
        assert [v for v in validate.validate("aimlapi", "error", body) if v.severity == "error"] == []
    served = OpenAI(base_url=f"{server.url}/aimlapi/v1", api_key="aiml-test-key", max_retries=0)
    assert served.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "Hi"}]).choices
