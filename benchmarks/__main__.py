"""In-process adapters vs the same calls over loopback to uvicorn, with a bare starlette app as the baseline.

Run with ``python -m benchmarks`` (``make bench``). Each case makes warm-up calls, then times ``--calls``
calls one by one and reports the median and mean per call; the ratios compare medians.
"""

import argparse
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
    args = parser.parse_args()
    started = time.perf_counter()

    core = MockCore()
    request_body = json.dumps({"model": MAVERICK, "messages": MESSAGES}).encode()
    headers = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json"}
    fixed = core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, request_body)).body
    server, bare = ServerThread(MockCore()), ServerThread(app=bare_app(fixed))
    results: dict[str, list[float]] = {}

    def case(name: str, call: Callable[[], object]) -> None:
        results[name] = timed(call, args.calls, args.warmup)

    try:
        key = "sk-or-v1-bench"
        case("core.handle, no client (floor)", lambda: core.handle(
            MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, request_body)))
        raw_body = {"model": MAVERICK, "messages": MESSAGES}
        with httpx2.Client() as plain:
            case("httpx2 -> mock server, loopback", lambda: plain.post(
                f"{server.url}/openrouter/api/v1/chat/completions", json=raw_body, headers=headers))
            with mock_openrouter():
                case("httpx2 -> mock_openrouter, in-process", lambda: plain.post(
                    "https://openrouter.ai/api/v1/chat/completions", json=raw_body, headers=headers))
        case("openai -> bare starlette, loopback (baseline)",
             openai_chat(OpenAI(base_url=f"{bare.url}/api/v1", api_key=key, max_retries=0)))
        case("openai -> mock server, loopback",
             openai_chat(OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key=key, max_retries=0)))
        with mock_openrouter():
            case("openai -> mock_openrouter, in-process (httpx2)",
                 openai_chat(OpenAI(base_url="https://openrouter.ai/api/v1", api_key=key, max_retries=0)))
        case("openai stream -> mock server, loopback",
             openai_chat(OpenAI(base_url=f"{server.url}/openrouter/api/v1", api_key=key, max_retries=0), True))
        with mock_openrouter():
            case("openai stream -> mock_openrouter, in-process",
                 openai_chat(OpenAI(base_url="https://openrouter.ai/api/v1", api_key=key, max_retries=0), True))
        case("boto3 converse -> mock server, loopback", converse(bedrock_client(f"{server.url}/bedrock")))
        with mock_bedrock():
            case("boto3 converse -> mock_bedrock, in-process", converse(bedrock_client()))
        case("boto3 converse_stream -> mock server, loopback", converse(bedrock_client(f"{server.url}/bedrock"), True))
        with mock_bedrock():
            case("boto3 converse_stream -> mock_bedrock, in-process", converse(bedrock_client(), True))
    finally:
        server.stop()
        bare.stop()

    median = {name: statistics.median(samples) for name, samples in results.items()}
    print(f"{args.calls} timed calls per case after {args.warmup} warm-up calls; times per call in ms\n")
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
