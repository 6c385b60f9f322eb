"""Paced streams under load: ``python -m benchmarks.paced [--streams 500] [--pace 1] [--cold]``.

Starts ``mockserver serve --pace P`` (pinned to CPU 0; this client on CPU 1), opens ``--streams`` HTTP/1.1
connections, then starts an OpenRouter chat stream on every one at once and times each as the client sees it:
time to first byte of the body from sending the request (the catalogue's ``latency_s`` times P) and output tokens
per second from the first piece to the last (``throughput_tps`` / P; tokens from the stream's usage). Prints the
configured figures, the median, worst and 5th/95th percentiles of each stream's ratio to them, how many
streams held both within 5 %, and the server's CPU time over the run.

The connections are opened and each used once (``GET .../models/count``) before the streams start, as a client's
pool would be: TTFB is counted from the request, so it must not include the listener still accepting the others
(uvloop's libuv accepts one connection per loop turn). ``--cold`` connects and sends at once, as before, to see
that storm too. The client checks itself: how late its own loop ran (a 1 ms ticker) while the streams were read,
an upper bound on how late it saw any piece.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time

from mockserver.core import MockCore
from mockserver.inprocess.server import free_port

MODEL = "meta-llama/llama-4-maverick"
_TOKENS = re.compile(rb'"completion_tokens":(\d+)')


_WARM = b"GET /openrouter/api/v1/models/count HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"


async def connect(port: int, warm: bool) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to the server; ``warm``: used for one small request first, so the server has accepted it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if warm:
        writer.write(_WARM)
        head = await reader.readuntil(b"\r\n\r\n")
        size = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        await reader.readexactly(int(size.group(1)) if size else 0)
    return reader, writer


async def one(port: int, body: bytes, start: "Start") -> tuple[float, float, int]:
    """(seconds to the first body piece, seconds from first to last piece, completion tokens) of one stream."""
    if start.warm:
        reader, writer = await connect(port, warm=True)
        await start.ready()
    else:
        await start.ready()
        reader, writer = await connect(port, warm=False)
    head = (f"POST /openrouter/api/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json"
            f"\r\nauthorization: Bearer sk-or-v1-paced\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n")
    sent = time.perf_counter()
    writer.write(head.encode() + body)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")  # the status line and headers go out before the first piece
    first = last = 0.0
    seen = b""
    while True:
        piece = await reader.read(65536)
        if not piece:
            break
        now = time.perf_counter()
        first = first or now
        if b"data: " in piece:
            last = now
        seen += piece
    writer.close()
    found = _TOKENS.findall(seen)
    return first - sent, last - first, int(found[-1]) if found else 0


class Start:
    """The streams' starting gun: fired once every stream's connection is ready (warm) or at once (cold)."""

    def __init__(self, streams: int, warm: bool) -> None:
        self.warm, self.waiting, self.streams, self.go = warm, 0, streams, asyncio.Event()

    async def ready(self) -> None:
        self.waiting += 1
        if self.waiting == self.streams or not self.warm:
            self.go.set()
        await self.go.wait()


async def run(port: int, streams: int, body: bytes, warm: bool = True) -> tuple[list[tuple[float, float, int]], float]:
    """Every stream's figures, and the client's worst loop lag (seconds) from the start to the last stream's end."""
    start = Start(streams, warm)
    tasks = [asyncio.ensure_future(one(port, body, start)) for _ in range(streams)]
    while not start.go.is_set():
        await asyncio.wait([*tasks, asyncio.ensure_future(start.go.wait())], return_when=asyncio.FIRST_COMPLETED)
        if any(t.done() for t in tasks):
            break  # a connection failed before the start: its error is raised below
    lag = 0.0
    while not all(t.done() for t in tasks):
        tick = time.perf_counter()
        await asyncio.sleep(0.001)
        lag = max(lag, time.perf_counter() - tick - 0.001)
    return [t.result() for t in tasks], lag


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds process ``pid`` has used (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paced", description=__doc__)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--pace", type=float, default=1.0)
    parser.add_argument("--cold", action="store_true", help="connect and send at once (no warm connections)")
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    speed = MockCore().states["openrouter"].catalogue.get(MODEL).speed
    latency, tps = speed.latency_s * args.pace, speed.throughput_tps / args.pace
    port = free_port()
    server = subprocess.Popen(["taskset", "-c", "0", sys.executable, "-m", "mockserver", "serve", "--host",
                               "127.0.0.1", "--port", str(port), "--pace", str(args.pace)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    body = json.dumps({"model": MODEL, "stream": True, "messages": [{"role": "user", "content": "Say hello."}]})
    try:
        for _ in range(300):
            try:
                asyncio.run(run(port, 1, body.encode()))
                break
            except OSError:
                time.sleep(0.05)
        cpu = cpu_seconds(server.pid)
        results, lag = asyncio.run(run(port, args.streams, body.encode(), warm=not args.cold))
        cpu = cpu_seconds(server.pid) - cpu
    finally:
        server.terminate()
        server.wait(10)
    ttft = sorted(t / latency for t, _, _ in results)
    rate = sorted((n / span) / tps for _, span, n in results if span > 0 and n > 0)
    held = sum(abs(t / latency - 1) <= 0.05 and span > 0 and abs(n / span / tps - 1) <= 0.05 for t, span, n in results)

    def line(name: str, values: list[float]) -> str:
        pct = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
        return (f"{name:<28} median {statistics.median(values):.3f}  p5 {pct(0.05):.3f}  p95 {pct(0.95):.3f}  "
                f"worst {max(values, key=lambda v: abs(v - 1)):.3f}")  # fmt: skip

    print(f"{args.streams} concurrent streams, --pace {args.pace:g}: configured time to first byte {latency:.3f} s, "
          f"{tps:.2f} tokens/s ({len(rate)} streams with a measurable rate)")  # fmt: skip
    print(line("time to first byte / conf.", ttft))
    print(line("tokens per s / conf.", rate))
    print(f"streams within 5 % on both: {held} of {args.streams}")
    print(f"client's own loop lag, worst: {lag * 1000:.1f} ms ({'cold' if args.cold else 'warm'} connections); "
          f"server CPU {cpu * 1000:.0f} ms ({cpu / args.streams * 1e6:.0f} µs a stream)")  # fmt: skip


if __name__ == "__main__":
    main()
