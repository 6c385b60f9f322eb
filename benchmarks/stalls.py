"""Single requests that used to stall the event loop (issue #9): seconds and peak memory of each, in process.

Run with ``python -m benchmarks.stalls`` (``--repeat N``). Each case is one request through ``MockCore.handle``;
it prints the status, the median seconds and the peak traced memory of the request.
"""

import argparse
import json
import statistics
import time
import tracemalloc
from typing import Any

from mockserver.core import MockCore
from mockserver.http import MockRequest

SCOUT = "meta-llama/llama-4-scout"
HEADERS = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json"}
CHAT = "/openrouter/api/v1/chat/completions"
CONVERSE = "/bedrock/model/us.meta.llama4-scout-17b-instruct-v1%3A0/converse"


def _tool(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "f", "parameters": schema}}


def cases() -> dict[str, tuple[str, bytes]]:
    """Name -> (path, body) of each stall case."""
    hello = [{"role": "user", "content": "Plan my week"}]  # no bundled fixture matches: the reply is generated
    array = {"type": "object", "properties": {"a": {"type": "array", "minItems": 1_000_000}}}
    deep_refs = {"type": "object", "properties": {k: {"$ref": "#"} for k in "abcd"}}
    return {
        "minItems 1000000 tool schema": (CHAT, {"model": SCOUT, "messages": hello, "tools": [_tool(array)]}),
        "minLength 10**8 response schema": (CHAT, {"model": SCOUT, "messages": hello, "response_format": {
            "type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "minLength": 10**8}}}}),
        "$ref to the root from 4 properties": (CHAT, {"model": SCOUT, "messages": hello, "tools": [_tool(deep_refs)]}),
        "120 KB invalid content list": (CHAT, {"model": SCOUT, "messages": [{"role": "user", "content": [1] * 40000}]}),
        "Bedrock 2,000 invalid blocks": (CONVERSE, {"messages": [{"role": "user", "content": [{"text": 1}] * 2_000}]}),
    }  # fmt: skip


def measure(core: MockCore, path: str, body: bytes, repeat: int) -> tuple[int, float, float]:
    """Status, median seconds, and peak traced MB of one request (memory measured on a separate run)."""
    request = MockRequest.build("POST", path, HEADERS, body)
    seconds = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        status = core.handle(request).status
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    core.handle(request)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return status, statistics.median(seconds), peak


def main() -> None:
    """Print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    core = MockCore()
    for name, (path, document) in cases().items():
        body = json.dumps(document).encode()
        status, seconds, peak = measure(core, path, body, args.repeat)
        print(f"{name:<36} {len(body) / 1000:>7.1f} KB  -> {status}  {seconds:8.3f} s  peak {peak:8.1f} MB")


if __name__ == "__main__":
    main()
