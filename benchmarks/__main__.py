"""In-process adapters vs the same calls over loopback to uvicorn, with a bare starlette app as the baseline.

Run with ``python -m benchmarks`` (``make bench``). Each case makes warm-up calls, then times ``--calls``
calls one by one, spread over ``--rounds`` rounds in alternating order, and reports the median and mean per
call; the ratios compare medians.
"""

import argparse
import contextlib
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
import httpx2
from openai import OpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.core import MockCore
from mockserver.http import MockRequest
from mockserver.inprocess import mock_bedrock, mock_openrouter
from mockserver.inprocess.server import ServerThread

MAVERICK = "meta-llama/llama-4-maverick"
BEDROCK_MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
MESSAGES: Any = [{"role": "user", "content": "What is Llama 4?"}]
CONVERSE: Any = [{"role": "user", "content": [{"text": "What is Llama 4?"}]}]


def timed(call: Callable[[], object], calls: int, warmup: int) -> list[float]:
    """Seconds per call, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def bare_app(body: bytes) -> Starlette:
    """The baseline: a starlette app answering every POST with one fixed chat completion."""

    async def fixed(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", fixed, methods=["POST"])])


def openai_chat(client: OpenAI, stream: bool = False) -> Callable[[], object]:
    """One chat completion through the openai SDK (streams drained)."""
    if stream:
        return lambda: list(client.chat.completions.create(model=MAVERICK, messages=MESSAGES, stream=True))
    return lambda: client.chat.completions.create(model=MAVERICK, messages=MESSAGES)


def converse(client: Any, stream: bool = False) -> Callable[[], object]:
    """One Converse call through boto3 (streams drained)."""
    if stream:
        return lambda: list(client.converse_stream(modelId=BEDROCK_MAVERICK, messages=CONVERSE)["stream"])
    return lambda: client.converse(modelId=BEDROCK_MAVERICK, messages=CONVERSE)


def bedrock_client(endpoint_url: str | None = None) -> Any:
    return boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=endpoint_url,
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="bench")


def main() -> None:
    """Run every case and print the table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--calls", type=int, default=300, help="timed calls per case (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed calls per case (default 30)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds the calls are spread over (default 6)")
    args = parser.parse_args()
    started = time.perf_counter()

    core = MockCore()
    request_body = json.dumps({"model": MAVERICK, "messages": MESSAGES}).encode()
    headers = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json"}
    fixed = core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, request_body)).body
    server, bare = ServerThread(MockCore()), ServerThread(app=bare_app(fixed))
    results: dict[str, list[float]] = {}
    key = "sk-or-v1-bench"
    raw_body = {"model": MAVERICK, "messages": MESSAGES}
    plain = httpx2.Client()
    loopback = OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key=key, max_retries=0)
    mocked = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=key, max_retries=0)
    nothing = contextlib.nullcontext
    cases: list[tuple[str, Callable[[], object], Callable[[], contextlib.AbstractContextManager[Any]]]] = [
        ("core.handle, no client (floor)", lambda: core.handle(
            MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, request_body)), nothing),
        ("httpx2 -> mock server, loopback", lambda: plain.post(
            f"{server.url}/openrouter/api/v1/chat/completions", json=raw_body, headers=headers), nothing),
        ("httpx2 -> mock_openrouter, in-process", lambda: plain.post(
            "https://openrouter.ai/api/v1/chat/completions", json=raw_body, headers=headers), mock_openrouter),
        ("openai -> bare starlette, loopback (baseline)",
         openai_chat(OpenAI(base_url=f"{bare.url}/api/v1", api_key=key, max_retries=0)), nothing),
        ("openai -> mock server, loopback", openai_chat(loopback), nothing),
        ("openai -> mock_openrouter, in-process (httpx2)", openai_chat(mocked), mock_openrouter),
        ("openai stream -> mock server, loopback", openai_chat(loopback, True), nothing),
        ("openai stream -> mock_openrouter, in-process", openai_chat(mocked, True), mock_openrouter),
        ("boto3 converse -> mock server, loopback", converse(bedrock_client(f"{server.url}/bedrock")), nothing),
        ("boto3 converse -> mock_bedrock, in-process", converse(bedrock_client()), mock_bedrock),
        ("boto3 converse_stream -> mock server, loopback", converse(bedrock_client(f"{server.url}/bedrock"), True),
         nothing),
        ("boto3 converse_stream -> mock_bedrock, in-process", converse(bedrock_client(), True), mock_bedrock),
    ]  # fmt: skip
    rounds = max(1, args.rounds)
    try:
        # The calls of a case are spread over rounds, cases in alternating order (A B C, C B A, ...), so a
        # moment when the machine is busy falls on every case alike, not on one block of calls.
        for number in range(rounds):
            for name, call, context in cases if number % 2 == 0 else cases[::-1]:
                calls = args.calls // rounds + (number < args.calls % rounds)
                with context():
                    samples = timed(call, calls, args.warmup if number == 0 else min(args.warmup, 5))
                results.setdefault(name, []).extend(samples)
    finally:
        plain.close()
        server.stop()
        bare.stop()
    results = {name: results[name] for name, _, _ in cases}  # in the table's order

    median = {name: statistics.median(samples) for name, samples in results.items()}
    print(f"{args.calls} timed calls per case in {rounds} alternating rounds, after {args.warmup} warm-up calls "
          f"(and up to 5 at the start of each later round); times per call in ms\n")
    print(f"{'case':<52} {'median':>8} {'mean':>8}")
    for name, samples in results.items():
        print(f"{name:<52} {median[name] * 1e3:8.3f} {statistics.fmean(samples) * 1e3:8.3f}")
    print("\nratios of medians (how many times faster the first is)")
    pairs = [
        ("openai, in-process vs loopback", "openai -> mock_openrouter, in-process (httpx2)",
         "openai -> mock server, loopback"),
        ("openai stream, in-process vs loopback", "openai stream -> mock_openrouter, in-process",
         "openai stream -> mock server, loopback"),
        ("boto3 converse, in-process vs loopback", "boto3 converse -> mock_bedrock, in-process",
         "boto3 converse -> mock server, loopback"),
        ("boto3 converse_stream, in-process vs loopback", "boto3 converse_stream -> mock_bedrock, in-process",
         "boto3 converse_stream -> mock server, loopback"),
        ("bare starlette baseline vs mock server (loopback)", "openai -> bare starlette, loopback (baseline)",
         "openai -> mock server, loopback"),
    ]
    for label, fast, slow in pairs:
        print(f"{label:<52} {median[slow] / median[fast]:7.2f}x")
    floor = median["core.handle, no client (floor)"]
    over_loopback = median["httpx2 -> mock server, loopback"] - floor
    over_in_process = median["httpx2 -> mock_openrouter, in-process"] - floor
    print(f"{'httpx2, in-process vs loopback':<52} "
          f"{median['httpx2 -> mock server, loopback'] / median['httpx2 -> mock_openrouter, in-process']:7.2f}x")
    print(f"{'transport cost above core.handle (httpx2)':<52} {over_loopback / over_in_process:7.2f}x"
          f"  ({over_loopback * 1e3:.3f} ms loopback vs {over_in_process * 1e3:.3f} ms in-process)")
    print(f"\ntotal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
