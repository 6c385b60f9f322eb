"""Rate limits: catalogue quotas in fixed windows, each provider's own throttling error, a fake clock moved by hand."""

import json
import math
from pathlib import Path
from typing import Any

import boto3
import openai
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from openai import OpenAI

from mockserver.behaviour.limits import Limiter, Rule
from mockserver.clock import FakeClock
from mockserver.config import DEFAULT_FIXTURES, MockConfig
from mockserver.core import MockCore
from mockserver.http import MockRequest
from mockserver.inprocess import mock_aimlapi, mock_bedrock, mock_openrouter

FREE, SCOUT_FREE = "meta-llama/llama-4-maverick:free", "meta-llama/llama-4-scout:free"
PAID = "meta-llama/llama-4-maverick"
MAVERICK = "us.meta.llama4-maverick-17b-instruct-v1:0"
HELLO: Any = [{"role": "user", "content": "hello"}]
START = 1_800_000_000.0  # a whole minute; 1_800_000_000 % 86_400 = 57_600 s into the UTC day
SUBJECT = ("openrouter", "key", FREE)


def catalogue(tmp_path: Path, provider: str, limits: list[dict[str, Any]]) -> MockConfig:
    """A fixtures folder whose ``provider`` catalogue has ``limits`` on every model (a user's override)."""
    document = json.loads((DEFAULT_FIXTURES / provider / "models.json").read_text())
    for entry in document["models" if provider == "bedrock" else "data"]:
        (entry if provider == "bedrock" else entry["mock"])["rate_limits"] = limits
    (tmp_path / provider).mkdir()
    (tmp_path / provider / "models.json").write_text(json.dumps(document))
    return MockConfig(fixtures_dir=tmp_path, rate_limits=True)


def openrouter(key: str = "sk-or-v1-test") -> OpenAI:
    """An OpenRouter client that does not retry 429s (the SDK retries them by default)."""
    return OpenAI(base_url="https://openrouter.ai/api/v1", api_key=key, max_retries=0)


# -- the windows ---------------------------------------------------------------------------------------------------


def test_request_window_fills_then_frees_at_the_next_minute() -> None:
    limiter, rules = Limiter(), [Rule("rpm", "requests", "minute", 2)]
    assert limiter.admit(SUBJECT, rules, START) is None
    assert limiter.admit(SUBJECT, rules, START + 10) is None
    breach = limiter.admit(SUBJECT, rules, START + 15)
    assert breach is not None and breach.remaining == 0
    assert (breach.reset_at, breach.retry_after) == (START + 60, 45)
    assert limiter.admit(SUBJECT, rules, START + 60) is None


def test_refused_requests_are_not_counted() -> None:
    limiter, rules = Limiter(), [Rule("rpm", "requests", "minute", 1), Rule("rpd", "requests", "day", 2)]
    assert limiter.admit(SUBJECT, rules, START) is None
    assert limiter.admit(SUBJECT, rules, START + 1) is not None  # per minute full; the day keeps 1 left
    assert limiter.admit(SUBJECT, rules, START + 60) is None


def test_the_latest_reset_wins_when_several_are_full() -> None:
    limiter, rules = Limiter(), [Rule("rpm", "requests", "minute", 1), Rule("rpd", "requests", "day", 1)]
    limiter.admit(SUBJECT, rules, START)
    breach = limiter.admit(SUBJECT, rules, START + 1)
    assert breach is not None and breach.rule.name == "rpd"
    assert breach.reset_at == START - START % 86_400 + 86_400  # next UTC midnight


def test_pools_share_a_counter_and_callers_do_not() -> None:
    limiter, rules = Limiter(), [Rule("free", "requests", "minute", 1, pool="free")]
    assert limiter.admit(("openrouter", "a", FREE), rules, START) is None
    assert limiter.admit(("openrouter", "a", SCOUT_FREE), rules, START) is not None
    assert limiter.admit(("openrouter", "b", SCOUT_FREE), rules, START) is None


def test_token_window_refuses_once_spent() -> None:
    limiter, rules = Limiter(), [Rule("tpm", "tokens", "minute", 100)]
    assert limiter.admit(SUBJECT, rules, START) is None
    limiter.charge(SUBJECT, rules, 100, START)
    breach = limiter.admit(SUBJECT, rules, START + 1)
    assert breach is not None and breach.used == 100


def test_bundled_catalogues_carry_the_documented_quotas() -> None:
    core = MockCore()
    models = core.states["openrouter"].catalogue.models
    assert [(r.window, r.limit, r.pool) for r in models[FREE].rate_limits] == [
        ("minute", 20, "free"), ("day", 50, "free")]  # OR-DOCS limits.mdx, tier below 10 credits
    assert models[PAID].rate_limits == ()  # paid variants: no platform-level request cap
    bedrock = core.states["bedrock"].resolve(MAVERICK).rate_limits
    assert [(r.unit, r.window, r.limit) for r in bedrock] == [
        ("requests", "minute", 800), ("tokens", "minute", 600_000), ("tokens", "day", 432_000_000)]  # seed 004


# -- the providers' own errors, through real clients ---------------------------------------------------------------


