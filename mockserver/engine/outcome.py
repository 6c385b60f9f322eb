"""What the journal keeps of an answer beside the request: the response, its stream's timing, and what answered.

Built once per request from references the engine already holds: no body is copied (a body past ``BODY_BYTES``
keeps a cut), nothing is parsed or masked until the admin API is read (``to_dict``). A stream is logged as the
transport sends it (``StreamLog``, the response's ``Tap``): the time of each of the first ``STREAM_EVENTS`` pieces,
the bytes of those that fit in ``STREAM_BYTES``; later pieces are only counted. An entry counts ``STREAM_BYTES``
against the journal's byte bound for a stream, whatever it ends up holding.
"""

import base64
import binascii
import contextlib
from collections.abc import Callable
from typing import Any

from contracts.wire import eventstream
from mockserver.engine.call import Call
from mockserver.engine.journal import BODY_BYTES, _keep_body, mask_headers
from mockserver.http import MockResponse

__all__ = ["STREAM_BYTES", "STREAM_EVENTS", "Outcome", "StreamLog", "answered_by"]

STREAM_EVENTS = 256
"""Pieces of a stream whose timing is kept; later ones are counted only."""
STREAM_BYTES = 32 * 1024
"""Bytes of a stream's pieces kept for the inspector; a piece that does not fit keeps its time and size only."""
_EVENT_COST = 32  # bytes a timed piece counts against the journal's bound (two floats, a size, a reference)


def answered_by(call: Call) -> str | None:
    """``fixture`` (a fixture's reply), ``recorded`` (a fixture's recorded response), ``generated``, or None."""
    if call.fixture is not None:
        return "fixture" if call.reply is not None else "recorded"
    return "generated" if call.reply is not None else None


class StreamLog:
    """One stream's pieces as the transport sent them: seconds since the request arrived, pacing delay, size."""

    __slots__ = ("count", "events", "kept", "now", "size", "started", "state")

    def __init__(self, started: float, now: Callable[[], float]) -> None:
        self.started, self.now = started, now
        self.events: list[tuple[float, float, int, bytes | None]] = []
        self.kept = self.count = self.size = 0
        self.state = "sending"

    def sent(self, delay: float, piece: bytes) -> None:
        """Log a piece the transport has sent."""
        self.count += 1
        self.size += len(piece)
        if len(self.events) < STREAM_EVENTS:
            fits = self.kept + len(piece) <= STREAM_BYTES
            self.kept += len(piece) if fits else 0
            self.events.append((self.now() - self.started, delay, len(piece), piece if fits else None))

    def ended(self, complete: bool) -> None:
        """The stream ended, whole or cut short by the client."""
        self.state = "complete" if complete else "closed by the client"

    def to_dict(self, media_type: str) -> dict[str, Any]:
        """The log, each kept piece decoded for reading (SSE text, event-stream headers and payload)."""
        events = []
        for at, delay, size, piece in list(self.events):  # a copy: the transport may still be appending
            event: dict[str, Any] = {"at_ms": round(at * 1000, 3), "delay_ms": round(delay * 1000, 3), "size": size}
            if piece is not None:
                event.update(_piece(piece, media_type))
            events.append(event)
        return {"state": self.state, "pieces": self.count, "bytes": self.size, "events": events,
                "untimed": self.count - len(events)}  # fmt: skip


def _piece(piece: bytes, media_type: str) -> dict[str, Any]:
    if media_type == "application/vnd.amazon.eventstream":
        try:
            message = eventstream.decode_messages(piece)[0]
        except (eventstream.DecodeError, IndexError):
            return {"hex": piece[:256].hex()}
        headers = {k: v if isinstance(v, str | int | bool) else repr(v) for k, v in message.headers.items()}
        payload, _ = _keep_body(message.payload, BODY_BYTES)
        if isinstance(payload, dict) and isinstance(payload.get("bytes"), str):  # InvokeModel: base64 of JSON
            with contextlib.suppress(binascii.Error, ValueError):
                payload = {**payload, "decoded": _keep_body(base64.b64decode(payload["bytes"]), BODY_BYTES)[0]}
        return {"event": headers.get(":event-type") or headers.get(":exception-type"), "headers": headers,
                "payload": payload}  # fmt: skip
    return {"text": piece.decode("utf-8", "replace")}


def _miss(problem: dict[str, Any] | None) -> dict[str, Any] | None:
    """A strict-mode miss as data: the closest fixtures, each with the matchers it failed and why."""
    if problem is None or "closest" not in problem:
        return None
    closest = []
    for near in problem["closest"]:
        # behaviour/fixtures.py words each reason "<matcher>: <why>"
        failed = [dict(zip(("matcher", "reason"), r.split(": ", 1), strict=False)) for r in near["failed"]]
        closest.append({"fixture": near["fixture"], "failed": failed})
    return {"title": problem.get("title"), "detail": problem.get("detail"), "fix": problem.get("fix"),
            "closest": closest}  # fmt: skip


class Outcome:
    """The answer to one request as the journal keeps it (a ``journal.Detail``)."""

    __slots__ = ("body", "body_size", "cost", "elapsed", "headers", "number", "problem", "source", "stream")

    def __init__(self, call: Call, response: MockResponse, now: Callable[[], float]) -> None:
        """Take what ``call`` and ``response`` hold; a stream gets a ``StreamLog`` as its tap.

        Times come from ``now``, the engine's clock, as every time the mock shows does: under ``--freeze-time``
        they are all zero, so a seeded run repeats byte for byte, journal included.
        """
        self.number = call.number
        self.elapsed = now() - call.now
        self.source = answered_by(call)
        self.headers, self.problem = response.headers, response.problem
        self.stream: StreamLog | None = None
        if response.chunks is None:
            body = response.body
            self.body, self.body_size = body if len(body) <= BODY_BYTES else body[:BODY_BYTES], len(body)
            self.cost = len(self.body)
        else:
            self.body, self.body_size = b"", 0
            self.stream = response.tap = StreamLog(call.now, now)
            self.cost = STREAM_BYTES + _EVENT_COST * min(len(response.chunks), STREAM_EVENTS)

    def to_dict(self) -> dict[str, Any]:
        """The entry's members beside the request's: ``id``, ``elapsed_ms``, ``source``, ``response``, ``miss``."""
        headers = mask_headers(self.headers)
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        response: dict[str, Any] = {"headers": headers}
        if self.stream is not None:
            response["stream"] = self.stream.to_dict(media_type)
        else:
            body, _ = _keep_body(self.body, BODY_BYTES)  # parsed JSON when whole and JSON, else text
            response.update(body=body, body_size=self.body_size, body_truncated=self.body_size > len(self.body))
        return {"id": self.number, "elapsed_ms": round(self.elapsed * 1000, 3), "source": self.source,
                "response": response, "miss": _miss(self.problem)}  # fmt: skip
