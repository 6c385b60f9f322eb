"""The baseline of ``benchmarks.compare``: a bare starlette app sending fixed bytes, the mock's own, per path.

``python -m benchmarks.bare PORT BODIES.json`` where BODIES maps a path to ``{"body": text}`` (one JSON
response) and, optionally, ``"events": [text, ...]`` (the SSE stream sent when the request says
``"stream": true``, one send per event, as a plain starlette app writes it). Served by uvicorn with uvloop
and httptools, one worker, no access log: what the mock runs on.
"""

import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route


def bare_app(bodies: dict[str, dict[str, Any]]) -> Starlette:
    """One POST route for every path; each answers the fixed bytes given for it (404 for other paths)."""
    fixed = {path: str(spec.get("body", "")).encode() for path, spec in bodies.items()}
    events = {path: [str(e).encode() for e in spec["events"]] for path, spec in bodies.items() if "events" in spec}

    async def answer(request: Request) -> Response:
        sent, path = await request.body(), request.scope["raw_path"].decode("latin-1")
        if path in events and b'"stream":true' in sent.replace(b" ", b""):
            stream = events[path]

            async def each() -> AsyncIterator[bytes]:
                for event in stream:
                    yield event

            return StreamingResponse(each(), media_type="text/event-stream")
        if path not in fixed:
            return Response(b"", 404)
        return Response(fixed[path], media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", answer, methods=["POST"])])


if __name__ == "__main__":
    port, bodies_file = int(sys.argv[1]), sys.argv[2]
    with open(bodies_file, encoding="utf-8") as handle:
        app = bare_app(json.load(handle))
    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False,
                log_level="warning")  # fmt: skip
