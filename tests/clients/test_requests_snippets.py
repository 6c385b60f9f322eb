"""The providers' own documented `requests` snippets, with only the URL changed."""

import json

import requests


def test_openrouter_docs_snippet(server) -> None:
    # shared/seeds/003: OpenRouter API docs, "Using the OpenRouter API Directly"
    response = requests.post(
        url=f"{server.url}/openrouter/api/v1/chat/completions",
        headers={
            "Authorization": "Bearer <OPENROUTER_API_KEY>",
            "HTTP-Referer": "<YOUR_SITE_URL>",
            "X-Title": "<YOUR_SITE_NAME>",
        },
        data=json.dumps(
            {
                "model": "meta-llama/llama-4-maverick",
                "messages": [{"role": "user", "content": "What is the meaning of life?"}],
            }
        ),
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"]


def test_openrouter_free_model_snippet(server) -> None:
    # shared/seeds/003 "API Usage" (its URL lacks /completions; the real path is used here)
    url = f"{server.url}/openrouter/api/v1/chat/completions"
    headers = {"Authorization": "Bearer <OPENROUTER_API_KEY>"}
    payload = {
        "model": "meta-llama/llama-4-maverick:free",
        "messages": [{"role": "user", "content": "Solve: x^2 + 2x + 1 = 0"}],
        "max_tokens": 256,
    }
    response = requests.post(url, json=payload, headers=headers, timeout=10)
    assert response.json()["usage"]["cost"] == 0


def test_aimlapi_docs_snippet(server) -> None:
    # shared/seeds/001: AI/ML API Llama-4-maverick page, "Code Example"
    response = requests.post(
        f"{server.url}/aimlapi/v1/chat/completions",
        headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer <YOUR_AIMLAPI_KEY>",
        },
        json={"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Hello"}]},
        timeout=10,
    )
    data = response.json()
    assert data["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Hello! How are you today? Is there something I can help you with or would you like to chat?",
        "tool_calls": [],
    }
    assert data["usage"] == {"prompt_tokens": 6, "completion_tokens": 41, "total_tokens": 47}
