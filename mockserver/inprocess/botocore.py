"""In-process Bedrock runtime: boto3 ``bedrock-runtime`` calls answered by ``MockCore`` via botocore's ``before-send``.

This is moto's own mechanism (moto ``docs/.../architecture.rst``: "Moto registers a hook into the before-send
event"): a handler that returns an ``AWSResponse`` stops the request from going out, and botocore parses that
response exactly as one from the network, so streams become real ``EventStream``s and errors ``ClientError`` /
``EventStreamError``. Our handler is registered for ``before-send.bedrock-runtime``, which botocore calls before
moto's less specific ``before-send`` one (``botocore/hooks.py`` ``_PrefixTrie``: furthest node first), and the
first non-None response wins (``botocore/endpoint.py``).
"""

import re
import sys
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders
from botocore.handlers import BUILTIN_HANDLERS

from mockserver.clock import Clock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest, MockResponse
from mockserver.inprocess.base import ProviderMock, make_config

__all__ = ["BedrockMock", "ChunkedRaw", "mock_bedrock"]

EVENT = "before-send.bedrock-runtime"
# Regional, FIPS and China endpoints (botocore endpoints.json, partition hostnames for bedrock-runtime).
AWS_HOST = re.compile(r"^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")


class ChunkedRaw:
    """The ``raw`` of an ``AWSResponse``: ``stream()`` yields the mock's chunks (event-stream frames) one by one.

    A paced chunk is held back by its delay when it is first taken, whichever method takes it.
    """

    def __init__(self, chunks: list[bytes], delays: list[float] | None = None, clock: Clock | None = None) -> None:
        self._chunks = deque(zip(delays or [0.0] * len(chunks), chunks, strict=True))
        self._clock = clock or Clock()
        self._buffer = b""

    def _take(self) -> bytes:
        delay, chunk = self._chunks.popleft()
        if delay:
            self._clock.sleep(delay)  # botocore reads synchronously
        return chunk

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        """Yield what is left, chunk by chunk (botocore's ``EventStream`` and ``AWSResponse.content`` read this)."""
        if self._buffer:
            data, self._buffer = self._buffer, b""
            yield data
        while self._chunks:
            yield self._take()

    def read(self, amt: int | None = None) -> bytes:
        """Read up to ``amt`` bytes, or everything left (``StreamingBody.read`` calls this)."""
        while self._chunks and (amt is None or len(self._buffer) < amt):
            self._buffer += self._take()
        if amt is None:
            data, self._buffer = self._buffer, b""
            return data
        data, self._buffer = self._buffer[:amt], self._buffer[amt:]
        return data

    def readable(self) -> bool:
        """Always readable."""
        return True

    def close(self) -> None:
        """Drop what is left."""
        self._buffer, self._chunks = b"", deque()


class BedrockMock(ProviderMock):
    """Bedrock runtime answered in-process for every botocore client whose session was created after import."""

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        core: MockCore | None = None,
        config: MockConfig | None = None,
        raise_on_mock_error: bool = True,
    ) -> None:
        super().__init__("bedrock", core=core, config=config, raise_on_mock_error=raise_on_mock_error)
        self.endpoint_url = endpoint_url.rstrip("/") if endpoint_url else None

    def owns(self, url: str) -> bool:
        """Whether a request URL goes to an AWS bedrock-runtime host (or to ``endpoint_url``)."""
        if self.endpoint_url is not None:
            return url == self.endpoint_url or url.startswith(self.endpoint_url + "/")
        return bool(AWS_HOST.match(urlsplit(url).hostname or ""))

    def to_mock_request(self, request: AWSPreparedRequest) -> MockRequest:
        """Map the host to the mount and keep the path as sent (``%3A`` in model ids, ``%2F`` in ARNs)."""
        parts = urlsplit(request.url)
        path = parts.path
        if self.endpoint_url is not None:
            path = path[len(urlsplit(self.endpoint_url).path) :]
        headers = [(k, v.decode("latin-1") if isinstance(v, bytes) else str(v)) for k, v in request.headers.items()]
        body = _body_bytes(request.body)
        return MockRequest.build(request.method, self.spec.mount + path, headers, body, parts.query)

    def respond(self, request: AWSPreparedRequest) -> AWSResponse:
        """Answer one prepared request with an ``AWSResponse`` botocore parses as if from the network."""
        return to_aws_response(request.url, self.answer(self.to_mock_request(request)), self.core.clock)

    def _install(self) -> None:
        _REGISTRY.add(self)

    def _uninstall(self) -> None:
        _REGISTRY.remove(self)


