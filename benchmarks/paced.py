"""Paced streams under load: ``python -m benchmarks.paced [--streams 500] [--pace 1]``.

Starts ``mockserver serve --pace P`` (pinned to CPU 0; this client on CPU 1), opens ``--streams`` OpenRouter
chat streams at once over raw HTTP/1.1 sockets and times each: time to first byte of the body (the catalogue's
``latency_s`` times P) and output tokens per second from the first piece to the last (``throughput_tps`` / P;
tokens from the stream's usage). Prints the configured figures, the median, worst and 5th/95th percentiles of
each stream's ratio to them, and how many streams held both within 5 %.
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


async def one(port: int, body: bytes) -> tuple[float, float, int]:
    """(seconds to the first body piece, seconds from first to last piece, completion tokens) of one stream."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (f"POST /openrouter/api/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json"
            f"\r\nauthorization: Bearer sk-or-v1-paced\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n")
    sent = time.perf_counter()
    writer.write(head.encode() + body)
    await writer.drain()
    data = await reader.readuntil(b"\r\n\r\n")  # the status line and headers go out before the first piece
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


async def run(port: int, streams: int, body: bytes) -> list[tuple[float, float, int]]:
    return await asyncio.gather(*(one(port, body) for _ in range(streams)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paced", description=__doc__)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--pace", type=float, default=1.0)
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
        results = asyncio.run(run(port, args.streams, body.encode()))
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


if __name__ == "__main__":
    main()
