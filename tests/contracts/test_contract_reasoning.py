"""Properties of OpenRouter reasoning and routing answers (issue 13 item 6), over generated requests.

For any reasoning settings (OR-DOCS reasoning-tokens.mdx) the answer is schema-valid, reasoning tokens are part of
the output and within max_tokens, excluded reasoning is billed but not shown, and the stream's reasoning precedes
its content (the `stream.reasoning-first` grammar check). For any routing preferences (provider-selection.mdx)
the answer names an endpoint the preferences allow, or is a schema-valid 404.
"""

import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from contracts import validate
from mockserver.inprocess import mock_openrouter

URL = "https://openrouter.ai/api/v1/chat/completions"
R1, MAVERICK = "microsoft/mai-ds-r1:free", "meta-llama/llama-4-maverick"
EFFORTS = ["max", "xhigh", "high", "medium", "low", "minimal"]

reasoning_settings = st.fixed_dictionaries({}, optional={
    "effort": st.sampled_from(EFFORTS), "max_tokens": st.integers(min_value=0, max_value=64),
    "exclude": st.booleans(), "enabled": st.just(True)})  # fmt: skip
requests_ = st.fixed_dictionaries(
    {"model": st.just(R1), "messages": st.just([{"role": "user", "content": "Is 91 prime?"}])},
    optional={"reasoning": reasoning_settings, "max_tokens": st.integers(min_value=1, max_value=80),
              "include_reasoning": st.booleans()},
)  # fmt: skip


def names(kind: str, document: Any) -> set[str]:
    return {v.check for v in validate.validate("openrouter", kind, document) if v.severity == "error"}


def post(body: dict[str, Any]) -> httpx.Response:
    return httpx.post(URL, json=body, headers={"Authorization": "Bearer sk-or-v1-test"})


@given(requests_)
def test_reasoning_answers_keep_their_invariants(body: dict[str, Any]) -> None:
    with mock_openrouter():
        plain, streamed = post(body), post(body | {"stream": True})
    document = plain.json()
    assert names("chat-response", document) == set()
    assert names("chat-stream", streamed.text) == set()
    usage, message = document["usage"], document["choices"][0]["message"]
    thinking = usage["completion_tokens_details"]["reasoning_tokens"]
    assert 0 <= thinking <= usage["completion_tokens"]
    if "max_tokens" in body:
        assert usage["completion_tokens"] <= max(body["max_tokens"], 1)
    settings = body.get("reasoning") or {}
    if "max_tokens" in settings:
        assert thinking <= settings["max_tokens"]
    hidden = settings.get("exclude") is True or ("exclude" not in settings and body.get("include_reasoning") is False)
    assert (message["reasoning"] is None) == (hidden or thinking == 0)
    deltas = [json.loads(line[6:])["choices"] for line in streamed.text.splitlines() if line.startswith("data: {")]
    shown = "".join(c[0]["delta"].get("reasoning") or "" for c in deltas if c)
    assert shown == (message["reasoning"] or "")


def test_reasoning_after_content_breaks_the_stream_grammar() -> None:
    with mock_openrouter():
        text = post({"model": R1, "messages": [{"role": "user", "content": "Hi"}], "stream": True}).text
    events = text.split("\n\n")
    reasoning = next(i for i, e in enumerate(events) if '"reasoning":"' in e)
    content = next(i for i, e in enumerate(events) if '"content":"' in e and '"reasoning"' not in e
                   and '"content":""' not in e)  # fmt: skip
    assert reasoning < content and names("chat-stream", text) == set()
    events[reasoning], events[content] = events[content], events[reasoning]
    assert "stream.reasoning-first" in names("chat-stream", "\n\n".join(events))


providers = st.sampled_from(["deepinfra", "novita", "parasail", "digitalocean", "google-vertex", "groq"])
preferences = st.fixed_dictionaries({}, optional={
    "order": st.lists(providers, max_size=3), "only": st.lists(providers, min_size=1, max_size=3),
    "ignore": st.lists(providers, max_size=2), "sort": st.sampled_from(["price", "throughput", "latency"]),
    "quantizations": st.lists(st.sampled_from(["fp8", "bf16", "unknown", "int4"]), min_size=1, max_size=2),
    "data_collection": st.sampled_from(["allow", "deny"]), "zdr": st.booleans(),
    "allow_fallbacks": st.booleans(),
    "max_price": st.fixed_dictionaries({"prompt": st.sampled_from([0.1, 0.15, 0.2, 1])})})  # fmt: skip
SLUGS = {"DeepInfra": "deepinfra", "Novita": "novita", "Parasail": "parasail", "DigitalOcean": "digitalocean",
         "Google Vertex": "google-vertex"}  # fmt: skip


@given(preferences)
def test_routing_serves_an_allowed_endpoint_or_404s(prefs: dict[str, Any]) -> None:
    with mock_openrouter():
        answer = post({"model": MAVERICK, "messages": [{"role": "user", "content": "Hi"}], "provider": prefs})
    document = answer.json()
    if answer.status_code == 404:
        assert names("error", document) == set()
        assert document["error"]["availability"]["code"] in {"no_endpoints", "privacy_restricted",
                                                              "constraint_filtered"}  # fmt: skip
        return
    assert answer.status_code == 200 and names("chat-response", document) == set()
    chosen = SLUGS[document["provider"]]
    assert chosen not in prefs.get("ignore", [])
    assert not prefs.get("only") or chosen in prefs["only"]
    if prefs.get("order") and prefs.get("allow_fallbacks") is False:
        assert chosen in prefs["order"]
    if prefs.get("zdr") is True:
        assert chosen in ("deepinfra", "google-vertex")
    if prefs.get("data_collection") == "deny":
        assert chosen != "digitalocean"
