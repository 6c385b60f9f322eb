"""Every failing input the fuzz runs found (issue #9 and this suite's own runs), kept as explicit cases.

Each case goes through ``MockCore.handle`` and the same oracle as the fuzz tests (no 5xx, the provider's own
envelope, strict JSON, a quiet log), plus what the case itself pins (status, wording, bounds).
"""

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from mockserver.behaviour.generate import MAX_ITEMS, MAX_STRING, instance_from_schema
from mockserver.core import MockCore
from mockserver.http import MAX_JSON_DEPTH, json_bytes, parse_json
from tests.conftest import RunningServer
from tests.fuzz.drive import assert_journal_readable, in_process, over_the_wire
from tests.fuzz.inputs import Sent
from tests.fuzz.oracle import strict_json
from tests.fuzz.values import NON_JSON, odd_schemas_list
from tests.fuzz.wire import Connection

SCOUT = "meta-llama/llama-4-scout"
BEDROCK = "/bedrock/model/us.meta.llama4-scout-17b-instruct-v1%3A0"
CHAT = {"openrouter": "/openrouter/api/v1/chat/completions", "aimlapi": "/aimlapi/v1/chat/completions"}
KEY = {"authorization": "Bearer sk-or-v1-regression", "content-type": "application/json"}
HELLO = [{"role": "user", "content": "Hello"}]
CONVERSE = {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}
CORE = MockCore()


def sent(method: str, target: str, body: bytes | dict[str, Any] = b"", headers: dict[str, str] | None = None,
         tokens: tuple[str, ...] = ()) -> Sent:  # fmt: skip
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    provider = next((p for p in ("openrouter", "aimlapi", "bedrock") if target.startswith("/" + p)), None)
    return Sent(method, target, headers or KEY, raw, provider, None, list(tokens), False, True)


def answer(request: Sent, logs: pytest.LogCaptureFixture) -> tuple[str, dict[str, Any] | None, bytes]:
    """The outcome label, the body as JSON (None for streams) and the raw body."""
    outcome, response = in_process(CORE, request, logs)
    json_body = response.headers.get("content-type", "").split(";")[0].endswith("json")
    return outcome, strict_json(response.body) if json_body else None, response.body


def raw_chat(max_tokens: bytes) -> bytes:
    return b'{"model":"%s","messages":[{"role":"user","content":"Hi"}],"max_tokens":%s}' % (SCOUT.encode(), max_tokens)


# Lone surrogates echoed into error messages (json.dumps(ensure_ascii=False).encode() raised) -----------------

SURROGATE_CASES = [
    sent("POST", CHAT["openrouter"], {"model": "\ud800", "messages": HELLO}),
    sent("POST", CHAT["aimlapi"], {"model": "\ud800", "messages": HELLO}),
    sent("POST", CHAT["openrouter"], {"model": SCOUT, "messages": [{"role": "\udfff", "content": "x"}]}),
    sent("POST", BEDROCK + "/converse", {"messages": [{"role": "\ud800", "content": [{"text": "x"}]}]}),
    sent("POST", BEDROCK + "/invoke", {"prompt": "x", "\ud800": 1}),
    sent("GET", "/openrouter/api/v1/generation?id=%ED%A0%80"),
]


@pytest.mark.parametrize("request_", SURROGATE_CASES, ids=lambda s: s.target.rsplit("/", 1)[-1][:20])
def test_a_lone_surrogate_is_echoed_as_an_escape(request_: Sent, logs: pytest.LogCaptureFixture) -> None:
    outcome, _, content = answer(request_, logs)
    assert outcome.startswith("4xx")
    assert b"\xed\xa0\x80" not in content  # never CESU-8 bytes; "\ud800" as JavaScript's JSON.stringify writes it


