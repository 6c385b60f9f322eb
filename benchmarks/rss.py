"""Resident memory of a core after many requests: ``python -m benchmarks.rss [--requests N]`` (default 1M).

Each request goes through ``MockCore.handle`` in this process (the journal, fixtures and ids as served): a
chat completion, a Converse call and a chat stream in turn, each body read to its end. Prints RSS (``VmRSS``)
before, every tenth of the way, and after, with the journal's entry count and byte total.
"""

import argparse
import json
import time
from pathlib import Path

from mockserver.core import MockCore
from mockserver.http import MockRequest

CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Say hello."}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Say hello."}]}]}
BEDROCK = "/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse"
OPENROUTER = "/openrouter/api/v1/chat/completions"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rss", description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    args = parser.parse_args()
    core = MockCore()
    key = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json"}
    # Bedrock with a bearer API key (its second auth scheme): no per-request signing in the loop.
    bedrock = {"authorization": "Bearer ABSKQmVkcm9ja0FQSUtleS1mYWtl", "content-type": "application/json"}
    requests = [
        MockRequest.build("POST", OPENROUTER, key, json.dumps(CHAT).encode()),
        MockRequest.build("POST", BEDROCK, bedrock, json.dumps(CONVERSE).encode()),
        MockRequest.build("POST", OPENROUTER, key, json.dumps({**CHAT, "stream": True}).encode()),
    ]
    statuses = {core.handle(r).status for r in requests}
    print(f"statuses {sorted(statuses)}; RSS before: {rss_mb():.1f} MB")
    started, step = time.perf_counter(), max(args.requests // 10, 1)
    for n in range(1, args.requests + 1):
        b"".join(core.handle(requests[n % 3]).iter_bytes())
        if n % step == 0:
            print(f"{n:>9,} requests  RSS {rss_mb():6.1f} MB  journal {len(core.journal.entries())} entries, "
                  f"{core.journal.bytes:,} bytes  ({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
    print(f"RSS after {args.requests:,} requests: {rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
