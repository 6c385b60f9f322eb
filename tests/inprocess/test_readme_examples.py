"""The in-process examples proposed for the README (mockserver/inprocess/README_SNIPPET.md), kept runnable."""

import boto3
import httpx
import pytest
from openai import AsyncOpenAI, OpenAI


def test_openai_sync(openrouter_mock):
    client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test")
    reply = client.chat.completions.create(
        model="meta-llama/llama-4-maverick",
        messages=[{"role": "user", "content": "What is Llama 4?"}],
    )
    assert reply.choices[0].message.content
    openrouter_mock.assert_called(model="meta-llama/llama-4-maverick", times=1)


@pytest.mark.anyio
async def test_openai_async_stream(aimlapi_mock):
    client = AsyncOpenAI(base_url="https://api.aimlapi.com/v1", api_key="aiml-test")
    stream = await client.chat.completions.create(
        model="meta-llama/llama-4-scout",
        messages=[{"role": "user", "content": "What is Llama 4?"}],
        stream=True,
    )
    text = "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])
    assert text
    assert aimlapi_mock.calls[0].operation == "chat_completions"


@pytest.mark.mockserver(strict=True)
def test_openai_fixture_added_in_the_test(openrouter_mock):
    openrouter_mock.add_fixture({
        "provider": "openrouter", "operation": "chat_completions",
        "match": {"user_message_contains": "capital of France"},
        "reply": {"content": "Paris."},
    })
    client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="sk-or-v1-test")
    reply = client.chat.completions.create(
        model="meta-llama/llama-4-scout",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
    )
    assert reply.choices[0].message.content == "Paris."


def test_boto3_converse_stream(bedrock_mock):
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    response = client.converse_stream(
        modelId="us.meta.llama4-maverick-17b-instruct-v1:0",
        messages=[{"role": "user", "content": [{"text": "What is Llama 4?"}]}],
    )
    events = list(response["stream"])
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0
    bedrock_mock.assert_called(operation="converse_stream", times=1)


def test_any_http_client_against_a_real_server(mockserver_url):
    reply = httpx.post(
        f"{mockserver_url}/openrouter/api/v1/chat/completions",
        headers={"Authorization": "Bearer sk-or-v1-test"},
        json={"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Hi"}]},
    )
    assert reply.status_code == 200
    journal = httpx.get(f"{mockserver_url}/__admin/requests").json()
    assert journal["count"] == 1