def test_a_surrogate_in_generated_arguments_is_escaped(logs: pytest.LogCaptureFixture) -> None:
    schema = {"type": "object", "properties": {"a": {"const": "\ud800"}}}
    tools = {"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": schema}}}]}
    body = {"messages": [{"role": "user", "content": [{"text": "zq"}]}], "toolConfig": tools}
    for operation in ("converse", "converse-stream"):
        streams = KEY | {"x-mock-quirk": "bedrock.stream_mode=on"}  # Llama 4 streams no tools by default
        outcome, _, content = answer(sent("POST", f"{BEDROCK}/{operation}", body, streams), logs)
        assert outcome.startswith("2xx") and b"\\ud800" in content


# Numbers: NaN/Infinity (not JSON), overflowing doubles, integers past Python's 4,300-digit limit -------------

NUMBER_PROVIDERS = ["openrouter", "aimlapi"]


@pytest.mark.parametrize("provider", NUMBER_PROVIDERS)
@pytest.mark.parametrize("token", sorted(NON_JSON))
def test_non_json_numbers_are_invalid_json(provider: str, token: str, logs: pytest.LogCaptureFixture) -> None:
    request_ = sent("POST", CHAT[provider], raw_chat(NON_JSON[token]), tokens=(token,))
    outcome, document, _ = answer(request_, logs)
    assert outcome.startswith("4xx") and document is not None
    assert "JSON" in json.dumps(document)  # the provider's own invalid-JSON wording


@pytest.mark.parametrize("operation", ["converse", "converse-stream", "invoke", "invoke-with-response-stream"])
@pytest.mark.parametrize("token", ["NaN", "-Infinity", "1e999999", "int5000"])
def test_bedrock_non_json_numbers(operation: str, token: str, logs: pytest.LogCaptureFixture) -> None:
    body = b'{"prompt":"x","temperature":' + NON_JSON[token] + b"}"
    outcome, _, _ = answer(sent("POST", f"{BEDROCK}/{operation}", body, tokens=(token,)), logs)
    assert outcome == "4xx bedrock-ValidationException"


def test_the_largest_double_is_still_a_number(logs: pytest.LogCaptureFixture) -> None:
    outcome, document, _ = answer(sent("POST", CHAT["openrouter"], raw_chat(b"1" + b"0" * 308)), logs)
    assert outcome == "4xx openrouter-error" and "context length" in document["error"]["message"]  # type: ignore[index]


def test_count_tokens_inner_body_follows_the_json_rules(logs: pytest.LogCaptureFixture) -> None:
    inner = base64.b64encode(b'{"prompt":"x","temperature":NaN}').decode()
    outcome, _, _ = answer(sent("POST", f"{BEDROCK}/count-tokens", {"input": {"invokeModel": {"body": inner}}}), logs)
    assert outcome == "4xx bedrock-ValidationException"


@pytest.mark.parametrize("odd", [5, "x", None, [], {"body": 5}, {"body": []}, {"body": None}])
def test_count_tokens_with_a_non_object_invoke_model(odd: Any, logs: pytest.LogCaptureFixture) -> None:
    outcome, _, _ = answer(sent("POST", f"{BEDROCK}/count-tokens", {"input": {"invokeModel": odd}}), logs)
    assert outcome == "4xx bedrock-ValidationException"


@pytest.mark.parametrize("value", ["error@" + "9" * 5000, "9" * 5000, "²", "error@٣", "1" * 10])
def test_stream_fault_indexes_are_short_ascii_digits(value: str, logs: pytest.LogCaptureFixture) -> None:
    body = {"model": SCOUT, "messages": HELLO, "stream": True}
    outcome, document, _ = answer(sent("POST", CHAT["openrouter"], body, KEY | {"x-mock-stream-fault": value}), logs)
    assert outcome == "4xx mock-problem" and document["title"] == "Unknown stream fault"  # type: ignore[index]


