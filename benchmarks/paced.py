"""Paced streams under load: ``python -m benchmarks.paced [--streams 500] [--pace 1] [--cold]``.

Starts ``mockserver serve --pace P`` (pinned to CPU 0; this client on CPU 1), opens ``--streams`` HTTP/1.1
connections, then starts an OpenRouter chat stream on every one at once and times each as the client sees it:
time to first byte of the body from sending the request (the catalogue's ``latency_s`` times P) and output tokens
per second from the first piece to the last (``throughput_tps`` / P; tokens from the stream's usage). Prints the
configured figures, the median, worst and 5th/95th percentiles of each stream's ratio to them, how many streams
held both within 5 %, and the server's CPU time over the run.

Each piece is timed by its arrival at the client's socket (the kernel's receive time, ``Connection``): one
process reading 500 sockets reads the last of a burst milliseconds after it came. The figures by the client's
read times are printed too, and its worst loop lag (a 1 ms ticker), for how far apart the two can be.

The connections are opened and each used once (``GET .../models/count``) before the streams start, as a client's
pool would be: TTFB is counted from the request, so it must not include the listener still accepting the others
(uvloop's libuv accepts one connection per loop turn). ``--cold`` connects and sends at once, to see that storm.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import time

from mockserver.core import MockCore
from mockserver.inprocess.server import free_port

MODEL = "meta-llama/llama-4-maverick"
_TOKENS = re.compile(rb'"completion_tokens":(\d+)')


_WARM = b"GET /openrouter/api/v1/models/count HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
_SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux: each read's kernel arrival time (TCP too)
_SPACE = socket.CMSG_SPACE(16) if hasattr(socket, "CMSG_SPACE") else 0


class Connection:
    """A client socket whose reads carry the kernel's arrival time (``SO_TIMESTAMPNS``, CLOCK_REALTIME).

    The client reads 500 sockets on one core: when pieces of many streams arrive at once, the last is read
    milliseconds after it arrived. The kernel's time of the read's data is when it reached this socket, the
    client's view without its own lag; where there is none (not Linux), the time of the read.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer = sock, b""
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)

    @classmethod
    async def open(cls, port: int) -> "Connection":
        sock = socket.socket()
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        return cls(sock)

    async def recv(self) -> tuple[bytes, float, float]:
        """The next bytes (b"" at the end), when they arrived and when they were read (``time.time()`` seconds)."""
        if self.buffer:
            data, self.buffer = self.buffer, b""
            now = time.time()
            return data, now, now
        loop = asyncio.get_running_loop()
        while True:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(65536, _SPACE)
            except BlockingIOError:
                ready = loop.create_future()
                loop.add_reader(self.sock.fileno(), ready.set_result, None)
                try:
                    await ready
                finally:
                    loop.remove_reader(self.sock.fileno())
                continue
            now = time.time()
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(value) >= 16:
                    seconds, nanoseconds = struct.unpack("qq", value[:16])
                    return data, seconds + nanoseconds / 1e9, now
            return data, now, now

    async def head(self) -> bytes:
        """The status line and headers; what came with them stays for the next ``recv``."""
        seen = b""
        while b"\r\n\r\n" not in seen:
            data, _, _ = await self.recv()
            if not data:
                raise ConnectionError("closed before the response head")
            seen += data
        head, _, self.buffer = seen.partition(b"\r\n\r\n")
        return head

    async def send(self, data: bytes) -> None:
        await asyncio.get_running_loop().sock_sendall(self.sock, data)


async def connect(port: int, warm: bool) -> Connection:
    """A connection to the server; ``warm``: used for one small request first, so the server has accepted it."""
    connection = await Connection.open(port)
    if warm:
        await connection.send(_WARM)
        size = re.search(rb"(?i)\r\ncontent-length: *(\d+)", await connection.head())
        need = int(size.group(1)) if size else 0
        while len(connection.buffer) < need:
            data, _, _ = await connection.recv()
            connection.buffer += data
        connection.buffer = connection.buffer[need:]
    return connection


Figures = tuple[float, float, int]
"""One stream's seconds to the first body piece, seconds from its first to its last piece, completion tokens."""


async def one(port: int, body: bytes, start: "Start") -> tuple[Figures, Figures]:
    """One stream's figures by the kernel's arrival times, and by the times the client read the pieces."""
    if start.warm:
        connection = await connect(port, warm=True)
        await start.ready()
    else:
        await start.ready()
        connection = await connect(port, warm=False)
    head = (f"POST /openrouter/api/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json"
            f"\r\nauthorization: Bearer sk-or-v1-paced\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n")
    sent = time.time()
    await connection.send(head.encode() + body)
    await connection.head()  # the status line and headers go out before the first piece
    first = last = read_first = read_last = 0.0
    seen = b""
    while True:
        piece, arrived, read = await connection.recv()
        if not piece:
            break
        first, read_first = first or arrived, read_first or read
        if b"data: " in piece:
            last, read_last = arrived, read
        seen += piece
    connection.sock.close()
    found = _TOKENS.findall(seen)
    tokens = int(found[-1]) if found else 0
    return (first - sent, last - first, tokens), (read_first - sent, read_last - read_first, tokens)


class Start:
    """The streams' starting gun: fired once every stream's connection is ready (warm) or at once (cold)."""

    def __init__(self, streams: int, warm: bool) -> None:
        self.warm, self.waiting, self.streams, self.go = warm, 0, streams, asyncio.Event()

    async def ready(self) -> None:
        self.waiting += 1
        if self.waiting == self.streams or not self.warm:
            self.go.set()
        await self.go.wait()


async def run(port: int, streams: int, body: bytes, warm: bool = True) -> tuple[list[tuple[Figures, Figures]], float]:
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
    arrived = [kernel for kernel, _ in results]
    ttft = sorted(t / latency for t, _, _ in arrived)
    rate = sorted((n / span) / tps for _, span, n in arrived if span > 0 and n > 0)

    def held(figures: list[Figures]) -> int:
        return sum(abs(t / latency - 1) <= 0.05 and span > 0 and abs(n / span / tps - 1) <= 0.05
                   for t, span, n in figures)  # fmt: skip

    def line(name: str, values: list[float]) -> str:
        pct = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
        return (f"{name:<28} median {statistics.median(values):.3f}  p5 {pct(0.05):.3f}  p95 {pct(0.95):.3f}  "
                f"worst {max(values, key=lambda v: abs(v - 1)):.3f}")  # fmt: skip

    print(f"{args.streams} concurrent streams, --pace {args.pace:g}: configured time to first byte {latency:.3f} s, "
          f"{tps:.2f} tokens/s ({len(rate)} streams with a measurable rate)")  # fmt: skip
    print(line("time to first byte / conf.", ttft))
    print(line("tokens per s / conf.", rate))
    print(f"streams within 5 % on both: {held(arrived)} of {args.streams}")
    read = [user for _, user in results]
    print(f"by the client's read times instead (its own lag in): time to first byte median "
          f"{statistics.median(t / latency for t, _, _ in read):.3f}, tokens per s median "
          f"{statistics.median(n / span / tps for _, span, n in read if span > 0 and n > 0):.3f}, "
          f"within 5 % on both: {held(read)}")  # fmt: skip
    print(f"client's own loop lag, worst: {lag * 1000:.1f} ms ({'cold' if args.cold else 'warm'} connections); "
          f"server CPU {cpu * 1000:.0f} ms ({cpu / args.streams * 1e6:.0f} µs a stream)")  # fmt: skip


if __name__ == "__main__":
    main()