def mock_bedrock(
    *,
    fixtures: str | Path | None = None,
    strict: bool | None = None,
    seed: int | None = None,
    core: MockCore | None = None,
    config: MockConfig | None = None,
    endpoint_url: str | None = None,
    raise_on_mock_error: bool = True,
) -> BedrockMock:
    """Answer boto3 ``bedrock-runtime`` calls (all four operations) in-process, alone or inside moto's ``mock_aws()``.

    Use it as a context manager (``with mock_bedrock() as mock:``), a decorator, or through the
    ``bedrock_mock`` pytest fixture. Create clients after importing ``mockserver.inprocess`` (as with
    moto): botocore copies its event handlers into each session when the session is created. Inside
    ``mock_aws()`` moto keeps serving every other service; only bedrock-runtime is ours.

    Args:
        fixtures: fixtures folder; defaults to the bundled ``fixtures/``.
        strict: answer requests no fixture matches with the mock's "no fixture matched" error.
        seed: mixed into generated replies; change it for different deterministic content.
        core: an existing ``MockCore`` to share (with another mock or a server); ``fixtures``, ``strict``,
            ``seed`` and ``config`` are then ignored.
        config: a full ``MockConfig``; ``fixtures``, ``strict`` and ``seed`` override its fields.
        endpoint_url: intercept clients built with this ``endpoint_url`` instead of the AWS hosts
            (``https://bedrock-runtime.<region>.amazonaws.com``).
        raise_on_mock_error: raise ``MockAssertionError`` for the mock's own errors (no fixture matched)
            instead of letting botocore turn the problem+json 404 into a ``ClientError``; Bedrock's own errors
            are always wire responses (``ClientError`` / ``EventStreamError``).
    """
    return BedrockMock(
        endpoint_url=endpoint_url,
        core=core,
        config=make_config(config, fixtures=fixtures, strict=strict, seed=seed),
        raise_on_mock_error=raise_on_mock_error,
    )


def to_aws_response(url: str, response: MockResponse, clock: Clock | None = None) -> AWSResponse:
    """Build an ``AWSResponse`` with the status, headers, chunks and pacing the server would send."""
    headers = HTTPHeaders()
    for name, value in response.headers.items():
        headers[name.lower()] = value  # lower-cased as starlette sends them (``Response.init_headers``)
    length = response.content_length()
    if length is not None and "content-length" not in headers:
        headers["content-length"] = str(length)  # StreamingBody checks it
    pieces = list(response.paced())  # botocore reads the whole body in-process anyway
    raw = ChunkedRaw([chunk for _, chunk in pieces], [delay for delay, _ in pieces], clock)
    return AWSResponse(url, response.status, headers, raw)


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    data = body.read()  # a file-like body; botocore rewinds it itself before any retry
    return data.encode() if isinstance(data, str) else bytes(data)


class _Registry:
    """The active Bedrock mocks (newest first), and moto's stubber told to leave their requests alone."""

    def __init__(self) -> None:
        self._mocks: list[BedrockMock] = []
        self._lock = threading.Lock()
        self.claimed: weakref.WeakSet[AWSPreparedRequest] = weakref.WeakSet()
        self._moto: Any = None

    def add(self, mock: BedrockMock) -> None:
        with self._lock:
            self._mocks.insert(0, mock)
            self.guard_moto()

    def remove(self, mock: BedrockMock) -> None:
        with self._lock:
            if mock in self._mocks:
                self._mocks.remove(mock)
            if not self._mocks and self._moto is not None:
                del self._moto.process_request  # the instance attribute set below; the class method shows again
                self._moto = None

    def find(self, url: str) -> BedrockMock | None:
        for mock in tuple(self._mocks):
            if mock.owns(url):
                return mock
        return None

    def guard_moto(self) -> None:
        """Make moto's ``before-send`` stubber skip requests we answered (it would run its empty stub too)."""
        models = sys.modules.get("moto.core.models")
        if models is None or self._moto is not None:
            return
        stubber = models.botocore_stubber
        original = stubber.process_request
        claimed = self.claimed

        def process_request(request: AWSPreparedRequest) -> Any:
            return None if request in claimed else original(request)

        stubber.process_request = process_request
        self._moto = stubber


def _before_send(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
    """botocore ``before-send.bedrock-runtime`` handler: answer if a mock is active, else let the call go out."""
    mock = _REGISTRY.find(request.url)
    if mock is None:
        return None
    _REGISTRY.guard_moto()  # moto may have been imported after the mock started
    _REGISTRY.claimed.add(request)
    return mock.respond(request)


_REGISTRY = _Registry()

# Every botocore Session registers BUILTIN_HANDLERS when created (botocore/session.py), as moto relies on.
BUILTIN_HANDLERS.append((EVENT, _before_send))


def _register_on_default_session() -> None:
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None) if boto3 else None
    if session is not None:  # created before this import, so it missed BUILTIN_HANDLERS
        session._session.register(EVENT, _before_send, unique_id="mockserver-bedrock")


_register_on_default_session()
