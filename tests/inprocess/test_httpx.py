"""mock_openrouter / mock_aimlapi: the openai SDK (httpx2 default client and explicit httpx clients), plain httpx."""

from typing import Any

import httpx
import httpx2
import openai
import pytest
import respx
from openai import AsyncOpenAI, OpenAI

from mockserver.config import MockConfig
from mockserver.inprocess import MockAssertionError, mock_aimlapi, mock_openrouter
from mockserver.inprocess.httpx import HttpxMock

OPENROUTER = "https://openrouter.ai/api/v1"
AIMLAPI = "https://api.aimlapi.com/v1"
MAVERICK = "meta-llama/llama-4-maverick"
SCOUT = "meta-llama/llama-4-scout"
HELLO = [{"role": "user", "content": "hello"}]


def openrouter(**kwargs: Any) -> OpenAI:
    return OpenAI(base_url=OPENROUTER, api_key="sk-or-v1-test", max_retries=0, **kwargs)


def test_openai_default_client_is_httpx2_and_answered_in_process(openrouter_mock: HttpxMock) -> None:
    client = openrouter()
    assert isinstance(client._client, httpx2.Client)  # the path respx alone would miss
    completion = client.chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
    assert completion.id.startswith("gen-")
    assert completion.choices[0].message.content
    [call] = openrouter_mock.calls
    assert (call.method, call.path, call.operation, call.model) == (
        "POST", "/openrouter/api/v1/chat/completions", "chat_completions", MAVERICK)


def test_openai_sync_stream(openrouter_mock: HttpxMock) -> None:
    stream = openrouter().chat.completions.create(model=SCOUT, messages=HELLO, stream=True)  # type: ignore[arg-type]
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].choices[0].finish_reason == "stop"
    openrouter_mock.assert_called(model=SCOUT, times=1, operation="chat_completions")


@pytest.mark.anyio
async def test_openai_async_default_client_and_stream(openrouter_mock: HttpxMock) -> None:
    client = AsyncOpenAI(base_url=OPENROUTER, api_key="sk-or-v1-test", max_retries=0)
    assert isinstance(client._client, httpx2.AsyncClient)
    completion = await client.chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
    assert completion.choices[0].finish_reason == "stop"
    stream = await client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True)  # type: ignore[arg-type]
    texts = [c.choices[0].delta.content async for c in stream if c.choices]
    assert "".join(t or "" for t in texts) == completion.choices[0].message.content
    openrouter_mock.assert_called(model=MAVERICK, times=2)


def test_openai_with_explicit_httpx_client(aimlapi_mock: HttpxMock) -> None:
    client = OpenAI(base_url=AIMLAPI, api_key="aiml-test", http_client=httpx.Client(), max_retries=0)
    completion = client.chat.completions.create(model=SCOUT, messages=HELLO)  # type: ignore[arg-type]
    assert completion.choices[0].message.content
    assert aimlapi_mock.calls[0].path == "/aimlapi/v1/chat/completions"


@pytest.mark.anyio
async def test_openai_with_explicit_async_httpx_client(aimlapi_mock: HttpxMock) -> None:
    client = AsyncOpenAI(base_url=AIMLAPI, api_key="aiml-test", http_client=httpx.AsyncClient(), max_retries=0)
    stream = await client.chat.completions.create(model=SCOUT, messages=HELLO, stream=True)  # type: ignore[arg-type]
    assert [c async for c in stream]
    aimlapi_mock.assert_called(times=1)


def test_plain_httpx_stream_keeps_the_providers_chunking(openrouter_mock: HttpxMock) -> None:
    body = {"model": MAVERICK, "messages": HELLO, "stream": True}
    headers = {"authorization": "Bearer sk-or-v1-test"}
    with httpx.stream("POST", f"{OPENROUTER}/chat/completions", json=body, headers=headers) as response:
        chunks = list(response.iter_raw())
    assert response.headers["content-type"] == "text/event-stream"
    assert chunks[0] == b": OPENROUTER PROCESSING\n\n"  # one SSE event per chunk, as the server flushes them
    assert all(chunk.endswith(b"\n\n") for chunk in chunks)
    assert chunks[-1] == b"data: [DONE]\n\n"


def test_query_string_and_get_routes(openrouter_mock: HttpxMock) -> None:
    models = httpx.get(f"{OPENROUTER}/models", params={"category": "programming"}).json()
    assert any(m["id"] == MAVERICK for m in models["data"])
    assert openrouter_mock.calls[0].operation == "list_models"


def test_provider_errors_stay_http_even_when_raising_mock_errors() -> None:
    config = MockConfig(api_keys={"openrouter": ["sk-or-v1-good"]})
    with mock_openrouter(config=config) as mock, pytest.raises(openai.AuthenticationError) as info:
        openrouter().chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
    assert info.value.status_code == 401
    assert mock.calls[0].status == 401


@pytest.mark.mockserver(strict=True)
def test_strict_mode_raises_the_mocks_own_error_at_once(openrouter_mock: HttpxMock) -> None:
    client = OpenAI(base_url=OPENROUTER, api_key="sk-or-v1-test")  # default retries: must not retry
    with pytest.raises(MockAssertionError, match="No fixture matched") as info:
        client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "zebra?"}])
    assert "Fix:" in str(info.value)
    assert len(openrouter_mock.calls) == 1


def test_strict_mode_as_http_problem_is_not_retried() -> None:
    with mock_openrouter(strict=True, raise_on_mock_error=False) as mock:
        client = OpenAI(base_url=OPENROUTER, api_key="sk-or-v1-test", max_retries=3)
        with pytest.raises(openai.NotFoundError) as info:
            client.chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "zebra?"}])
    assert info.value.response.headers["x-should-retry"] == "false"
    assert info.value.response.headers["content-type"] == "application/problem+json"
    assert len(mock.calls) == 1


