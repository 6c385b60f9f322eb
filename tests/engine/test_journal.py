"""The journal: always valid JSON, bodies cut with size and hash, bounded in bytes, keys masked by name and shape."""

import hashlib
import json
from typing import Any

import pytest

from mockserver.config import MockConfig
from mockserver.core import MockCore
from mockserver.engine.journal import BODY_BYTES, Journal, looks_like_secret, mask_headers, mask_query, mask_secret
from mockserver.http import MockRequest

CHAT = "/openrouter/api/v1/chat/completions"
AUTH = {"authorization": "Bearer sk-or-v1-fake0000not0000a0000real0000key0", "content-type": "application/json"}
AIML_KEY = "0123456789abcdef0123456789abcdef"  # AI/ML API keys: 32 hex digits


def _refuse(constant: str) -> Any:
    raise AssertionError(f"{constant} is not JSON")


def strict_json(data: bytes) -> Any:
    """Parse as a strict JSON reader would: UTF-8 only, no NaN or Infinity, no lone surrogate (I-JSON, RFC 7493)."""
    document = json.loads(data.decode("utf-8"), parse_constant=_refuse)
    json.dumps(document, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError on a lone surrogate, even escaped
    return document


def post(core: MockCore, body: bytes, headers: dict[str, str] | None = None, path: str = CHAT) -> int:
    return core.handle(MockRequest.build("POST", path, {**AUTH, **(headers or {})}, body)).status


def journal(core: MockCore) -> list[dict[str, Any]]:
    answer = core.handle(MockRequest.build("GET", "/__admin/requests", {}))
    assert answer.status == 200, answer.body[:300]
    requests: list[dict[str, Any]] = strict_json(answer.content())["requests"]
    return requests


def test_a_small_json_body_is_kept_parsed_with_its_size_and_hash() -> None:
    core = MockCore()
    body = json.dumps({"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hello"}]})
    assert post(core, body.encode()) == 200
    [entry] = journal(core)
    assert entry["body"] == json.loads(body) and entry["body_truncated"] is False
    assert entry["body_size"] == len(body) and entry["body_sha256"] == hashlib.sha256(body.encode()).hexdigest()
    assert core.journal.entries()[0].body == json.loads(body)  # in-process: the same value (mock.calls)


@pytest.mark.parametrize(
    "body",
    [
        b'{"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "\\ud800"}]}',
        b'{"model": "\\udfff", "\\ud800": ["a\\udc80b"]}',
        b'{"model": "meta-llama/llama-4-scout", "max_tokens": NaN, "temperature": Infinity, "top_p": -Infinity}',
        b'{"model": "meta-llama/llama-4-scout", "max_tokens": 1e999999}',
        b'{"model": "meta-llama/llama-4-scout", "max_tokens": ' + b"9" * 5000 + b"}",
        b"[" * 5000 + b"]" * 5000,
        b"[" * 150 + b"]" * 150,
        b"\xff\xfe not utf-8 \xed\xa0\x80",
    ],
    ids=["lone-surrogate", "surrogate-keys", "nan-infinity", "overflow", "huge-int", "deep-5000", "deep-150", "bytes"],
)
def test_the_journal_stays_valid_json_and_readable(body: bytes) -> None:
    core = MockCore()
    post(core, body)
    for _ in range(3):  # readable again and again, not only once
        [entry] = journal(core)
    assert entry["body_size"] == len(body)
    assert post(core, b'{"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hi"}]}') == 200
    assert len(journal(core)) == 2


@pytest.mark.parametrize("body", [b'{"a": NaN}', b'{"a": [Infinity, 1e999999]}', b"[" * 900 + b"]" * 900,
                                  b'{"\\ud800": "\\udfff"}', b'{"a": ' + b"9" * 5000 + b"}"])  # fmt: skip
def test_every_kept_entry_serialises_as_strict_json_by_itself(body: bytes) -> None:
    kept = Journal()
    kept.record(time=0.0, provider=None, operation=None, model=None, method="POST", path="/", headers={},
                body=body, status=400, fixture=None)  # fmt: skip
    text = json.dumps([e.to_dict() for e in kept.entries()], allow_nan=False, ensure_ascii=False)
    strict_json(text.encode("utf-8"))


def test_surrogates_and_non_numbers_are_kept_as_text() -> None:
    core = MockCore()
    post(core, b'{"content": "a\\ud800b", "max_tokens": NaN, "top_p": 1e999999, "n": -Infinity}')
    [entry] = journal(core)
    assert entry["body"] == {"content": "a\\ud800b", "max_tokens": "NaN", "top_p": "1e999999", "n": "-Infinity"}


