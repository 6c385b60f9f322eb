"""``contracts check`` catches each planted drift (exit 1, named check and path) and passes the faithful mock."""

import base64
import json
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from contracts.registry import MOUNTS
from contracts.wire import eventstream
from mockserver.core import MockCore
from mockserver.http import MockRequest

Answer = tuple[int, dict[str, str], bytes]
Mutate = Callable[[str, int, dict[str, str], bytes], Answer]


def _run(tmp_path: Path, provider: str, root: str) -> tuple[int, dict[str, Any]]:
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    code = main(["check", "--provider", provider, "--base-url", root + MOUNTS[provider], "--report", str(report),
                 "--junit", str(junit), "--quiet", "--max-requests", "12"])  # fmt: skip
    document = json.loads(report.read_text())
    failures = ET.fromstring(junit.read_text()).findall("testcase/failure")
    assert len(failures) == document["summary"]["failed"]  # JUnit tells the same story
    return code, document


def _errors(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["name"], v["check"], v["path"]) for r in report["results"] for v in r["violations"]
            if v["severity"] == "error"}  # fmt: skip


def _kind(headers: dict[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0]


def on_json(edit: Callable[[int, dict[str, Any], dict[str, str]], Any]) -> Mutate:
    """Mutate JSON bodies: ``edit(status, document, headers)`` may change both in place."""

    def mutate(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
        if _kind(headers) != "application/json":
            return status, headers, body
        document = json.loads(body)
        replaced = edit(status, document, headers)
        document = document if replaced is None else replaced
        return status, headers, json.dumps(document).encode()

    return mutate


def on_sse(edit: Callable[[bytes], bytes]) -> Mutate:
    """Mutate SSE transcripts as bytes."""

    def mutate(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
        return status, headers, edit(body) if _kind(headers) == "text/event-stream" else body

    return mutate


def on_eventstream(edit: Callable[[bytes], bytes]) -> Mutate:
    """Mutate AWS event-stream bodies as bytes."""

    def mutate(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
        return status, headers, edit(body) if _kind(headers) == "application/vnd.amazon.eventstream" else body

    return mutate


def chain(*mutations: Mutate) -> Mutate:
    """Apply mutations in turn."""

    def mutate(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
        for m in mutations:
            status, headers, body = m(path, status, headers, body)
        return status, headers, body

    return mutate


# Planted drifts ---------------------------------------------------------------------------------


def _rename_choices(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
    if "choices" in doc:
        doc["choice"] = doc.pop("choices")


def _rename_prompt_tokens(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
    if isinstance(doc.get("usage"), dict) and "prompt_tokens" in doc["usage"]:
        doc["usage"]["input_tokens"] = doc["usage"].pop("prompt_tokens")


def _created_as_string(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
    if isinstance(doc.get("created"), int):
        doc["created"] = str(doc["created"])


def _created_as_string_sse(body: bytes) -> bytes:
    return re.sub(rb'"created":(\d+)', rb'"created":"\1"', body)


def _openai_error(status: int, doc: dict[str, Any], headers: dict[str, str]) -> Any:
    if status >= 400 and "requestId" in doc:
        return {"error": {"message": doc["message"], "type": "invalid_request_error", "param": None, "code": None}}
    return None


def _drop_error_type(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
    return status, {k: v for k, v in headers.items() if k.lower() != "x-amzn-errortype"}, body


def _bad_crc(body: bytes) -> bytes:
    (total,) = struct.unpack_from(">I", body, 0)
    spoiled = bytearray(body)
    spoiled[total - 1] ^= 0xFF  # the first frame's message CRC (wire-contracts §3.7)
    return bytes(spoiled)


DRIFTS = [
    pytest.param("openrouter", on_json(_rename_choices), {("example:chat", "schema", "$")}, id="choices-renamed"),
    pytest.param("aimlapi", on_json(_rename_prompt_tokens), {("example:chat", "schema", "$.usage")},
                 id="usage.prompt_tokens-renamed"),
    pytest.param("openrouter",
                 chain(on_json(_created_as_string), on_sse(_created_as_string_sse)),
                 {("example:chat", "schema", "$.created"), ("example:chat-stream", "schema", "$[0].created")},
                 id="created-as-string"),
    pytest.param("openrouter", on_sse(lambda b: b.replace(b"data: [DONE]\n\n", b"")),
                 {("example:chat-stream", "sse.done", "$")}, id="done-missing"),
    pytest.param("bedrock", on_eventstream(_bad_crc),
                 {("example:invoke-stream", "eventstream.message-crc", "$[0]"),
                  ("example:converse-stream", "eventstream.message-crc", "$[0]")}, id="bad-crc"),
    pytest.param("aimlapi", on_json(_openai_error),
                 {("example:error-invalid-param", "schema", "$"), ("example:error-no-key", "schema", "$")},
                 id="openai-error-envelope-on-aimlapi"),
    pytest.param("bedrock", _drop_error_type, {("example:error-invalid-param", "bedrock.error-type", "$")},
                 id="x-amzn-ErrorType-missing"),
]  # fmt: skip


@pytest.mark.parametrize(("provider", "mutate", "expected"), DRIFTS)
def test_planted_drift_is_reported(
    provider: str, mutate: Mutate, expected: set[tuple[str, str, str]],
    drifted: Callable[[Mutate], str], tmp_path: Path,
) -> None:  # fmt: skip
    code, report = _run(tmp_path, provider, drifted(mutate))
    assert code == 1
    assert not report["passed"]
    assert expected <= _errors(report), _errors(report)
    assert {check for _, check, _ in expected} <= set(report["summary"]["drifted_checks"])


# Volatile values only: never drift ---------------------------------------------------------------


def _volatile_json(status: int, doc: dict[str, Any], headers: dict[str, str]) -> None:
    if isinstance(doc.get("id"), str):
        doc["id"] = doc["id"][:-4] + "WXYZ"
    if isinstance(doc.get("created"), int):
        doc["created"] -= 1000
    if "requestId" in doc:  # AI/ML API errors
        doc["requestId"], doc["timestamp"] = "00000000-0000-4000-8000-000000000000", "2020-01-01T00:00:00.000Z"
    if isinstance(doc.get("metrics"), dict):  # Bedrock Converse
        doc["metrics"]["latencyMs"] = 1
    if "x-amzn-requestid" in headers:
        headers["x-amzn-requestid"] = "11111111-2222-4333-8444-555555555555"
        headers.pop("x-amzn-bedrock-invocation-latency", None)


def _volatile_sse(body: bytes) -> bytes:
    body = re.sub(rb'"created":(\d+)', lambda m: b'"created":' + str(int(m.group(1)) - 1000).encode(), body)
    # An id changes with every reference to it (a Responses event's item_id names its item's id).
    return re.sub(rb'"(id|item_id)":"([^"]+?)(.{4})"', rb'"\1":"\2WXYZ"', body)


def _volatile_frame(payload: dict[str, Any]) -> None:
    payload["p"] = "abc"  # padding of another length (wire-contracts §3.4, §3.6)
    if isinstance(payload.get("metrics"), dict):
        payload["metrics"]["latencyMs"] = 1
    if "bytes" in payload:
        chunk = json.loads(base64.b64decode(payload["bytes"]))
        for key in ("invocationLatency", "firstByteLatency"):
            if key in chunk.get("amazon-bedrock-invocationMetrics", {}):
                chunk["amazon-bedrock-invocationMetrics"][key] = 1
        payload["bytes"] = base64.b64encode(json.dumps(chunk).encode()).decode()


def _volatile_eventstream(body: bytes) -> bytes:
    frames, problems = eventstream.decode(body)
    assert problems == []
    out = b""
    for frame in frames:
        payload = json.loads(frame.payload)
        if frame.headers.get(":message-type") == "event":
            _volatile_frame(payload)
        out += eventstream.encode_message(frame.headers, json.dumps(payload).encode())
    return out


VOLATILE = chain(on_json(_volatile_json), on_sse(_volatile_sse), on_eventstream(_volatile_eventstream))


def _identity(path: str, status: int, headers: dict[str, str], body: bytes) -> Answer:
    return status, headers, body


@pytest.mark.parametrize("provider", ["openrouter", "aimlapi", "bedrock"])
@pytest.mark.parametrize("mutate", [_identity, VOLATILE], ids=["faithful", "volatile-values-changed"])
def test_faithful_mock_and_volatile_changes_show_no_drift(
    provider: str, mutate: Mutate, drifted: Callable[[Mutate], str], tmp_path: Path
) -> None:
    code, report = _run(tmp_path, provider, drifted(mutate))
    assert (code, _errors(report)) == (0, set())
    assert report["passed"] and report["requests_sent"] == 12


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/openrouter/api/v1/chat/completions", {"model": "meta-llama/llama-4-maverick", "stream": True,
                                                 "messages": [{"role": "user", "content": "hi"}]}),
        ("/aimlapi/v1/chat/completions", {"model": "meta-llama/llama-4-maverick",
                                          "messages": [{"role": "user", "content": "hi"}]}),
        ("/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/converse-stream",
         {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}),
        ("/bedrock/model/us.meta.llama4-maverick-17b-instruct-v1%3A0/invoke-with-response-stream",
         {"prompt": "hi"}),
    ],
)  # fmt: skip
def test_volatile_mutation_really_changes_the_answer(path: str, body: dict[str, Any]) -> None:
    request = MockRequest.build("POST", path, {"authorization": "Bearer k", "content-type": "application/json"},
                                json.dumps(body).encode())  # fmt: skip
    answer = MockCore().handle(request)
    assert answer.status == 200
    _, _, changed = VOLATILE(path, answer.status, dict(answer.headers), answer.content())
    assert changed != answer.content()
