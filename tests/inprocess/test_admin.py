"""The admin API over HTTP (mockserver_url): journal, run-time fixtures, reset, health, and masked secrets."""

from typing import Any

import boto3
import httpx
import pytest

KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"
HELLO = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "zebra?"}]}


def chat(url: str, body: dict[str, Any] = HELLO) -> httpx.Response:
    headers = {"authorization": f"Bearer {KEY}"}
    return httpx.post(f"{url}/openrouter/api/v1/chat/completions", json=body, headers=headers)


def journal(url: str, **query: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/__admin/requests", params=query)
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def test_health(mockserver_url: str) -> None:
    answer = httpx.get(f"{mockserver_url}/__admin/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert set(answer.json()["providers"]) == {"openrouter", "aimlapi", "bedrock"}


def test_journal_lists_filters_and_clears(mockserver_url: str) -> None:
    assert journal(mockserver_url)["count"] == 0  # mockserver_url resets the server before each test
    assert chat(mockserver_url).status_code == 200
    assert httpx.get(f"{mockserver_url}/aimlapi/v1/models", headers={"authorization": "Bearer k"}).status_code == 200
    assert journal(mockserver_url)["count"] == 2
    [entry] = journal(mockserver_url, provider="openrouter")["requests"]
    assert (entry["operation"], entry["model"], entry["status"]) == ("chat_completions", HELLO["model"], 200)
    assert entry["body"] == HELLO
    assert httpx.delete(f"{mockserver_url}/__admin/requests").status_code == 204
    assert journal(mockserver_url)["count"] == 0


def test_bearer_keys_are_masked(mockserver_url: str) -> None:
    chat(mockserver_url)
    [entry] = journal(mockserver_url)["requests"]
    assert KEY not in str(entry)
    assert entry["headers"]["authorization"] == "Bearer sk-or-v1-…"  # the key's type, nothing of the key itself


def test_sigv4_credential_and_signature_are_masked(mockserver_url: str) -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{mockserver_url}/bedrock")
    client.converse(modelId="us.meta.llama4-scout-17b-instruct-v1:0",
                    messages=[{"role": "user", "content": [{"text": "hi"}]}])
    [entry] = journal(mockserver_url, provider="bedrock")["requests"]
    authorization = entry["headers"]["authorization"]
    assert "AKIAIOSFODNN7EXAMPLE" not in authorization
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIA****/")
    assert "Signature=****" in authorization
    assert entry["path"] == "/bedrock/model/us.meta.llama4-scout-17b-instruct-v1%3A0/converse"


@pytest.mark.mockserver(strict=True)
def test_posted_fixture_answers_and_reset_forgets_it(mockserver_url: str) -> None:
    assert chat(mockserver_url).status_code == 404  # strict: nothing matches "zebra?"
    fixture = {"provider": "openrouter", "operation": "chat_completions", "name": "zebra",
               "match": {"user_message_contains": "zebra"}, "reply": {"content": "Stripes."}}
    added = httpx.post(f"{mockserver_url}/__admin/fixtures", json=fixture)
    assert added.status_code == 201 and added.json()["added"] == "zebra"
    answer = chat(mockserver_url)
    assert answer.json()["choices"][0]["message"]["content"] == "Stripes."
    assert journal(mockserver_url)["requests"][-1]["fixture"] == "zebra"
    reset = httpx.post(f"{mockserver_url}/__admin/reset", json={})  # admin writes are JSON (test_admin_safety.py)
    assert reset.status_code == 200 and reset.json()["status"] == "reset"
    assert journal(mockserver_url)["count"] == 0
    assert chat(mockserver_url).status_code == 404


def test_bad_fixture_is_the_mocks_own_error(mockserver_url: str) -> None:
    answer = httpx.post(f"{mockserver_url}/__admin/fixtures", json={"match": {"colour": "red"}, "reply": {}})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-should-retry"] == "false"
