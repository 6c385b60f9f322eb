"""Every capture conforms to its contract, and mutants of the captures do not."""

import json
from pathlib import Path
from typing import Any

import pytest
from contract_helpers import CAPTURES, capture, errors, names

from contracts.checks import Severity
from contracts.validate import validate

# File-name prefix -> kind; the folder is the provider (see captures/SOURCE.md).
PREFIXES = ("chat-stream", "chat-response", "error", "converse-stream", "converse-response",
            "invoke-stream", "invoke-response")  # fmt: skip
FILES = sorted(p for p in CAPTURES.glob("*/*") if p.name.startswith(PREFIXES))


def _kind(path: Path) -> str:
    return next(prefix for prefix in PREFIXES if path.name.startswith(prefix))


def _load(relative: str) -> Any:
    return json.loads(capture(relative))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_capture_conforms(path: Path) -> None:
    raw = path.read_bytes()
    document: Any = raw if path.suffix == ".eventstream" else raw.decode()
    assert errors(validate(path.parent.name, _kind(path), document)) == []


def test_captures_cover_every_provider() -> None:
    assert {p.parent.name for p in FILES} == {"openrouter", "aimlapi", "bedrock"}


@pytest.mark.parametrize(
    ("provider", "kind", "relative"),
    [
        ("openrouter", "chat-response", "openrouter/chat-response-2026-trimmed.json"),
        ("aimlapi", "chat-response", "aimlapi/chat-response-llama4-maverick.json"),
        ("bedrock", "converse-response", "bedrock/converse-response-llama32.json"),
    ],
)
def test_renamed_required_field_is_an_error(provider: str, kind: str, relative: str) -> None:
    document = _load(relative)
    key = next(iter(sorted(k for k in document if k in ("choices", "output"))))
    document[key + "s_renamed"] = document.pop(key)
    found = validate(provider, kind, document)
    assert any(v.check == "schema" and "required" in v.message for v in found)
    assert any(v.check == "unknown-field" and v.severity is Severity.INFO for v in found)


def test_changed_type_is_an_error_with_its_path() -> None:
    document = _load("aimlapi/chat-response-llama4-maverick.json")
    document["usage"]["prompt_tokens"] = "6"
    [violation] = errors(validate("aimlapi", "chat-response", document))
    assert (violation.check, violation.path) == ("schema", "$.usage.prompt_tokens")


def test_unknown_field_is_info_only() -> None:
    document = _load("aimlapi/chat-response-llama4-maverick.json")
    document["choices"][0]["message"]["surprise"] = 1
    [violation] = validate("aimlapi", "chat-response", document)
    assert violation.severity is Severity.INFO
    assert violation.path == "$.choices[0].message.surprise"


@pytest.mark.parametrize(
    ("provider", "relative", "body"),
    [
        ("openrouter", "openrouter/error-404.json", {"error": {"message": "x"}}),
        ("openrouter", "openrouter/error-404.json", {"message": "x", "code": 404}),
        ("aimlapi", "aimlapi/error-429.json", {"error": {"code": 429, "message": "Too Many Requests"}}),
        ("bedrock", "bedrock/error-403.json", {"__type": "AccessDeniedException"}),
    ],
)
def test_wrong_error_envelope(provider: str, relative: str, body: dict[str, Any]) -> None:
    assert errors(validate(provider, "error", _load(relative))) == []
    assert "schema" in names(validate(provider, "error", body))


def _sse(relative: str) -> str:
    return capture(relative).decode()


def test_missing_done_is_an_error_for_openrouter_and_a_warning_for_aimlapi() -> None:
    text = _sse("openrouter/chat-stream-2025-trimmed.sse").replace("data: [DONE]\n\n", "")
    assert "sse.done" in names(validate("openrouter", "chat-stream", text))
    chunk = json.dumps({"id": "a", "object": "chat.completion.chunk", "created": 1, "model": "m",
                        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}]})  # fmt: skip
    found = validate("aimlapi", "chat-stream", f"data: {chunk}\n\n")
    assert errors(found) == []
    assert [v.severity for v in found if v.check == "sse.done"] == [Severity.WARNING]


def test_usage_chunk_must_be_last() -> None:
    blocks = _sse("openrouter/chat-stream-2025-trimmed.sse").split("\n\n")
    usage = next(i for i, b in enumerate(blocks) if '"usage"' in b)
    blocks.insert(usage - 1, blocks.pop(usage))
    assert "stream.usage-last" in names(validate("openrouter", "chat-stream", "\n\n".join(blocks)))


def test_error_chunk_must_be_last() -> None:
    blocks = _sse("openrouter/chat-stream-midstream-error.sse").split("\n\n")
    error = next(i for i, b in enumerate(blocks) if '"error"' in b)
    blocks.insert(error - 1, blocks.pop(error))
    assert "stream.error-last" in names(validate("openrouter", "chat-stream", "\n\n".join(blocks)))


def test_changed_id_and_conflicting_finish_reason() -> None:
    text = _sse("openrouter/chat-stream-llama4-2026-shape.sse")
    changed = text.replace("gen-1790156391-36klK0r7dGKIgiIuzLmP", "gen-other", 1)
    assert names(validate("openrouter", "chat-stream", changed)) == {"stream.id"}
    head, _, tail = text.rpartition('"finish_reason":"stop"')  # the usage chunk's repeat
    conflicting = head + '"finish_reason":"length"' + tail
    assert "stream.finish-reason" in names(validate("openrouter", "chat-stream", conflicting))


def test_data_after_done() -> None:
    text = _sse("openrouter/chat-stream-2025-trimmed.sse") + "data: {}\n\n"
    assert "sse.done" in names(validate("openrouter", "chat-stream", text))


def test_bad_chunk_in_stream_has_an_indexed_path() -> None:
    text = _sse("openrouter/chat-stream-2025-trimmed.sse").replace('"created":1770044155', '"created":"x"', 2)
    paths = {v.path for v in errors(validate("openrouter", "chat-stream", text))}
    assert paths == {"$[0].created", "$[1].created"}