def test_strict_mode_answers_with_a_fixture_added_at_run_time() -> None:
    with mock_openrouter(strict=True) as mock:
        mock.add_fixture({"provider": "openrouter", "operation": "chat_completions",
                          "match": {"user_message_contains": "zebra"}, "reply": {"content": "Stripes."}})
        completion = openrouter().chat.completions.create(
            model=MAVERICK, messages=[{"role": "user", "content": "zebra?"}])
        assert completion.choices[0].message.content == "Stripes."
        mock.reset()
        assert mock.calls == []
        with pytest.raises(MockAssertionError):
            openrouter().chat.completions.create(model=MAVERICK, messages=[{"role": "user", "content": "zebra?"}])


def test_bad_fixture_is_refused() -> None:
    with pytest.raises(MockAssertionError, match="unknown matcher"):
        mock_openrouter().add_fixture({"match": {"colour": "red"}, "reply": {"content": "x"}})


def test_assert_called_explains_what_was_seen(openrouter_mock: HttpxMock) -> None:
    with pytest.raises(AssertionError, match="expected openrouter calls at least once, matched 0"):
        openrouter_mock.assert_called()
    openrouter().chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
    seen = r"model='meta-llama/llama-4-scout' 1 time\(s\), matched 0(.|\n)*llama-4-mav"
    with pytest.raises(AssertionError, match=seen):
        openrouter_mock.assert_called(model=SCOUT, times=1)
    assert len(openrouter_mock.assert_called(model=MAVERICK, times=1)) == 1


def test_other_hosts_are_not_intercepted(openrouter_mock: HttpxMock) -> None:
    with pytest.raises(httpx.ConnectError, match=r"network access to 'example\.com' refused"):
        httpx.get("https://example.com/")  # reached the real transport (refused by conftest's guard)
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://openrouter.ai/other/path")  # same host, outside the base URL
    assert openrouter_mock.calls == []


def test_users_own_respx_routes_still_work_beside_the_mock(openrouter_mock: HttpxMock) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        router.get("https://example.com/ping").respond(json={"pong": True})
        assert httpx.get("https://example.com/ping").json() == {"pong": True}
        assert openrouter().chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
        assert openrouter(http_client=httpx.Client()).models.list().data
    assert len(openrouter_mock.calls) == 2


def test_side_effect_for_an_explicit_respx_route() -> None:
    mock = mock_openrouter()  # not started: respx does the routing
    with respx.mock() as router:
        router.route(host="openrouter.ai").mock(side_effect=mock.side_effect)
        client = openrouter(http_client=httpx.Client())
        assert client.chat.completions.create(model=MAVERICK, messages=HELLO)  # type: ignore[arg-type]
    assert mock.calls[0].path == "/openrouter/api/v1/chat/completions"


@pytest.mark.anyio
async def test_side_effect_for_an_async_respx_route() -> None:
    mock = mock_openrouter()
    with respx.mock() as router:
        router.route(host="openrouter.ai").mock(side_effect=mock.side_effect)
        client = AsyncOpenAI(base_url=OPENROUTER, api_key="k", http_client=httpx.AsyncClient(), max_retries=0)
        stream = await client.chat.completions.create(model=MAVERICK, messages=HELLO, stream=True)  # type: ignore[arg-type]
        assert [c async for c in stream]
    mock.assert_called(times=1)


def test_decorator_forms() -> None:
    mock = mock_aimlapi()

    @mock
    def call() -> str:
        client = OpenAI(base_url=AIMLAPI, api_key="k", max_retries=0)
        return client.chat.completions.create(model=SCOUT, messages=HELLO).model  # type: ignore[arg-type]

    assert call() == "meta-llama/Llama-4-Scout-17B-16E-Instruct"
    mock.assert_called(times=1)


@pytest.mark.anyio
async def test_async_decorator() -> None:
    mock = mock_openrouter()

    @mock
    async def call() -> int:
        client = AsyncOpenAI(base_url=OPENROUTER, api_key="k", max_retries=0)
        return len((await client.models.list()).data)

    assert await call() > 0
    mock.assert_called(operation="list_models")


def test_patch_is_removed_after_the_last_mock_stops() -> None:
    originals = (httpx.HTTPTransport.handle_request, httpx2.HTTPTransport.handle_request,
                 httpx.AsyncHTTPTransport.handle_async_request, httpx2.AsyncHTTPTransport.handle_async_request)
    outer, inner = mock_openrouter(), mock_openrouter()
    with outer:
        assert httpx2.HTTPTransport.handle_request is not originals[1]
        with inner, inner:  # re-entrant: counted
            openrouter().models.list()
        openrouter().models.list()
    assert (len(inner.calls), len(outer.calls)) == (1, 1)  # newest mock wins while active
    assert (httpx.HTTPTransport.handle_request, httpx2.HTTPTransport.handle_request,
            httpx.AsyncHTTPTransport.handle_async_request, httpx2.AsyncHTTPTransport.handle_async_request) == originals


def test_custom_base_url_and_shared_core() -> None:
    first = mock_openrouter(base_url="https://gateway.example/openrouter/v1")
    second = mock_aimlapi(core=first.core)
    with first, second:
        client = OpenAI(base_url="https://gateway.example/openrouter/v1", api_key="k", max_retries=0)
        assert client.models.list().data
        assert OpenAI(base_url=AIMLAPI, api_key="k", max_retries=0).models.list().data
    assert [e.provider for e in first.core.journal.entries()] == ["openrouter", "aimlapi"]
    assert (len(first.calls), len(second.calls)) == (1, 1)