def test_a_large_body_keeps_its_first_64_kib_its_size_and_hash() -> None:
    core = MockCore(MockConfig(max_body_bytes=8 * 1024 * 1024))
    text = "x" * (7_500_000 - 100)
    body = json.dumps({"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": text}]}).encode()
    assert post(core, body) in (200, 400)  # whatever the provider says about the prompt, the journal keeps little
    [entry] = journal(core)
    assert entry["body_truncated"] is True and isinstance(entry["body"], str) and len(entry["body"]) == BODY_BYTES
    assert entry["body_size"] == len(body) and entry["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert core.journal.bytes < 2 * BODY_BYTES


def test_a_body_refused_as_too_large_is_cut_even_with_full_bodies() -> None:
    core = MockCore(MockConfig(max_body_bytes=100_000, journal_bodies="full"))
    assert post(core, b'{"pad": "' + b"y" * 200_000 + b'"}') == 413
    [entry] = journal(core)
    assert entry["body_truncated"] is True and len(entry["body"]) == BODY_BYTES


def test_full_bodies_keep_whole_bodies_when_asked() -> None:
    core = MockCore(MockConfig(journal_bodies="full"))
    document = {"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "z" * 200_000}]}
    post(core, json.dumps(document).encode())
    [entry] = journal(core)
    assert entry["body"] == document and entry["body_truncated"] is False


def test_the_journal_is_bounded_in_bytes_as_well_as_entries() -> None:
    journal = Journal(1000, max_bytes=1024 * 1024)
    for number in range(200):
        body = json.dumps({"n": number, "pad": "p" * 100_000}).encode()
        journal.record(time=0.0, provider="openrouter", operation=None, model=None, method="POST", path=CHAT,
                       headers={}, body=body, status=200, fixture=None)  # fmt: skip
    kept = journal.entries()
    assert 1 < len(kept) <= 1024 * 1024 // BODY_BYTES and journal.bytes <= 1024 * 1024
    assert kept[-1].body.startswith('{"n": 199')  # the newest kept, the oldest dropped
    counted = Journal(3)
    for _ in range(5):
        counted.record(time=0.0, provider=None, operation=None, model=None, method="GET", path="/", headers={},
                       body=b"", status=200, fixture=None)  # fmt: skip
    assert len(counted.entries()) == 3
    counted.clear()
    assert counted.entries() == [] and counted.bytes == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("authorization", "Bearer k"),
        ("authorization", f"Bearer {AIML_KEY}"),
        ("x-goog-api-key", "AIzaSyA-1234567890abcdefghijklmnopqrstu"),
        ("openai-api-key", "sk-proj-0123456789abcdefghij"),
        ("x-custom-thing", AIML_KEY),
        ("x-forwarded-key-ish", "AKIAIOSFODNN7EXAMPLE"),
        ("x-other", "Bearer abc"),
        ("x-session", "whatever"),
        ("cookie", "session=0123456789abcdef; theme=dark"),
        ("x-amz-security-token", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"),
    ],
)
def test_credentials_are_masked_by_name_and_by_shape_to_a_short_prefix(name: str, value: str) -> None:
    masked = mask_headers({name: value})[name]
    secret = value.partition(" ")[2] if value.startswith("Bearer ") else value
    assert masked.endswith("…") and masked != value
    shown = masked.removeprefix("Bearer ").removesuffix("…")
    assert len(shown) <= 4 or shown in ("sk-proj-", "AKIA"), masked  # a type prefix or four characters, no more
    assert secret not in masked


def test_the_ai_ml_api_key_shows_four_of_its_32_characters() -> None:
    assert mask_secret(f"Bearer {AIML_KEY}") == "Bearer 0123…"
    assert mask_secret("Bearer sk-or-v1-fake0000not0000a0000real0000key0") == "Bearer sk-or-v1-…"
    sigv4 = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32)  # fmt: skip
    assert mask_secret(sigv4) == ("AWS4-HMAC-SHA256 Credential=AKIA****/20260101/us-east-1/bedrock/aws4_request, "
                                  "SignedHeaders=host;x-amz-date, Signature=****")  # fmt: skip


def test_ordinary_headers_are_kept() -> None:
    plain = {"content-type": "application/json", "user-agent": "OpenAI/Python 1.82.0", "accept": "*/*",
             "x-stainless-package-version": "1.82.0", "x-amz-content-sha256": "ab" * 32, "x-mock-fault": "429",
             "amz-sdk-invocation-id": "3f2c1c9e-1d8e-4d21-9d5e-6b1f0a0c1234", "host": "127.0.0.1:8080"}  # fmt: skip
    assert mask_headers(plain) == plain
    assert not looks_like_secret("application/vnd.amazon.eventstream") and looks_like_secret(AIML_KEY)


def test_query_values_are_masked_too() -> None:
    masked = mask_query(f"key=AIzaSyA-1234567890abcdefghij&X-Amz-Signature={'ab' * 32}&id=gen-1&t={AIML_KEY}")
    assert masked["id"] == "gen-1"
    assert all(v.endswith("…") and len(v) <= 5 for k, v in masked.items() if k != "id"), masked


def test_the_journal_masks_keys_it_receives() -> None:
    core = MockCore()
    headers = {"x-goog-api-key": "AIzaSyA-1234567890abcdefghij", "openai-api-key": "sk-0123456789abcdefghij",
               "x-anything": AIML_KEY}  # fmt: skip
    post(core, b'{"model": "meta-llama/llama-4-scout", "messages": [{"role": "user", "content": "Hi"}]}', headers,
         path=f"{CHAT}?api_key={AIML_KEY}")  # fmt: skip
    text = json.dumps(journal(core))
    for secret in ("0123456789abcdef0123456789abcdef", "1234567890abcdefghij", "0123456789abcdefghij"):
        assert secret not in text
    [entry] = journal(core)
    assert entry["query"] == {"api_key": "0123…"} and entry["headers"]["authorization"] == "Bearer sk-or-v1-…"
