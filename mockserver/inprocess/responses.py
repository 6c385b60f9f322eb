"""``httpx`` / ``httpx2`` responses built from the mock's ``MockResponse``: the same status, headers, bytes and pacing
the server sends, in the library's own response type."""

from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

from mockserver.clock import Clock
from mockserver.http import MockResponse

__all__ = ["to_library_response"]

_TYPES: dict[str, tuple[type, type]] = {}


def _types(library: ModuleType) -> tuple[type, type]:
    """``library``'s byte stream of the mock's pieces (each after its pacing delay) and its response type."""
    if library.__name__ not in _TYPES:

        class ChunkStream(library.SyncByteStream, library.AsyncByteStream):  # type: ignore[name-defined,misc]
            def __init__(self, response: MockResponse, clock: Clock) -> None:
                self._response = response
                self._clock = clock

            def __iter__(self) -> Iterator[bytes]:
                for delay, chunk in self._response.paced():
                    if delay:
                        self._clock.sleep(delay)  # sync client: time.sleep
                    yield chunk

            async def __aiter__(self) -> AsyncIterator[bytes]:
                for delay, chunk in self._response.paced():
                    if delay:
                        await self._clock.asleep(delay)  # async client: asyncio.sleep, the loop runs on
                    yield chunk

        class Response(library.Response):  # type: ignore[name-defined,misc]
            """``library.Response`` that, for a whole body sent at once, reads it without the byte pipeline.

            ``read()`` / ``aread()`` of a body with no pacing and no content coding leave the response exactly
            as the library's own would (content, consumed, bytes downloaded, closed, ``elapsed`` set by the
            client's stream wrapper on close); streaming (``iter_*``) is untouched. About 15 µs a call.
            """

            _whole: bytes | None = None

            def _load(self, kind: type) -> bool:
                whole = self._whole
                if whole is None or hasattr(self, "_content") or self.is_stream_consumed or self.is_closed:  # type: ignore[has-type]
                    return False
                if not isinstance(self.stream, kind):  # the wrong kind of read: the library's own error
                    return False
                self._content = whole
                self.is_stream_consumed = True
                self._num_bytes_downloaded = len(whole)
                return True

            def read(self) -> bytes:
                if self._load(library.SyncByteStream):
                    self.close()
                content: bytes = super().read()
                return content

            async def aread(self) -> bytes:
                if self._load(library.AsyncByteStream):
                    await self.aclose()
                content: bytes = await super().aread()
                return content

        _TYPES[library.__name__] = ChunkStream, Response
    return _TYPES[library.__name__]


def to_library_response(library: ModuleType, response: MockResponse, clock: Clock | None = None) -> Any:
    """Build a ``library.Response`` carrying the same status, headers, byte chunks and pacing as the server."""
    headers = response.wire_head()  # the bytes the server sends
    stream_type, response_type = _types(library)
    built = response_type(
        response.status,
        headers=headers,
        stream=stream_type(response, clock or Clock()),
        extensions={"http_version": b"HTTP/1.1"},
    )
    # A whole body at once is read without the byte pipeline; a coded one still goes through the decoder.
    whole = response.chunks is None and not response.delays and response.tap is None
    if whole and not any(name == b"content-encoding" for name, _ in headers):
        built._whole = response.body
    return built
