"""Cut an upstream body into the units the provider flushed, as the bytes arrive."""

import re

__all__ = ["Framer", "framing_of"]

_SSE_END = re.compile(rb"\r?\n\r?\n")


def framing_of(content_type: str | None) -> str:
    """``sse``, ``eventstream`` or ``raw``, from a response content type."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/event-stream":
        return "sse"
    if kind == "application/vnd.amazon.eventstream":
        return "eventstream"
    return "raw"


class Framer:
    """Buffers reads and yields whole SSE events (up to their blank line) or whole event-stream messages.

    Raw bodies are passed on read by read. The cut points are those of ``fixtures.split_frames``, so a
    recorded stream replays in as many flushes as it arrived in.
    """

    def __init__(self, framing: str) -> None:
        self.framing = framing
        self._buffer = b""

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes; return the frames they complete."""
        if self.framing == "raw":
            return [data] if data else []
        self._buffer += data
        frames: list[bytes] = []
        while True:
            end = self._next_end()
            if end is None:
                return frames
            frames.append(self._buffer[:end])
            self._buffer = self._buffer[end:]

    def flush(self) -> list[bytes]:
        """Whatever is left when the body ends (a stream that did not end on a frame boundary)."""
        rest, self._buffer = self._buffer, b""
        return [rest] if rest else []

    def _next_end(self) -> int | None:
        if self.framing == "sse":
            found = _SSE_END.search(self._buffer)
            return found.end() if found else None
        # Event-stream prelude: total length as a big-endian u32 (BOTOCORE eventstream.py).
        if len(self._buffer) < 4:
            return None
        length = max(int.from_bytes(self._buffer[:4], "big"), 4)
        return length if len(self._buffer) >= length else None