@pytest.mark.parametrize("value", ["9" * 5000, "1e999", "nan", "-1"])
def test_pace_and_fault_headers_with_huge_numbers(value: str, logs: pytest.LogCaptureFixture) -> None:
    for header in ("x-mock-pace", "x-mock-fault"):
        body = {"model": SCOUT, "messages": HELLO}
        outcome, _, _ = answer(sent("POST", CHAT["openrouter"], body, KEY | {header: value}), logs)
        assert outcome == "4xx mock-problem"


# Nesting ---------------------------------------------------------------------------------------------------------

def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("target", [CHAT["openrouter"], CHAT["aimlapi"], f"{BEDROCK}/converse", f"{BEDROCK}/invoke",
                                    f"{BEDROCK}/count-tokens", "/__admin/fixtures"])  # fmt: skip
@pytest.mark.parametrize("depth", [1000, 5000, MAX_JSON_DEPTH + 1])
def test_deep_nesting_is_refused(target: str, depth: int, logs: pytest.LogCaptureFixture) -> None:
    outcome, document, _ = answer(sent("POST", target, nested(depth)), logs)
    if target.startswith("/bedrock"):  # Bedrock words every unreadable body its own way (operations.py)
        assert outcome == "4xx bedrock-ValidationException"
    else:
        assert outcome.startswith("4xx") and f"deeper than {MAX_JSON_DEPTH}" in json.dumps(document)
    assert_journal_readable(CORE)


def test_nesting_at_the_limit_is_read(logs: pytest.LogCaptureFixture) -> None:
    body = {"model": SCOUT, "messages": HELLO, "metadata": json.loads(nested(MAX_JSON_DEPTH - 1))}
    _, document, _ = answer(sent("POST", CHAT["openrouter"], body), logs)
    assert "deeper than" not in json.dumps(document)


# Schemas that drive generation -------------------------------------------------------------------------------

SCHEMA_PLACES: dict[str, Callable[[Any], tuple[str, dict[str, Any]]]] = {
    "tool parameters": lambda s: (CHAT["openrouter"], {"model": SCOUT, "messages": HELLO, "tools": [
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"a": s}}}}]}),
    "response_format": lambda s: (CHAT["aimlapi"], {"model": SCOUT, "messages": HELLO, "response_format": {
        "type": "json_schema", "json_schema": {"name": "x", "schema": s}}}),
    "inputSchema": lambda s: (f"{BEDROCK}/converse", CONVERSE | {"toolConfig": {"tools": [
        {"toolSpec": {"name": "f", "inputSchema": {"json": s}}}]}}),
    "inputSchema property": lambda s: (f"{BEDROCK}/converse", CONVERSE | {"toolConfig": {"tools": [
        {"toolSpec": {"name": "f", "inputSchema": {"json": {"type": "object", "properties": {"a": s}}}}}]}}),
}  # fmt: skip


@pytest.mark.parametrize("place", sorted(SCHEMA_PLACES))
@pytest.mark.parametrize("schema", odd_schemas_list(), ids=lambda s: json.dumps(s)[:40])
def test_odd_schema_keywords_never_crash_generation(place: str, schema: Any, logs: pytest.LogCaptureFixture) -> None:
    target, body = SCHEMA_PLACES[place](schema)
    outcome, _, _ = answer(sent("POST", target, body), logs)
    assert not outcome.startswith("5xx")


@pytest.mark.parametrize("schema", [[1], "object", 5, {"type": "array"}, {"type": ["object"]}])
def test_bedrock_tool_schemas_must_be_objects(schema: Any, logs: pytest.LogCaptureFixture) -> None:
    body = CONVERSE | {"toolConfig": {"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": schema}}}]}}
    outcome, document, _ = answer(sent("POST", f"{BEDROCK}/converse", body), logs)
    assert outcome == "4xx bedrock-ValidationException" and "must be one of the following: object" in str(document)