def test_openrouter_free_cap_is_a_rate_limit_error_with_headers() -> None:
    clock = FakeClock(START)
    core = MockCore(MockConfig(rate_limits=True), clock=clock)
    with mock_openrouter(core=core):
        client = openrouter()
        for i in range(20):
            client.chat.completions.create(model=FREE if i % 2 else SCOUT_FREE, messages=HELLO)
        clock.advance(12.5)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model=FREE, messages=HELLO)
        for _ in range(25):
            client.chat.completions.create(model=PAID, messages=HELLO)  # not capped
        clock.advance(60)
        client.chat.completions.create(model=FREE, messages=HELLO)
    error = caught.value
    assert error.status_code == 429
    metadata = {"error_type": "rate_limit_exceeded"}
    assert error.body == {"message": "Rate limit exceeded", "code": 429, "metadata": metadata}
    headers = error.response.headers
    assert (headers["x-ratelimit-limit"], headers["x-ratelimit-remaining"]) == ("20", "0")
    assert headers["x-ratelimit-reset"] == str(int((START + 60) * 1000))  # epoch milliseconds
    assert headers["retry-after"] == str(math.ceil(60 - 12.5))
    assert error.response.json()["user_id"].startswith("user_")


def test_openrouter_daily_cap_and_other_keys() -> None:
    clock = FakeClock(START)
    core = MockCore(MockConfig(rate_limits=True), clock=clock)
    with mock_openrouter(core=core):
        client = openrouter()
        for minute in range(3):
            for _ in range(20 if minute < 2 else 10):
                client.chat.completions.create(model=FREE, messages=HELLO)
            clock.advance(60)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model=FREE, messages=HELLO)
        openrouter("sk-or-v1-other").chat.completions.create(model=FREE, messages=HELLO)
    headers = caught.value.response.headers
    assert headers["x-ratelimit-limit"] == "50"
    assert int(headers["x-ratelimit-reset"]) == int((START - START % 86_400 + 86_400) * 1000)


def test_limits_are_off_by_default() -> None:
    core = MockCore()
    body = json.dumps({"model": FREE, "messages": HELLO}).encode()
    headers = {"authorization": "Bearer k", "content-type": "application/json"}
    statuses = {core.handle(MockRequest.build("POST", "/openrouter/api/v1/chat/completions", headers, body)).status
                for _ in range(25)}
    assert statuses == {200}


def test_reset_clears_the_windows() -> None:
    core = MockCore(MockConfig(rate_limits=True), clock=FakeClock(START))  # the clock never moves: one window
    with mock_openrouter(core=core):
        client = openrouter()

        def fill_the_minute() -> None:
            for _ in range(20):
                client.chat.completions.create(model=FREE, messages=HELLO)
            with pytest.raises(openai.RateLimitError):  # the free cap (20 a minute) is really full
                client.chat.completions.create(model=FREE, messages=HELLO)

        fill_the_minute()
        core.reset()
        fill_the_minute()  # a fresh window: 20 more are served, and limits still apply after the reset


def test_aimlapi_too_many_requests_envelope(tmp_path: Path) -> None:
    config = catalogue(tmp_path, "aimlapi", [{"unit": "requests", "window": "minute", "limit": 2, "pool": "account"}])
    core = MockCore(config, clock=FakeClock(START))
    with mock_aimlapi(core=core):
        client = OpenAI(base_url="https://api.aimlapi.com/v1", api_key="aiml-test", max_retries=0)
        client.chat.completions.create(model="meta-llama/llama-4-maverick", messages=HELLO)
        client.chat.completions.create(model="meta-llama/llama-4-scout", messages=HELLO)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="meta-llama/llama-4-maverick", messages=HELLO)
    document = caught.value.response.json()
    assert (document["statusCode"], document["message"], document["path"]) == (
        429, "Too Many Requests", "/v1/chat/completions")
    assert "retry-after" not in caught.value.response.headers


def bedrock() -> Any:
    """A bedrock-runtime client that does not retry throttling."""
    return boto3.Session().client("bedrock-runtime", region_name="us-east-1",
                                  config=Config(retries={"max_attempts": 1}))


def test_bedrock_requests_per_minute_throttle(tmp_path: Path) -> None:
    config = catalogue(tmp_path, "bedrock", [{"unit": "requests", "window": "minute", "limit": 1}])
    clock = FakeClock(START)
    messages: Any = [{"role": "user", "content": [{"text": "hello"}]}]
    with mock_bedrock(core=MockCore(config, clock=clock)):
        bedrock().converse(modelId=MAVERICK, messages=messages)
        with pytest.raises(ClientError) as caught:  # raised by the call: the stream never starts
            bedrock().converse_stream(modelId=MAVERICK, messages=messages)
        clock.advance(60)
        list(bedrock().converse_stream(modelId=MAVERICK, messages=messages)["stream"])
    error = caught.value.response
    message = "Too many requests, please wait before trying again."
    assert error["Error"] == {"Code": "ThrottlingException", "Message": message}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_bedrock_tokens_per_minute_throttle(tmp_path: Path) -> None:
    config = catalogue(tmp_path, "bedrock", [{"unit": "tokens", "window": "minute", "limit": 10}])
    body = json.dumps({"prompt": "hello", "max_gen_len": 32})
    with mock_bedrock(core=MockCore(config, clock=FakeClock(START))):
        response = bedrock().invoke_model(modelId=MAVERICK, body=body)
        used = json.loads(response["body"].read())
        assert used["prompt_token_count"] + used["generation_token_count"] >= 10
        with pytest.raises(ClientError) as caught:
            bedrock().invoke_model_with_response_stream(modelId=MAVERICK, body=body)
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
