"""State that grows with traffic stays bounded: rate-limit windows of idle keys expire, and the strict-mode
near-miss ranking does bounded work however long the prompt and however many fixtures (timings: ``python -m
benchmarks.near_miss``; no timed assertion here), while still naming the closest fixtures and why they missed.
"""

import difflib
import json
import random
from typing import Any

import pytest

from mockserver.behaviour import matchers
from mockserver.behaviour.chat import ChatQuery, Message
from mockserver.behaviour.fixtures import Fixture, FixtureStore
from mockserver.behaviour.limits import Limiter, Rule
from mockserver.behaviour.replies import resolve_reply
from mockserver.clock import FakeClock
from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.errors import MockError
from mockserver.http import MockRequest

START = 1_800_000_000.0  # a whole minute and 57,600 s into the UTC day
FREE = "meta-llama/llama-4-maverick:free"
RPM = [Rule("rpm", "requests", "minute", 5)]


def test_windows_of_idle_keys_are_dropped_once_their_minute_has_passed() -> None:
    limiter = Limiter()
    for caller in range(1_000):
        assert limiter.admit(("openrouter", f"key-{caller}", FREE), RPM, START) is None
    assert len(limiter) == 1_000
    assert limiter.admit(("openrouter", "late", FREE), RPM, START + 59.5) is None
    assert len(limiter) == 1_001  # still in their minute
    assert limiter.admit(("openrouter", "later", FREE), RPM, START + 60) is None
    assert len(limiter) == 1  # every window of START's minute has passed: only the new one is held


def test_day_windows_live_until_the_day_ends() -> None:
    limiter, rules = Limiter(), [Rule("rpd", "requests", "day", 2)]
    for caller in range(10):
        limiter.admit(("openrouter", f"key-{caller}", FREE), rules, START)
    limiter.admit(("openrouter", "key-0", FREE), rules, START + 3_600)
    assert len(limiter) == 10 and limiter.admit(("openrouter", "key-0", FREE), rules, START + 3_601) is not None
    limiter.admit(("openrouter", "tomorrow", FREE), rules, START - START % 86_400 + 86_400)
    assert len(limiter) == 1


def test_live_windows_are_capped_least_recently_used_first() -> None:
    limiter, once = Limiter(max_windows=10), [Rule("rpm", "requests", "minute", 1)]
    for caller in range(100):
        limiter.admit(("openrouter", f"key-{caller}", FREE), once, START)
    assert len(limiter) == 10
    assert limiter.admit(("openrouter", "key-99", FREE), once, START + 1) is not None  # recent ones still count
    assert limiter.admit(("openrouter", "key-0", FREE), once, START + 1) is None  # the oldest was dropped


def test_token_windows_expire_too() -> None:
    limiter, rules = Limiter(), [Rule("tpm", "tokens", "minute", 100)]
    for caller in range(50):
        limiter.charge(("bedrock", f"key-{caller}", "m"), rules, 10, START)
    limiter.charge(("bedrock", "late", "m"), rules, 10, START + 61)
    assert len(limiter) == 1


def test_the_engine_forgets_idle_callers() -> None:
    clock = FakeClock(START)
    core = MockCore(MockConfig(rate_limits=True), clock=clock)
    chat = {"model": FREE, "messages": [{"role": "user", "content": "hello"}]}

    def ask(key: str) -> int:
        headers = {"authorization": f"Bearer sk-or-v1-{key}", "content-type": "application/json"}
        request = MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, json.dumps(chat).encode())
        return core.handle(request).status

    assert all(ask(f"caller{i:04d}") == 200 for i in range(200))
    held = len(core.limiter)
    assert held >= 200  # a minute and a day window (the :free pool) per caller
    clock.advance(86_400)
    assert ask("tomorrow") == 200
    assert len(core.limiter) < held / 50


# -- the near-miss ranking -------------------------------------------------------------------------------------