def test_generation_is_bounded() -> None:
    import random

    items = instance_from_schema({"type": "array", "minItems": 1_000_000}, random.Random(0))
    text = instance_from_schema({"type": "string", "minLength": 10**9}, random.Random(0))
    explode = {"type": "object", "properties": {k: {"$ref": "#"} for k in "abcdefgh"}}
    assert len(items) == MAX_ITEMS and len(text) == MAX_STRING
    assert len(json.dumps(instance_from_schema(explode, random.Random(0)))) < 200_000


def test_a_large_invalid_list_is_explained(logs: pytest.LogCaptureFixture) -> None:
    body = {"model": SCOUT, "messages": [{"role": "user", "content": [1] * 40_000}]}
    outcome, document, _ = answer(sent("POST", CHAT["openrouter"], body), logs)
    assert outcome == "4xx openrouter-error" and "messages.0.content" in document["error"]["message"]  # type: ignore[index]


def test_bedrock_lists_at_most_a_hundred_violations(logs: pytest.LogCaptureFixture) -> None:
    body = {"messages": [{"role": "user", "content": [{"text": 1}]}] * 500}
    _, document, _ = answer(sent("POST", f"{BEDROCK}/converse", body), logs)
    assert document is not None and int(document["message"].split()[0]) <= 100


# Methods and paths outside the route table -------------------------------------------------------------------

ODD_ROUTES = [("PROPFIND", CHAT["openrouter"]), ("TRACE", CHAT["aimlapi"]), ("PATCH", f"{BEDROCK}/converse"),
              ("GET", "*"), ("OPTIONS", "*"), ("GET", "/openrouter/api/v1/models%0A"), ("GET", "/aimlapi/v1/mod*ls"),
              ("GET", "/bedrock/%0A"), ("M-SEARCH", "/__admin/health"), ("GET", "/%00")]  # fmt: skip


@pytest.mark.parametrize(("method", "target"), ODD_ROUTES)
def test_odd_methods_and_paths_reach_the_engine(method: str, target: str, logs: pytest.LogCaptureFixture) -> None:
    outcome, _, _ = answer(sent(method, target), logs)
    assert outcome.startswith("4xx")


@pytest.mark.parametrize(("method", "target"), ODD_ROUTES)
def test_odd_methods_and_paths_over_the_wire(
    method: str, target: str, start_server: Callable[..., RunningServer]
) -> None:
    server = start_server(journal_size=997)
    connection = Connection(server.port)
    try:
        assert over_the_wire(connection, sent(method, target)).startswith("4xx")  # JSON, not starlette's text
        surrogate = sent("POST", CHAT["openrouter"], {"model": "\ud800", "messages": HELLO})
        assert over_the_wire(connection, surrogate) == "4xx openrouter-error"  # and the connection stays open
    finally:
        connection.close()


# The journal and the JSON rules themselves -------------------------------------------------------------------

def test_the_journal_stays_valid_json_after_hostile_bodies(logs: pytest.LogCaptureFixture) -> None:
    core = MockCore()
    for body in (b'{"a":NaN}', b'{"a":"\\ud800"}', nested(990), raw_chat(b"9" * 5000), b"\xff\xfe"):
        in_process(core, sent("POST", CHAT["openrouter"], body), logs)
    assert_journal_readable(core)


@pytest.mark.parametrize(("text", "reason"), [
    (b"NaN", "NaN is not a JSON value"), (b"[-Infinity]", "-Infinity is not a JSON value"),
    (b"1e999999", "out of range"), (b"9" * 5000, "out of range"), (nested(101), "deeper than 100"),
    (nested(3000), "deeper than 100"), (b"[1,]", "Expecting value"), (b"\xff", "can't decode"),
])  # fmt: skip
def test_parse_json_reasons(text: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_json(text)


def test_json_bytes_never_fails() -> None:
    assert json_bytes({"a": "\ud800é"}) == b'{"a":"\\ud800\xc3\xa9"}'
    assert json_bytes({"a": float("nan"), "b": float("inf")}) == b'{"a":"nan","b":"inf"}'
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    strict_json(json_bytes({"deep": deep}))
