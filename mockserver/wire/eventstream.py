"""The AWS event-stream binary framing (``application/vnd.amazon.eventstream``): encode and decode messages.

Layout per message (BOTOCORE ``eventstream.py``; wire-contracts §3.7, verified on a public capture):
``[total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]``, all big-endian,
both CRCs are IEEE CRC-32 (``zlib.crc32``); the message CRC covers every preceding byte, prelude included.
"""

import struct
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["DecodeError", "HeaderValue", "Int64", "Message", "decode_messages", "encode_event", "encode_exception",
           "encode_message", "iter_messages"]

HeaderValue = bool | int | str | bytes | datetime | uuid.UUID
"""A header value; ``int`` is encoded as int32 (type 4), use ``Int64`` for type 5."""

_PRELUDE = struct.Struct(">III")
_PRELUDE_LEN = 12
_CRC_LEN = 4
_MAX_HEADERS = 128 * 1024  # BOTOCORE _MAX_HEADERS_LENGTH
_MAX_PAYLOAD = 24 * 1024 * 1024  # BOTOCORE _MAX_PAYLOAD_LENGTH


class Int64(int):
    """An integer header sent as int64 (type 5) instead of int32."""


class DecodeError(ValueError):
    """Raised when bytes are not a well-formed event-stream message."""


@dataclass(frozen=True, slots=True)
class Message:
    """One decoded event-stream message."""

    headers: dict[str, HeaderValue]
    payload: bytes


def _encode_header(name: str, value: HeaderValue) -> bytes:
    raw_name = name.encode("utf-8")
    if len(raw_name) > 255:
        raise ValueError(f"header name too long: {name!r}")
    head = struct.pack(">B", len(raw_name)) + raw_name
    # Type codes: 0 true, 1 false, 2 int8, 3 int16, 4 int32, 5 int64, 6 bytes, 7 string, 8 timestamp, 9 uuid.
    if value is True:
        return head + b"\x00"
    if value is False:
        return head + b"\x01"
    if isinstance(value, Int64):
        return head + struct.pack(">Bq", 5, value)
    if isinstance(value, int):
        return head + struct.pack(">Bi", 4, value)
    if isinstance(value, bytes):
        return head + struct.pack(">BH", 6, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head + struct.pack(">BH", 7, len(raw)) + raw
    if isinstance(value, datetime):
        return head + struct.pack(">Bq", 8, int(value.timestamp() * 1000))
    if isinstance(value, uuid.UUID):
        return head + b"\x09" + value.bytes
    raise TypeError(f"unsupported header value type {type(value).__name__}")


def encode_message(headers: Mapping[str, HeaderValue], payload: bytes) -> bytes:
    """Encode one message: prelude, prelude CRC, headers, payload and message CRC."""
    raw_headers = b"".join(_encode_header(k, v) for k, v in headers.items())
    if len(raw_headers) > _MAX_HEADERS or len(payload) > _MAX_PAYLOAD:
        raise ValueError("event-stream headers or payload over the protocol limit")
    total = _PRELUDE_LEN + len(raw_headers) + len(payload) + _CRC_LEN
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + raw_headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def encode_event(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    """Encode a normal event (``:message-type event``), header order as in captured Bedrock frames."""
    headers = {":event-type": event_type, ":content-type": content_type, ":message-type": "event"}
    return encode_message(headers, payload)


def encode_exception(exception_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    """Encode a modeled in-stream error (``:message-type exception``, camelCase ``:exception-type``)."""
    headers = {":exception-type": exception_type, ":content-type": content_type, ":message-type": "exception"}
    return encode_message(headers, payload)


def _decode_headers(data: bytes) -> dict[str, HeaderValue]:
    headers: dict[str, HeaderValue] = {}
    offset = 0
    while offset < len(data):
        name_len = data[offset]
        name = data[offset + 1 : offset + 1 + name_len].decode("utf-8")
        offset += 1 + name_len
        kind = data[offset]
        offset += 1
        value: HeaderValue
        if kind in (0, 1):
            value = kind == 0
        elif kind in (2, 3, 4, 5):
            fmt = {2: ">b", 3: ">h", 4: ">i", 5: ">q"}[kind]
            size = struct.calcsize(fmt)
            number = int(struct.unpack(fmt, data[offset : offset + size])[0])
            value = Int64(number) if kind == 5 else number
            offset += size
        elif kind in (6, 7):
            (length,) = struct.unpack(">H", data[offset : offset + 2])
            raw = data[offset + 2 : offset + 2 + length]
            value = raw if kind == 6 else raw.decode("utf-8")
            offset += 2 + length
        elif kind == 8:
            (millis,) = struct.unpack(">q", data[offset : offset + 8])
            value = datetime.fromtimestamp(millis / 1000, tz=UTC)
            offset += 8
        elif kind == 9:
            value = uuid.UUID(bytes=data[offset : offset + 16])
            offset += 16
        else:
            raise DecodeError(f"unknown header type {kind}")
        if name in headers:
            raise DecodeError(f"duplicate header {name!r}")
        headers[name] = value
    return headers


def iter_messages(data: bytes) -> Iterator[Message]:
    """Decode consecutive messages from ``data``, checking both CRCs; trailing partial bytes are an error."""
    offset = 0
    while offset < len(data):
        if len(data) - offset < _PRELUDE_LEN + _CRC_LEN:
            raise DecodeError("truncated message")
        total, headers_len, prelude_crc = _PRELUDE.unpack_from(data, offset)
        if zlib.crc32(data[offset : offset + 8]) != prelude_crc:
            raise DecodeError("prelude CRC mismatch")
        end = offset + total
        if end > len(data) or total < _PRELUDE_LEN + headers_len + _CRC_LEN:
            raise DecodeError("bad message length")
        (message_crc,) = struct.unpack(">I", data[end - _CRC_LEN : end])
        if zlib.crc32(data[offset : end - _CRC_LEN]) != message_crc:
            raise DecodeError("message CRC mismatch")
        start = offset + _PRELUDE_LEN
        headers = _decode_headers(data[start : start + headers_len])
        yield Message(headers, data[start + headers_len : end - _CRC_LEN])
        offset = end


def decode_messages(data: bytes) -> list[Message]:
    """Decode every message in ``data``."""
    return list(iter_messages(data))
