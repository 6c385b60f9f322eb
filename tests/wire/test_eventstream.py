"""Round-trip the event-stream codec against botocore's own decoder; both decoders agree on faults."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from botocore.eventstream import EventStreamBuffer

from contracts.wire.eventstream import (
    DecodeError,
    Int64,
    decode,
    decode_messages,
    encode_event,
    encode_exception,
    encode_message,
)

# First frame of a public ConverseStream capture (wire-contracts §3.7), byte for byte.
CAPTURED_PRELUDE = bytes.fromhex("00000084" "00000052" "a421f9e3")  # fmt: skip
CAPTURED_CRC = bytes.fromhex("e2d1e136")


def test_matches_captured_frame() -> None:
    frame = encode_event("messageStart", b'{"p":"abcdefg","role":"assistant"}')
    assert frame[:12] == CAPTURED_PRELUDE
    assert frame[-4:] == CAPTURED_CRC


def test_botocore_decodes_every_header_type() -> None:
    headers = {
        "t": True, "f": False, "i32": -7, "i64": Int64(2**40), "b": b"\x00\x01", "s": "héllo",
        "ts": datetime(2025, 4, 5, 12, 0, tzinfo=UTC), "u": uuid.UUID(int=42),
    }  # fmt: skip
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


def test_checking_decoder_agrees_with_the_strict_one_on_every_header_type() -> None:
    headers = {
        "t": True, "f": False, "i32": -7, "i64": Int64(2**40), "b": b"\x00\x01", "s": "héllo",
        "ts": datetime(2025, 4, 5, 12, 0, 0, 123000, tzinfo=UTC), "u": uuid.UUID(int=42),
    }  # fmt: skip
    data = encode_message(headers, b"payload") + encode_event("chunk", b"{}")
    frames, found = decode(data)
    assert found == []
    assert [(f.index, f.headers, f.payload) for f in frames] == [
        (i, m.headers, m.payload) for i, m in enumerate(decode_messages(data))
    ]
    assert frames[0].headers == headers
    assert type(frames[0].headers["i64"]) is Int64


def test_checking_decoder_skips_a_bad_message_crc_and_keeps_positions() -> None:
    frames = [encode_event("chunk", json.dumps({"n": n}).encode()) for n in range(3)]
    corrupt = bytearray(frames[1])
    corrupt[-1] ^= 0xFF
    data = frames[0] + bytes(corrupt) + frames[2]
    decoded, found = decode(data)
    assert [f.index for f in decoded] == [0, 2]
    assert [(v.check, v.path) for v in found] == [("eventstream.message-crc", "$[1]")]
    with pytest.raises(DecodeError) as raised:
        decode_messages(data)
    assert raised.value.reason == "message-crc"
    assert raised.value.end == len(frames[0]) + len(frames[1])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encode_event("chunk", b"{}")[:-1], "framing"),
        (b"\x00" * 15, "framing"),
        (b"\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "prelude-crc"),
    ],
)
def test_fatal_faults_stop_both_decoders(data: bytes, reason: str) -> None:
    frames, found = decode(data)
    assert frames == [] and [v.check for v in found] == [f"eventstream.{reason}"]
    with pytest.raises(DecodeError) as raised:
        decode_messages(data)
    assert raised.value.reason == reason and raised.value.end is None
