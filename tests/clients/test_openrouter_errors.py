"""OpenRouter errors reach the openai SDK as its own exception classes, with OpenRouter's bodies and headers."""

import re

import httpx
import openai
import pytest
from openai import OpenAI

MAVERICK = "meta-llama/llama-4-maverick"
HELLO = [{"role": "user", "content": "Hello"}]


def url(server) -> str:
    return f"{server.url}/openrouter/api/v1"


def test_missing_key_is_401_no_cookie(server) -> None:
    response = httpx.post(f"{url(server)}/chat/completions", json={"model": MAVERICK, "messages": HELLO})
    assert response.status_code == 401
    assert response.json() == {"error": {"message": "No cookie auth credentials found", "code": 401,
                                         "metadata": {"error_type": "authentication"}}}  # fmt: skip
    june = httpx.post(f"{url(server)}/chat/completions", json={"model": MAVERICK, "messages": HELLO},
                      headers={"x-mock-quirk": "openrouter.errors=2026-06"})  # fmt: skip
    assert june.json() == {"error": {"message": "No cookie auth credentials found", "code": 401}}


def test_unknown_key_is_401_user_not_found(start_server) -> None:
    locked = start_server(api_keys={"openrouter": ["sk-or-v1-good"]})
    client = OpenAI(base_url=f"{locked.url}/openrouter/api/v1", api_key="sk-or-v1-bad", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO)
    assert caught.value.status_code == 401 and caught.value.body["message"] == "User not found."
    ok = OpenAI(base_url=f"{locked.url}/openrouter/api/v1", api_key="sk-or-v1-good").chat.completions.create(
        model=MAVERICK, messages=HELLO
    )
    assert ok.choices[0].message.content


@pytest.fixture
def client(server) -> OpenAI:
    return OpenAI(base_url=url(server), api_key="sk-or-v1-test", max_retries=0)


def test_unknown_model_is_400_not_404(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="meta-llama/llama-5-giant", messages=HELLO)
    assert caught.value.body["message"] == "meta-llama/llama-5-giant is not a valid model ID"
    assert caught.value.response.json()["user_id"].startswith("user_")


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"temperature": 2.5}, "temperature"),
        ({"top_p": 1.5}, "top_p"),
        ({"frequency_penalty": -3}, "frequency_penalty"),
        ({"top_logprobs": 21}, "top_logprobs"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"temperature": "hot"}, "temperature"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"provider": {"nonsense": True}}, "provider"),
    ],
)
def test_out_of_range_or_wrong_type_is_400(client: OpenAI, extra: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_body=extra)
    assert caught.value.body["code"] == 400
    assert caught.value.body["metadata"]["param"] == param


def test_empty_messages_is_400(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=[])
    assert "messages" in caught.value.body["message"]


