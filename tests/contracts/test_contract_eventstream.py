"""Bedrock event-stream decoding and the invoke/converse stream grammars."""

import base64
import json
import struct
import uuid
import zlib
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer
from contract_helpers import capture, errors, names

from contracts.checks import Severity
from contracts.validate import validate
from contracts.wire.eventstream import decode, encode_message

CONVERSE = "bedrock/converse-stream-llama32-trimmed.eventstream"
INVOKE = "bedrock/invoke-stream-llama-shape.eventstream"
EVENT = {":content-type": "application/json", ":message-type": "event"}


def _event(name: str, payload: dict[str, Any]) -> bytes:
    return encode_message({":event-type": name, **EVENT}, json.dumps(payload).encode())


def _exception(name: str, message: str = "Too many requests, please wait before trying again.") -> bytes:
    headers = {":exception-type": name, ":content-type": "application/json", ":message-type": "exception"}
    return encode_message(headers, json.dumps({"message": message}).encode())


def _frames(raw: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(raw):
        (total,) = struct.unpack_from(">I", raw, pos)
        out.append(raw[pos : pos + total])
        pos += total
    return out


def test_first_frame_matches_the_published_crcs() -> None:
    # wire-contracts §3.7: 00 00 00 84 | 00 00 00 52 | a4 21 f9 e3 ... e2 d1 e1 36
    frame = capture("bedrock/message-start-frame.eventstream")
    assert frame[:12].hex() == "0000008400000052a421f9e3"
    assert frame[-4:].hex() == "e2d1e136"
    assert capture(CONVERSE).startswith(frame)


@pytest.mark.parametrize("relative", [CONVERSE, INVOKE])
def test_botocore_decodes_the_same_frames(relative: str) -> None:
    raw = capture(relative)
    buffer = EventStreamBuffer()
    buffer.add_data(raw)
    theirs = [(m.headers, m.payload) for m in buffer]
    ours, found = decode(raw)
    assert found == []
    assert [(f.headers, f.payload) for f in ours] == theirs


def test_bad_prelude_crc_is_a_named_violation() -> None:
    raw = bytearray(capture(CONVERSE))
    raw[9] ^= 0xFF
    assert names(validate("bedrock", "converse-stream", bytes(raw))) >= {"eventstream.prelude-crc"}


def test_bad_message_crc_is_a_named_violation() -> None:
    raw = bytearray(capture(CONVERSE))
    raw[40] ^= 0x01  # inside the first frame's headers
    found = validate("bedrock", "converse-stream", bytes(raw))
    assert "eventstream.message-crc" in names(found)
    assert next(v for v in found if v.check == "eventstream.message-crc").path == "$[0]"


def test_truncated_stream() -> None:
    assert "eventstream.framing" in names(validate("bedrock", "converse-stream", capture(CONVERSE)[:-10]))


def _raw_frame(headers: bytes, payload: bytes = b"") -> bytes:
    prelude = struct.pack(">II", 12 + len(headers) + len(payload) + 4, len(headers))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def test_header_value_types() -> None:
    headers = b"\x01a\x00" + b"\x01b\x04" + struct.pack(">i", -5) + b"\x01c\x06\x00\x02hi" + b"\x01d\x09" + bytes(16)
    [decoded], found = decode(_raw_frame(headers))
    assert found == []
    assert decoded.headers == {"a": True, "b": -5, "c": b"hi", "d": uuid.UUID(int=0)}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (b"\x01a\x00\x01a\x01", "duplicate header 'a'"),
        (b"\x01a\x0a", "unknown header value type 10"),
        (b"\x01a\x07\x00\x09abc", "runs past"),
    ],
)
def test_bad_headers(headers: bytes, message: str) -> None:
    [violation] = decode(_raw_frame(headers))[1]
    assert violation.check == "eventstream.headers"
    assert message in violation.message