def _query(text: str, model: str = "meta-llama/llama-4-maverick") -> ChatQuery:
    return ChatQuery("openrouter", "chat_completions", model, "maverick", [Message("user", text)])


def _fixture(name: str, match: dict[str, Any]) -> Fixture:
    return Fixture(name, "openrouter", "chat_completions", match, reply={"content": "x"})


def _original(store: FixtureStore, query: ChatQuery, limit: int = 3) -> list[str]:
    """The ranking before it was bounded: every fixture scored by difflib over the whole texts."""

    def likeness(fixture: Fixture) -> float:
        said = query.last_user_text.strip().casefold()
        texts = [str(fixture.match[k]) for k in ("user_message", "user_message_contains") if k in fixture.match]
        return max((difflib.SequenceMatcher(None, t.strip().casefold(), said).ratio() for t in texts), default=0.0)

    misses = [(f, f.misses(query)) for f in store.candidates(query.provider, query.operation)]
    misses.sort(key=lambda item: (len(item[1]), -likeness(item[0])))
    return [f.name for f, reasons in misses if reasons][:limit]


@pytest.mark.parametrize("seed", range(60))
def test_short_texts_rank_exactly_as_before(seed: int) -> None:
    rng = random.Random(seed)
    words = ["weather", "paris", "rain", "sun", "tool", "hello", "hi", "llama"]

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))

    fixtures = []
    for i in range(rng.randint(1, 45)):
        match: dict[str, Any] = {rng.choice(["user_message", "user_message_contains"]): text()}
        if rng.random() < 0.5:
            match["model"] = rng.choice(["meta-llama/llama-4-scout", "maverick"])
        if rng.random() < 0.3:
            match["stream"] = rng.random() < 0.5
        if rng.random() < 0.2:
            match["user_message_contains" if "user_message" in match else "user_message"] = text()
        fixtures.append(_fixture(f"f{i}", match))
    store, query = FixtureStore(fixtures), _query(text() + " zzz")  # zzz: no fixture matches
    assert [f.name for f, _ in store.closest(query)] == _original(store, query)


def test_a_megabyte_prompt_and_a_thousand_fixtures_still_name_the_closest_and_why() -> None:
    rng = random.Random(7)
    prompt = " ".join(rng.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(200_000))
    fixtures = [_fixture(f"far-{i}.json", {"user_message_contains": f"omega {i}", "model": "scout"})
                for i in range(998)]  # fmt: skip
    fixtures.append(_fixture("near.json", {"user_message": prompt[:-1] + "X", "model": "maverick"}))
    fixtures.append(_fixture("model-only.json", {"model": "scout", "user_message_contains": "alpha"}))
    store = FixtureStore(fixtures)
    with pytest.raises(MockError) as missed:
        resolve_reply(store, _query(prompt), strict=True, seed=0)
    closest = missed.value.extra["closest"]
    assert [c["fixture"] for c in closest][:2] == ["near.json", "model-only.json"]
    assert closest[2]["fixture"].startswith("far-")
    assert closest[0]["failed"] == [closest[0]["failed"][0]] and closest[0]["failed"][0].startswith("user_message:")
    assert closest[1]["failed"][0].startswith("model:")
    document = json.dumps(missed.value.document())
    assert len(document) < 4_000  # reasons quote a bounded slice of a 1 MB prompt and of a 1 MB fixture text


def test_many_tied_fixtures_are_scored_within_the_cap_and_the_alike_one_still_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [f"what is the weather in city number {i}" for i in range(500)]
    fixtures = [_fixture(f"f{i}", {"user_message": t}) for i, t in enumerate(texts)]
    store = FixtureStore(fixtures)
    calls = 0
    original = difflib.SequenceMatcher.ratio

    def counting(self: difflib.SequenceMatcher[str]) -> float:
        nonlocal calls
        calls += 1
        return original(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counting)
    ranked = store.closest(_query("what is the weather in city number 321?"))
    assert ranked[0][0].name == "f321"
    assert calls <= matchers.SCORED_EXACTLY
