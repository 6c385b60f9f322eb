"""A whole body answered in-process is read without the library's byte pipeline, leaving the response as the
library's own read would: content, consumed, closed, bytes downloaded, ``elapsed``. Coded, paced and streamed
bodies still go through the pipeline."""

import datetime
import gzip
from typing import Any

import httpx
import httpx2
import pytest

from mockserver.http import MockResponse
from mockserver.inprocess import mock_openrouter
from mockserver.inprocess.responses import to_library_response

URL = "https://openrouter.ai/api/v1/chat/completions"
BODY = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "hello"}]}
AUTH = {"authorization": "Bearer sk-or-v1-test"}


def no_pipeline(library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole body went through the byte pipeline")

    monkeypatch.setattr(library.Response, "iter_raw", refuse)
    monkeypatch.setattr(library.Response, "aiter_raw", refuse)


def assert_read_like_the_library(response: Any, library: Any) -> None:
    assert response.status_code == 200
    assert response.json()["object"] == "chat.completion"
    assert response.is_stream_consumed and response.is_closed
    assert response.num_bytes_downloaded == len(response.content) == int(response.headers["content-length"])
    assert isinstance(response.elapsed, datetime.timedelta)
    assert b"".join(response.iter_bytes()) == response.content  # read again from the loaded content
    with pytest.raises(library.StreamConsumed):
        list(response.iter_raw())


@pytest.mark.parametrize("library", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_sync_read_skips_the_pipeline(library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_openrouter(), library.Client() as client:
        no_pipeline(library, monkeypatch)
        response = client.post(URL, json=BODY, headers=AUTH)
        monkeypatch.undo()
        assert_read_like_the_library(response, library)


@pytest.mark.anyio
@pytest.mark.parametrize("library", [httpx, httpx2], ids=["httpx", "httpx2"])
async def test_async_read_skips_the_pipeline(library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_openrouter():
        async with library.AsyncClient() as client:
            no_pipeline(library, monkeypatch)
            response = await client.post(URL, json=BODY, headers=AUTH)
            monkeypatch.undo()
    assert response.json()["object"] == "chat.completion"
    assert response.is_stream_consumed and response.is_closed
    assert response.num_bytes_downloaded == len(response.content)
    assert isinstance(response.elapsed, datetime.timedelta)


@pytest.mark.parametrize("library", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_streamed_reading_of_a_whole_body_still_iterates(library: Any) -> None:
    with mock_openrouter(), library.Client() as client, client.stream("POST", URL, json=BODY, headers=AUTH) as r:
        raw = b"".join(r.iter_raw())
        assert raw and r.num_bytes_downloaded == len(raw) == int(r.headers["content-length"])


def test_a_sync_read_of_an_async_response_is_the_librarys_own_error() -> None:
    response = to_library_response(httpx2, MockResponse(200, {"content-type": "application/json"}, b"{}"))
    response.stream = httpx2.AsyncByteStream()  # as an async client leaves it
    with pytest.raises(RuntimeError, match="sync iterator on an async stream"):
        response.read()
    assert not hasattr(response, "_content")


def test_a_coded_body_is_still_decoded() -> None:
    coded = gzip.compress(b'{"ok":true}')
    response = to_library_response(httpx2, MockResponse(200, {"Content-Encoding": "gzip"}, coded))
    assert response.read() == b'{"ok":true}'
    assert response.num_bytes_downloaded == len(coded)


def test_header_values_go_as_latin_1_like_starlette() -> None:
    response = to_library_response(httpx2, MockResponse(200, {"X-Name": "caf\u00e9"}, b""))
    assert response.headers.raw == [(b"x-name", b"caf\xe9"), (b"content-length", b"0")]
