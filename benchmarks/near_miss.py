"""Strict-mode near-miss ranking: how long the mock's 404 takes for a huge prompt and many fixtures.

Run with ``python -m benchmarks.near_miss`` (``--prompt-bytes``, ``--fixtures``). Each case builds a store of
fixtures with text matchers (exact and ``contains``) and asks for a reply in strict mode with a prompt no
fixture matches, so every fixture is a near miss to rank; it prints the seconds the 404 took.
"""

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from mockserver.behaviour.chat import ChatQuery, Message
from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.behaviour.replies import resolve_reply
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.http import MockRequest

WORDS = ["weather", "paris", "london", "forecast", "rain", "sun", "tool", "call", "answer", "question", "llama",
         "model", "token", "stream"]


def store_of(count: int, text_chars: int, rng: random.Random) -> FixtureStore:
    """``count`` fixtures, half exact ``user_message``, half ``user_message_contains``, texts of ``text_chars``."""
    fixtures = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(text_chars // 6))[:text_chars]
        key = "user_message" if i % 2 else "user_message_contains"
        match = {key: f"{text} #{i}", "model": "meta-llama/llama-4-maverick"}
        fixtures.append(Fixture(f"f{i}.json", "openrouter", "chat_completions", match, reply={"content": "x"}))
    return FixtureStore(fixtures)


def query_of(prompt_bytes: int, rng: random.Random) -> ChatQuery:
    """A chat query whose last user message is ``prompt_bytes`` of words no fixture asks for exactly."""
    words: list[str] = []
    size = 0
    while size < prompt_bytes:
        words.append(rng.choice(WORDS))
        size += len(words[-1]) + 1
    prompt = " ".join(words)[:prompt_bytes]
    return ChatQuery("openrouter", "chat_completions", "meta-llama/llama-4-maverick", "maverick",
                     [Message("user", prompt)])


def case(prompt_bytes: int, count: int, text_chars: int) -> float:
    """Seconds for one strict-mode miss (find + ranking + the error)."""
    rng = random.Random(f"{prompt_bytes}:{count}")
    store, query = store_of(count, text_chars, rng), query_of(prompt_bytes, rng)
    started = time.perf_counter()
    try:
        resolve_reply(store, query, strict=True, seed=0)
    except MockError as exc:
        assert exc.extra and exc.extra["closest"], "a strict miss names the closest fixtures"
    else:
        raise AssertionError("the query should not match")
    return time.perf_counter() - started


def through_core(prompt_bytes: int, count: int) -> tuple[int, float]:
    """Status and seconds of one strict-mode miss through ``MockCore.handle`` (fixtures on disk, 40-char texts)."""
    rng = random.Random(f"core:{prompt_bytes}:{count}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "openrouter" / "chat_completions").mkdir(parents=True)
        for fixture in store_of(count, 40, rng).candidates("openrouter", "chat_completions"):
            document = {"match": fixture.match, "reply": fixture.reply}
            (root / "openrouter" / "chat_completions" / fixture.name).write_text(json.dumps(document))
        core = MockCore(MockConfig(fixtures_dir=root, strict=True, max_body_bytes=64 * 1024 * 1024))
        body = json.dumps({"model": "meta-llama/llama-4-maverick", "messages": [
            {"role": "user", "content": query_of(prompt_bytes, rng).last_user_text}]}).encode()
        headers = {"authorization": "Bearer sk-or-v1-bench", "content-type": "application/json"}
        request = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, body)
        started = time.perf_counter()
        status = core.handle(request).status
        return status, time.perf_counter() - started


def main() -> None:
    """Run the grid and print one line per case."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.near_miss", description=__doc__)
    parser.add_argument("--prompt-bytes", type=int, nargs="*", default=[1_000, 1_000_000])
    parser.add_argument("--fixtures", type=int, nargs="*", default=[50, 1_000])
    parser.add_argument("--text-chars", type=int, nargs="*", default=[40, 100_000],
                        help="length of each fixture's text matcher")
    args = parser.parse_args()
    print(f"{'prompt bytes':>13} {'fixtures':>9} {'fixture text':>13} {'seconds':>9}")
    for prompt_bytes in args.prompt_bytes:
        for count in args.fixtures:
            for text_chars in args.text_chars:
                seconds = case(prompt_bytes, count, text_chars)
                print(f"{prompt_bytes:>13,} {count:>9,} {text_chars:>13,} {seconds:>9.3f}", flush=True)
    print("\nthrough MockCore.handle (strict; parse, validation, matching, ranking, the 404):")
    print(f"{'prompt bytes':>13} {'fixtures':>9} {'status':>7} {'seconds':>9}")
    for prompt_bytes in args.prompt_bytes:
        for count in args.fixtures:
            status, seconds = through_core(prompt_bytes, count)
            print(f"{prompt_bytes:>13,} {count:>9,} {status:>7} {seconds:>9.3f}", flush=True)


if __name__ == "__main__":
    main()