def test_converse_order_metadata_before_message_stop() -> None:
    frames = _frames(capture(CONVERSE))
    frames[-2], frames[-1] = frames[-1], frames[-2]
    assert "converse.order" in names(validate("bedrock", "converse-stream", b"".join(frames)))


def test_converse_missing_metadata() -> None:
    frames = _frames(capture(CONVERSE))[:-1]
    assert "converse.order" in names(validate("bedrock", "converse-stream", b"".join(frames)))


def test_content_block_start_only_for_tool_use() -> None:
    frames = _frames(capture(CONVERSE))
    text_start = _event("contentBlockStart", {"contentBlockIndex": 0, "start": {"image": {}}})
    found = validate("bedrock", "converse-stream", b"".join([frames[0], text_start, *frames[1:]]))
    assert "converse.block" in names(found)


def test_tool_use_block() -> None:
    start = {"toolUse": {"toolUseId": "tooluse_a", "name": "f"}}
    usage = {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}
    stream = [
        _event("messageStart", {"role": "assistant"}),
        _event("contentBlockStart", {"contentBlockIndex": 0, "start": start}),
        _event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{\"city\":"}}}),
        _event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "\"Paris\"}"}}}),
        _event("contentBlockStop", {"contentBlockIndex": 0}),
        _event("messageStop", {"stopReason": "tool_use"}),
        _event("metadata", {"usage": usage, "metrics": {"latencyMs": 9}}),
    ]  # fmt: skip
    assert validate("bedrock", "converse-stream", b"".join(stream)) == []
    without_start = [stream[0], *stream[2:]]
    assert "converse.block" in names(validate("bedrock", "converse-stream", b"".join(without_start)))


def test_exception_frame_is_a_valid_end() -> None:
    frames = _frames(capture(CONVERSE))
    found = validate("bedrock", "converse-stream", b"".join([*frames[:3], _exception("throttlingException")]))
    assert errors(found) == []
    assert [v.severity for v in found if v.check == "eventstream.exception"] == [Severity.INFO]


def test_frame_after_exception_and_unmodelled_exception_name() -> None:
    frames = _frames(capture(CONVERSE))
    after = validate("bedrock", "converse-stream", b"".join([frames[0], _exception("throttlingException"), frames[1]]))
    assert "eventstream.after-end" in names(after)
    pascal = validate("bedrock", "converse-stream", b"".join([frames[0], _exception("ThrottlingException")]))
    assert "eventstream.headers" in names(pascal)


def test_missing_event_type_header() -> None:
    frame = encode_message(EVENT, b"{}")
    assert "eventstream.headers" in names(validate("bedrock", "converse-stream", frame))


def test_invoke_chunks_are_decoded_and_validated() -> None:
    frames = _frames(capture(INVOKE))
    payload = json.loads(decode(frames[1])[0][0].payload)
    body = json.loads(base64.b64decode(payload["bytes"]))
    body["generation_token_count"] = "2"
    payload["bytes"] = base64.b64encode(json.dumps(body).encode()).decode()
    frames[1] = _event("chunk", payload)
    [violation] = errors(validate("bedrock", "invoke-stream", b"".join(frames)))
    assert violation.path == "$[1].chunk.bytes.generation_token_count"


def test_invoke_last_chunk_needs_metrics_and_stop_reason() -> None:
    frames = _frames(capture(INVOKE))
    assert "invoke.last-chunk" in names(validate("bedrock", "invoke-stream", b"".join(frames[:-1])))
    not_base64 = _event("chunk", {"bytes": "%%%"})
    assert "eventstream.payload" in names(validate("bedrock", "invoke-stream", b"".join([*frames, not_base64])))


def test_invoke_stream_may_end_with_model_timeout() -> None:
    frames = _frames(capture(INVOKE))
    ended = b"".join([frames[0], _exception("modelTimeoutException", "Model has timed out")])
    assert errors(validate("bedrock", "invoke-stream", ended)) == []
