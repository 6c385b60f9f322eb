"""The openai SDK over HTTP/2 (its own httpx2 client with ``http2=True``, TLS, ALPN ``h2``) on OpenRouter and
AI/ML API: chat and streaming answer as over HTTP/1.1."""

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from openai import OpenAI

from mockserver.inprocess.server import ServerThread

MOUNTS = {"openrouter": "/openrouter/api/v1", "aimlapi": "/aimlapi/v1"}
MODEL = {"openrouter": "meta-llama/llama-4-maverick", "aimlapi": "meta-llama/llama-4-maverick"}


@pytest.fixture(scope="module")
def tls_server(tls_files: tuple[Path, Path]) -> Iterator[ServerThread]:
    server = ServerThread(ssl_certfile=tls_files[0], ssl_keyfile=tls_files[1])
    yield server
    server.stop()


@pytest.mark.parametrize("provider", sorted(MOUNTS))
def test_openai_sdk_chat_and_stream_over_h2(provider: str, tls_server: ServerThread,
                                            tls_files: tuple[Path, Path]) -> None:  # fmt: skip
    versions: list[str] = []
    hooks = {"response": [lambda response: versions.append(response.http_version)]}
    context = ssl.create_default_context(cafile=str(tls_files[0]))
    with httpx2.Client(http2=True, verify=context, event_hooks=hooks) as http:
        client = OpenAI(base_url=tls_server.url + MOUNTS[provider], api_key="sk-fake-http2-test", http_client=http)
        messages = [{"role": "user", "content": "What is Llama 4?"}]
        reply = client.chat.completions.create(model=MODEL[provider], messages=messages)  # type: ignore[arg-type]
        assert reply.choices[0].message.content and reply.usage is not None
        stream = client.chat.completions.create(model=MODEL[provider], messages=messages, stream=True)  # type: ignore[arg-type]
        chunks = list(stream)
        streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert streamed == reply.choices[0].message.content
    assert versions == ["HTTP/2", "HTTP/2"]
