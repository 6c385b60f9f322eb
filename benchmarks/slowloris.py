"""Slowloris against ``mockserver serve``: are the slow connections closed, and are other clients served meanwhile?

Run with ``python -m benchmarks.slowloris`` (defaults: 1,000 connections, the server under a 1,024 open-file
limit as on most machines, 20 s). Each slow connection sends a partial request and then one more header line
every ``--interval`` seconds (never idle, never done); ``--reconnect`` opens a new one whenever one is closed,
to keep up the pressure. Meanwhile a well-behaved client makes a request on a new connection every 50 ms.
``--baseline`` serves the same app with plain ``uvicorn.run`` (no header deadline, no connection cap).
"""

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from typing import Any

import httpx

from mockserver.inprocess.server import free_port

BASELINE = ("import uvicorn; from mockserver.app import create_app; "
            "uvicorn.run(create_app(), port={port}, log_level='error')")
CHAT = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]}


def start(port: int, files: int, baseline: bool, flags: list[str], log: Any) -> subprocess.Popen[bytes]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    command = ([sys.executable, "-c", BASELINE.format(port=port)] if baseline else
               [sys.executable, "-m", "mockserver", "serve", "--port", str(port), *flags])  # fmt: skip
    process = subprocess.Popen(command, preexec_fn=limit, stderr=log)
    for _ in range(400):
        try:
            httpx.get(f"http://127.0.0.1:{port}/__admin/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


async def slow(port: int, interval: float, until: float, closes: list[float], answers: Counter[str]) -> bool:
    """One slow connection; True when the server closed it before ``until``."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        answers["connect failed"] += 1
        return False
    opened = time.monotonic()
    writer.write(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    read = asyncio.ensure_future(reader.read(256))
    number = 0
    try:
        while time.monotonic() < until:
            done, _ = await asyncio.wait({read}, timeout=interval)
            if done:
                data = read.result() if not read.exception() else b""
                closes.append(time.monotonic() - opened)
                answers[data.split(b"\r\n", 1)[0].decode() or "closed, no answer"] += 1
                return True
            writer.write(f"X-Slow-{number}: 1\r\n".encode())
            number += 1
        return False
    except OSError:
        closes.append(time.monotonic() - opened)
        answers["reset"] += 1
        return True
    finally:
        read.cancel()
        writer.close()


async def attacker(port: int, interval: float, until: float, reconnect: bool, closes: list[float],
                   answers: Counter[str]) -> None:  # fmt: skip
    while await slow(port, interval, until, closes, answers) and reconnect and time.monotonic() < until:
        pass


async def client(port: int, started: float, until: float, outcomes: dict[str, Counter[str]],
                 latencies: list[float]) -> None:  # fmt: skip
    limits = httpx.Limits(max_keepalive_connections=0)  # a new connection each time, as a newcomer would
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=5) as http:
        while time.monotonic() < until:
            phase = f"{int((time.monotonic() - started) // 5) * 5:>2}-{int((time.monotonic() - started) // 5) * 5 + 5}s"
            sent = time.monotonic()
            try:
                answer = await http.post("/openrouter/api/v1/chat/completions", json=CHAT,
                                         headers={"authorization": "Bearer k"})  # fmt: skip
                outcomes[phase][str(answer.status_code)] += 1
                if answer.status_code == 200:
                    latencies.append(time.monotonic() - sent)
            except httpx.HTTPError as exc:
                outcomes[phase][type(exc).__name__] += 1
            await asyncio.sleep(0.05)


async def attack(args: argparse.Namespace, port: int) -> dict[str, Any]:
    started = time.monotonic()
    until = started + args.duration
    closes: list[float] = []
    answers: Counter[str] = Counter()
    outcomes: dict[str, Counter[str]] = {}
    latencies: list[float] = []
    for phase in range(0, int(args.duration) + 5, 5):
        outcomes[f"{phase:>2}-{phase + 5}s"] = Counter()
    slow_ones = []
    for _ in range(args.connections):  # open them quickly, as an attacker would
        slow_ones.append(asyncio.ensure_future(attacker(port, args.interval, until, args.reconnect, closes, answers)))
        await asyncio.sleep(0.001)
    await asyncio.gather(client(port, started, until, outcomes, latencies), *slow_ones)
    return {"closes": closes, "answers": answers, "outcomes": {k: v for k, v in outcomes.items() if v},
            "latencies": latencies}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a slow client's header lines")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--files", type=int, default=1024, help="the server's open-file limit (soft and hard)")
    parser.add_argument("--reconnect", action="store_true", help="reopen each slow connection the server closes")
    parser.add_argument("--baseline", action="store_true", help="plain uvicorn.run, as before the limits")
    parser.add_argument("flags", nargs="*", help="extra `mockserver serve` flags (after --)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.connections + 256)), hard))
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        process = start(port, args.files, args.baseline, args.flags, log)
        try:
            result = asyncio.run(attack(args, port))
        finally:
            process.terminate()
            process.wait(10)
        log.seek(0)
        lines = log.read().splitlines()
    closes, answers = sorted(result["closes"]), result["answers"]
    print(f"server: {'plain uvicorn.run' if args.baseline else 'mockserver serve ' + ' '.join(args.flags)}"
          f" under a {args.files}-file limit; {args.connections} slow connections"
          f"{' (reconnecting)' if args.reconnect else ''}, {args.duration:g} s")  # fmt: skip
    if closes:
        print(f"slow connections closed by the server: {len(closes)}; seconds to close: median "
              f"{statistics.median(closes):.2f}, p95 {closes[int(0.95 * (len(closes) - 1))]:.2f}, max {closes[-1]:.2f}")
    else:
        print("slow connections closed by the server: 0")
    print(f"what they got: {dict(answers.most_common())}")
    print("well-behaved client, one new connection every 50 ms, by time since the attack began:")
    for phase, outcome in result["outcomes"].items():
        total = sum(outcome.values())
        print(f"  {phase}: {outcome.get('200', 0)}/{total} served  {dict(outcome.most_common())}")
    latencies = sorted(result["latencies"])
    if latencies:
        print(f"  served latency: median {1000 * statistics.median(latencies):.1f} ms, "
              f"p95 {1000 * latencies[int(0.95 * (len(latencies) - 1))]:.1f} ms")
    tracebacks = sum(line.startswith("Traceback") for line in lines)
    print(f"server log: {len(lines)} lines, {tracebacks} tracebacks; first: {lines[:3]}")


if __name__ == "__main__":
    main()
