"""``--seed N --freeze-time T``: two server runs answer the same requests with byte-identical responses."""

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

ROOT = "mockkit-seed-7"
MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1%3A0"
KEY = {"authorization": "Bearer sk-or-v1-FAKEdeterminism00000000", "content-type": "application/json"}
CHAT = {"model": "meta-llama/llama-4-maverick", "messages": [{"role": "user", "content": "Tell me about Llama"}]}
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "hello"}]}]}
# Everything that carries an id, a timestamp or a random choice: completion and generation ids, created,
# Together-style ids, AI/ML API error requestId/timestamp, Bedrock request ids, the generation record, the journal.
REQUESTS: list[tuple[str, str, dict[str, str], object]] = [
    ("POST", "/openrouter/api/v1/chat/completions", {}, CHAT),
    ("POST", "/openrouter/api/v1/chat/completions", {}, CHAT | {"stream": True}),
    ("POST", "/aimlapi/v1/chat/completions", {}, CHAT),
    ("POST", "/aimlapi/v1/chat/completions", {"x-mock-quirk": "aimlapi.envelope=2026"}, CHAT),
    ("POST", "/aimlapi/v1/chat/completions", {"x-mock-fault": "429"}, CHAT),
    ("POST", "/aimlapi/v1/chat/completions", {"x-mock-quirk": "aimlapi.errors=problem-2026"}, {"model": "nope"}),
    ("POST", f"/bedrock/model/{MAVERICK}/invoke", {}, {"prompt": "hello"}),
    ("POST", f"/bedrock/model/{MAVERICK}/converse-stream", {}, CONVERSE),
    ("POST", f"/bedrock/model/{MAVERICK}/converse", {"x-mock-fault": "ThrottlingException"}, CONVERSE),
    ("GET", "/__admin/requests", {}, None),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*flags: str, port: int = 0) -> Iterator[str]:
    port = port or _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/__admin/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _transcript(url: str) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    answers = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for method, path, headers, body in REQUESTS:
            content = json.dumps(body).encode() if body is not None else None
            response = client.request(method, path, headers=KEY | headers, content=content)
            answers.append((response.status_code, list(response.headers.multi_items()), response.content))
    with httpx.Client(base_url=url, timeout=10) as client:
        generation = json.loads(answers[0][2])["id"]
        response = client.get(f"/openrouter/api/v1/generation?id={generation}", headers=KEY)
        answers.append((response.status_code, list(response.headers.multi_items()), response.content))
    return answers


FLAGS = ("--seed", "7", "--freeze-time", "2026-06-01T12:00:00Z")


def test_seed_and_frozen_time_give_byte_identical_runs() -> None:
    runs, port = [], _free_port()  # one port: the journal echoes the Host header
    for _ in range(2):
        for url in _serve(*FLAGS, port=port):
            runs.append(_transcript(url))
    first, second = runs
    assert [status for status, _, _ in first] == [200, 200, 200, 200, 429, 400, 200, 200, 429, 200, 200]
    assert first == second
    assert b"gen-1780315200-" in first[0][2]  # the frozen instant, in OpenRouter's id
    assert json.loads(first[9][2])["requests"][0]["time"] == 1780315200.0


def test_another_seed_gives_other_ids() -> None:
    answers = []
    for seed in ("7", "8"):
        for url in _serve("--seed", seed, "--freeze-time", "1780315200"):
            answers.append(_transcript(url)[0][2])
    assert json.loads(answers[0])["id"] != json.loads(answers[1])["id"]


def test_a_bad_freeze_time_is_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--freeze-time", "soon"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "--freeze-time" in done.stderr