def test_malformed_json_and_wrong_content_type_are_400(server) -> None:
    auth = {"Authorization": "Bearer sk-or-v1-x"}
    bad_json = httpx.post(
        f"{url(server)}/chat/completions", content=b"{not json", headers=auth | {"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == 400
    wrong_type = httpx.post(
        f"{url(server)}/chat/completions", content=b"messages=hi", headers=auth | {"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 400 and "content type" in wrong_type.json()["error"]["message"]


def test_oversized_body_is_413(start_server) -> None:
    small = start_server(max_body_bytes=1024)
    response = httpx.post(
        f"{small.url}/openrouter/api/v1/chat/completions",
        headers={"Authorization": "Bearer k"},
        json={"model": MAVERICK, "messages": [{"role": "user", "content": "x" * 5000}]},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == 413


def test_over_context_or_output_limit(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, max_tokens=16385)
    assert "maximum context length is 1048576 tokens" in caught.value.body["message"]
    long_prompt = [{"role": "user", "content": "llama " * 260_000}]
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="meta-llama/llama-4-maverick:free", messages=long_prompt)


@pytest.mark.parametrize(
    ("status", "exc"), [(402, openai.APIStatusError), (429, openai.RateLimitError), (503, openai.InternalServerError)]
)
def test_injected_faults_map_to_sdk_errors(client: OpenAI, status: int, exc: type) -> None:
    with pytest.raises(exc) as caught:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, extra_headers={"x-mock-fault": str(status)})
    assert caught.value.status_code == status
    if status == 429:
        assert caught.value.response.headers["x-ratelimit-remaining"] == "0"


def test_mid_stream_error_chunk(server) -> None:
    with httpx.stream(
        "POST",
        f"{url(server)}/chat/completions",
        headers={"Authorization": "Bearer k", "x-mock-stream-fault": "1"},
        json={"model": MAVERICK, "messages": HELLO, "stream": True},
    ) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert response.status_code == 200
    assert '"error":' in lines[-2] and '"finish_reason":"error"' in lines[-2]
    assert lines[-1] == "data: [DONE]"


def test_successful_responses_carry_no_rate_limit_headers(server) -> None:
    response = httpx.post(
        f"{url(server)}/chat/completions",
        headers={"Authorization": "Bearer k"},
        json={"model": MAVERICK, "messages": HELLO},
    )
    assert not [h for h in response.headers if h.lower().startswith("x-ratelimit")]


def test_never_a_500_for_garbage_paths_and_methods(server) -> None:
    assert httpx.get(f"{url(server)}/chat/completions").status_code == 405
    assert httpx.get(f"{url(server)}/nope").status_code == 404
    mock_own = httpx.get(f"{server.url}/somewhere/else")
    assert mock_own.status_code == 404 and mock_own.headers["x-should-retry"] == "false"
    assert mock_own.headers["content-type"] == "application/problem+json"
    assert "/openrouter/api/v1" in mock_own.json()["fix"]


def test_context_message_parts_follow_traffic(client: OpenAI) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    with pytest.raises(openai.BadRequestError) as with_output:
        client.chat.completions.create(model=MAVERICK, messages=HELLO, max_tokens=16385, tools=[tool])
    message = with_output.value.body["message"]
    assert "of text input, " in message and "of tool input, 16385 in the output)" in message
    assert with_output.value.body["metadata"] == {"provider_name": "DeepInfra", "error_type": "context_length_exceeded"}
    assert message.endswith("or use the context-compression plugin to compress your prompt automatically.")
    with pytest.raises(openai.BadRequestError) as text_only:
        client.chat.completions.create(
            model="meta-llama/llama-4-scout", messages=[{"role": "user", "content": "llama " * 400_000}]
        )
    assert "in the output" not in text_only.value.body["message"]
    assert re.search(r"tokens \(\d+ of text input\)\. Please", text_only.value.body["message"])
    assert text_only.value.body["metadata"] == {"provider_name": None, "error_type": "context_length_exceeded"}


def test_empty_messages_wording_and_prompt_fallback(server) -> None:
    auth = {"Authorization": "Bearer sk-or-v1-x"}
    empty = httpx.post(f"{url(server)}/chat/completions", headers=auth, json={"model": MAVERICK, "messages": []})
    assert empty.status_code == 400
    assert empty.json() == {"error": {"message": 'Input required: specify "prompt" or "messages"', "code": 400,
                                      "metadata": {"error_type": "invalid_request"}}}  # fmt: skip
    prompt = httpx.post(f"{url(server)}/chat/completions", headers=auth, json={"model": MAVERICK, "prompt": "Hello"})
    assert prompt.json()["choices"][0]["message"]["content"].startswith("Hello! How are you")


def test_one_shot_fixture_lets_the_sdk_retry(start_server) -> None:
    """A recorded 429 with `times: 1`, then the normal reply: the openai SDK's own retry path, offline."""
    retrying = start_server(seed=11)  # a server of its own: fixtures added here must not leak into others
    limited = {
        "provider": "openrouter", "operation": "chat_completions", "name": "rate-limited-once", "times": 1,
        "match": {"user_message": "retry me"},
        "response": {"status": 429, "headers": {"retry-after": "0"},
                     "body": {"error": {"message": "Rate limit exceeded: free-models-per-min.", "code": 429,
                                        "metadata": {"error_type": "rate_limit_exceeded"}}}},
    }  # fmt: skip
    assert httpx.post(f"{retrying.url}/__admin/fixtures", json=limited).status_code == 201
    client = OpenAI(base_url=f"{retrying.url}/openrouter/api/v1", api_key="sk-or-v1-test", max_retries=2)
    completion = client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "retry me"}])
    assert completion.choices[0].message.content
    statuses = [e["status"] for e in httpx.get(f"{retrying.url}/__admin/requests").json()["requests"]]
    assert statuses[-2:] == [429, 200]
