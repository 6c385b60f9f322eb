"""Instructions per request, counted by valgrind (load-proof): ``python -m benchmarks.instructions [PATH...]``.

PATH is ``chat``, ``converse`` or ``stream`` (default: all three), or ``bare-chat`` / ``bare-converse`` for the
bare starlette app of ``benchmarks.compare`` (sending this mock's own answers). Each is run through the ASGI app
in one event loop, no sockets, under ``valgrind --tool=callgrind`` twice (``--few`` and ``--many`` requests,
``PYTHONHASHSEED=0``); the difference over the difference in requests cancels start-up and import costs. The
counts repeat for the same code and inputs whatever else the machine is doing; timings do not.

``wire-`` before a path (``wire-chat``, ``wire-bare-chat``, ...) feeds the request's bytes to the HTTP/1.1
protocol the server runs (the mock's listener protocol, or uvicorn's own for the bare app) over a transport that
keeps what is written, on uvloop: uvicorn's parsing, the listener's deadlines and the response's bytes, without
the kernel.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.compare import BR_MODEL, CHAT, CONVERSE, bare_bodies, signed

_COLLECTED = re.compile(r"Collected : (\d+)")


def _app_and_scope(path: str, work: Path) -> tuple[Any, dict[str, Any], bytes]:
    if path.startswith("bare-"):
        from benchmarks.bare import bare_app

        bare_bodies(work / "bodies.json")
        app: Any = bare_app(json.loads((work / "bodies.json").read_text()))
        path = path[len("bare-"):]
    else:
        from mockserver.app import MockApp
        from mockserver.core import MockCore

        app = MockApp(MockCore())
    headers = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json", "host": "127.0.0.1"}
    url = "/openrouter/api/v1/chat/completions"
    body = json.dumps({**CHAT, "stream": True} if path == "stream" else CHAT).encode()
    if path == "converse":
        body, url = json.dumps(CONVERSE).encode(), f"/bedrock/model/{BR_MODEL}/converse"
        headers = {k.lower(): v for k, v in signed(8080, "/bedrock", body).items()}
        headers |= {"content-type": "application/json", "host": "127.0.0.1:8080"}
    scope = {"type": "http", "method": "POST", "path": url, "raw_path": url.encode(), "query_string": b"",
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}  # fmt: skip
    return app, scope, body


class _Transport(asyncio.Transport):
    """A connection's transport that keeps nothing: the written bytes are only counted."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def write(self, data: Any) -> None:
        self.written += len(data)

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _wire(app: Any, scope: dict[str, Any], body: bytes, requests: int, bare: bool) -> None:
    """``requests`` requests as bytes through the server's HTTP/1.1 protocol on one keep-alive connection."""
    import uvicorn
    from uvicorn.server import ServerState

    from mockserver.config import ServerLimits
    from mockserver.inprocess.server import listener_app, protocol_for

    served, http = (app, "httptools") if bare else (listener_app(app), protocol_for(ServerLimits()))
    config = uvicorn.Config(served, http=http, ws="none", proxy_headers=False, access_log=False, log_level="error",
                            lifespan="off")  # fmt: skip
    config.load()
    protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]
    protocol.connection_made(_Transport())
    head = "".join(f"{k.decode()}: {v.decode()}\r\n" for k, v in scope["headers"])
    raw = f"POST {scope['path']} HTTP/1.1\r\n{head}content-length: {len(body)}\r\n\r\n".encode() + body
    for _ in range(requests):
        protocol.data_received(raw)
        while not protocol.cycle.response_complete:
            await asyncio.sleep(0)


def _serve(path: str, requests: int) -> None:
    """The measured child: ``requests`` requests through the app (run under valgrind)."""
    with tempfile.TemporaryDirectory() as folder:
        wire = path.startswith("wire-")
        app, scope, body = _app_and_scope(path.removeprefix("wire-"), Path(folder))
        if wire:
            import uvloop  # the loop uvicorn serves on (loop="auto")

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            asyncio.run(_wire(app, scope, body, requests, path.startswith("wire-bare-")))
            return

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            pass

        async def run() -> None:
            for _ in range(requests):
                await app(scope, receive, send)

        asyncio.run(run())


def _count(path: str, requests: int) -> int:
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m",
            "benchmarks.instructions", "--child", path, str(requests)]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed for {path}: {done.stderr[-400:]}")
    return int(found.group(1))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        _serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions", description=__doc__)
    parser.add_argument("paths", nargs="*", default=["chat", "converse", "stream"])
    parser.add_argument("--few", type=int, default=100)
    parser.add_argument("--many", type=int, default=400)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind")
    for path in args.paths:
        few, many = _count(path, args.few), _count(path, args.many)
        print(f"{path:<16} {(many - few) // (args.many - args.few):>10,} instructions per request")


if __name__ == "__main__":
    main()
