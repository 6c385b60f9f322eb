"""Round-trip the event-stream codec against botocore's own decoder."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from botocore.eventstream import EventStreamBuffer

from mockserver.wire.eventstream import (
    DecodeError,
    Int64,
    decode_messages,
    encode_event,
    encode_exception,
    encode_message,
)

# First frame of a public ConverseStream capture (wire-contracts §3.7), byte for byte.
CAPTURED_PRELUDE = bytes.fromhex("00000084" "00000052" "a421f9e3")
CAPTURED_CRC = bytes.fromhex("e2d1e136")


def test_matches_captured_frame() -> None:
    frame = encode_event("messageStart", b'{"p":"abcdefg","role":"assistant"}')
    assert frame[:12] == CAPTURED_PRELUDE
    assert frame[-4:] == CAPTURED_CRC


def test_botocore_decodes_every_header_type() -> None:
    headers = {
        "t": True, "f": False, "i32": -7, "i64": Int64(2**40), "b": b"\x00\x01", "s": "héllo",
        "ts": datetime(2025, 4, 5, 12, 0, tzinfo=UTC), "u": uuid.UUID(int=42),
    }
    buffer = EventStreamBuffer()
    buffer.add_data(encode_message(headers, b"payload"))
    (message,) = list(buffer)
    assert message.payload == b"payload"
    got = message.headers
    assert got["t"] is True and got["f"] is False
    assert got["i32"] == -7 and got["i64"] == 2**40
    assert got["b"] == b"\x00\x01" and got["s"] == "héllo"
    assert got["u"] == uuid.UUID(int=42).bytes  # botocore returns uuid headers as raw bytes
    assert got["ts"] == int(headers["ts"].timestamp() * 1000)  # type: ignore[union-attr]


def test_stream_of_frames_split_anywhere() -> None:
    frames = [encode_event("chunk", json.dumps({"n": n}).encode()) for n in range(5)]
    frames.append(encode_exception("throttlingException", b'{"message":"slow down"}'))
    data = b"".join(frames)
    buffer = EventStreamBuffer()
    for i in range(0, len(data), 7):  # botocore buffers partial frames across reads
        buffer.add_data(data[i : i + 7])
    messages = list(buffer)
    assert [json.loads(m.payload) for m in messages[:5]] == [{"n": n} for n in range(5)]
    assert messages[5].headers[":message-type"] == "exception"
    assert messages[5].headers[":exception-type"] == "throttlingException"


def test_own_decoder_round_trip_and_crc_check() -> None:
    frame = encode_event("chunk", b'{"bytes":"e30="}')
    (message,) = decode_messages(frame + b"")
    assert message.headers == {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
    assert message.payload == b'{"bytes":"e30="}'
    corrupt = bytearray(frame)
    corrupt[20] ^= 0xFF
    with pytest.raises(DecodeError):
        decode_messages(bytes(corrupt))
    with pytest.raises(DecodeError):
        decode_messages(frame[:-3])
