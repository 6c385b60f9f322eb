"""The AWS event-stream framing (``application/vnd.amazon.eventstream``): encode, decode and check messages.

Layout per message (BOTOCORE ``eventstream.py``; wire-contracts §3.7, verified on a public capture):
``[total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]``, all big-endian;
both CRCs are IEEE CRC-32 (``zlib.crc32``, as botocore's ``binascii.crc32``); the message CRC covers every
preceding byte, prelude included. The mock encodes with this module; the contract checks decode with
``decode``, which turns every fault into a ``Violation``, while ``decode_messages`` raises ``DecodeError``.
"""

import struct
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from contracts.checks import ES_FRAMING, ES_HEADERS, ES_MESSAGE_CRC, ES_PRELUDE_CRC, Check, Violation

__all__ = [
    "MAX_HEADERS", "MAX_PAYLOAD", "DecodeError", "Frame", "HeaderValue", "Int64", "Message", "Reason",
    "decode", "decode_messages", "encode_event", "encode_exception", "encode_message", "iter_messages",
]  # fmt: skip

HeaderValue = bool | int | str | bytes | datetime | uuid.UUID
"""A header value; ``int`` is encoded as int32 (type 4), use ``Int64`` for type 5."""

Reason = Literal["framing", "prelude-crc", "message-crc", "headers"]

MAX_HEADERS = 128 * 1024  # BOTOCORE eventstream.py _MAX_HEADERS_LENGTH
MAX_PAYLOAD = 24 * 1024 * 1024  # BOTOCORE eventstream.py _MAX_PAYLOAD_LENGTH
_PRELUDE = struct.Struct(">III")
_PRELUDE_LEN = 12
_CRC_LEN = 4
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CHECKS: dict[Reason, Check] = {
    "framing": ES_FRAMING, "prelude-crc": ES_PRELUDE_CRC, "message-crc": ES_MESSAGE_CRC, "headers": ES_HEADERS,
}  # fmt: skip


class Int64(int):
    """An integer header sent as int64 (type 5) instead of int32."""


class DecodeError(ValueError):
    """Raised when bytes are not a well-formed event-stream message."""

    def __init__(self, message: str, reason: Reason = "framing", end: int | None = None) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        """Which rule broke; the contract check is ``eventstream.<reason>``."""
        self.end = end
        """Where the next message starts when the lengths can still be trusted, else ``None``."""


@dataclass(frozen=True, slots=True)
class Message:
    """One decoded event-stream message."""

    headers: dict[str, HeaderValue]
    payload: bytes


@dataclass(frozen=True, slots=True)
class Frame:
    """One message of a checked stream and its position there (``$[index]`` in violation paths)."""

    index: int
    headers: dict[str, HeaderValue]
    payload: bytes


# Encoding ------------------------------------------------------------------------------------------


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
        return head + struct.pack(">Bq", 8, int(value.timestamp() * 1000))  # milliseconds since the epoch
    if isinstance(value, uuid.UUID):
        return head + b"\x09" + value.bytes
    raise TypeError(f"unsupported header value type {type(value).__name__}")


def encode_message(headers: Mapping[str, HeaderValue], payload: bytes) -> bytes:
    """Encode one message: prelude, prelude CRC, headers, payload and message CRC."""
    raw_headers = b"".join(_encode_header(k, v) for k, v in headers.items())
    if len(raw_headers) > MAX_HEADERS or len(payload) > MAX_PAYLOAD:
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


# Decoding ------------------------------------------------------------------------------------------


def _bounds(data: bytes, offset: int) -> tuple[int, int, int]:
    """Check the message at ``offset``: return (headers start, payload start, end); raises ``DecodeError``."""
    left = len(data) - offset
    if left < _PRELUDE_LEN + _CRC_LEN:
        raise DecodeError(f"{left} trailing bytes at offset {offset} are not a message (truncated)")
    total, headers_len, prelude_crc = _PRELUDE.unpack_from(data, offset)
    if zlib.crc32(data[offset : offset + 8]) != prelude_crc:
        # Lengths cannot be trusted after a bad prelude, so decoding stops here.
        raise DecodeError(f"prelude CRC {prelude_crc:08x} does not match at offset {offset}", "prelude-crc")
    payload_len = total - headers_len - _PRELUDE_LEN - _CRC_LEN
    if headers_len > MAX_HEADERS or payload_len > MAX_PAYLOAD or payload_len < 0:
        raise DecodeError(f"bad lengths total={total} headers={headers_len} at offset {offset}")
    end = offset + total
    if end > len(data):
        raise DecodeError(f"message needs {total} bytes, {left} left (truncated)")
    (message_crc,) = struct.unpack_from(">I", data, end - _CRC_LEN)
    if zlib.crc32(data[offset : end - _CRC_LEN]) != message_crc:
        raise DecodeError(f"message CRC {message_crc:08x} does not match at offset {offset}", "message-crc", end)
    start = offset + _PRELUDE_LEN
    return start, start + headers_len, end


def _value(raw: bytes, pos: int) -> tuple[HeaderValue, int]:
    kind = raw[pos]
    pos += 1
    if kind in (0, 1):
        return kind == 0, pos
    if kind in (2, 3, 4, 5):
        fmt = {2: ">b", 3: ">h", 4: ">i", 5: ">q"}[kind]
        number = int(struct.unpack_from(fmt, raw, pos)[0])
        return (Int64(number) if kind == 5 else number), pos + struct.calcsize(fmt)
    if kind in (6, 7):
        (length,) = struct.unpack_from(">H", raw, pos)
        value = raw[pos + 2 : pos + 2 + length]
        if len(value) != length:
            raise ValueError("header value runs past the headers")
        return (value.decode("utf-8") if kind == 7 else value), pos + 2 + length
    if kind == 8:
        (millis,) = struct.unpack_from(">q", raw, pos)
        return _EPOCH + timedelta(milliseconds=millis), pos + 8
    if kind == 9:
        return uuid.UUID(bytes=raw[pos : pos + 16]), pos + 16
    raise ValueError(f"unknown header value type {kind}")


def _header(raw: bytes, pos: int) -> tuple[str, HeaderValue, int]:
    name_len = raw[pos]
    raw_name = raw[pos + 1 : pos + 1 + name_len]
    if len(raw_name) != name_len:
        raise ValueError("header name runs past the headers")
    value, end = _value(raw, pos + 1 + name_len)
    return raw_name.decode("utf-8"), value, end


def _read_headers(raw: bytes, into: dict[str, HeaderValue]) -> None:
    """Decode header bytes into ``into``; on ``DecodeError`` it keeps the headers read before the fault."""
    pos = 0
    while pos < len(raw):
        try:
            name, value, pos_next = _header(raw, pos)
        except (IndexError, struct.error, UnicodeDecodeError, ValueError, OverflowError) as exc:
            raise DecodeError(f"undecodable headers at byte {pos}: {exc}", "headers") from exc
        if name in into:
            raise DecodeError(f"duplicate header {name!r}", "headers")
        into[name] = value
        pos = pos_next


def iter_messages(data: bytes) -> Iterator[Message]:
    """Decode consecutive messages from ``data``, checking both CRCs; trailing partial bytes are an error."""
    offset = 0
    while offset < len(data):
        start, body, end = _bounds(data, offset)
        headers: dict[str, HeaderValue] = {}
        _read_headers(data[start:body], headers)
        yield Message(headers, data[body : end - _CRC_LEN])
        offset = end


def decode_messages(data: bytes) -> list[Message]:
    """Decode every message in ``data``; raises ``DecodeError`` at the first fault."""
    return list(iter_messages(data))


def decode(data: bytes) -> tuple[list[Frame], list[Violation]]:
    """Decode untrusted bytes: every CRC, framing and header fault becomes a violation, never an exception.

    A message with a bad message CRC is skipped and one with bad headers is kept with the headers read
    before the fault; decoding stops where the lengths can no longer be trusted.
    """
    frames: list[Frame] = []
    found: list[Violation] = []
    offset = index = 0
    while offset < len(data):
        at = f"$[{index}]"
        try:
            start, body, end = _bounds(data, offset)
        except DecodeError as exc:
            found.append(_CHECKS[exc.reason](at, str(exc)))
            if exc.end is None:
                break
            offset, index = exc.end, index + 1
            continue
        headers: dict[str, HeaderValue] = {}
        try:
            _read_headers(data[start:body], headers)
        except DecodeError as exc:
            found.append(_CHECKS[exc.reason](at, str(exc)))
        frames.append(Frame(index, headers, data[body : end - _CRC_LEN]))
        offset, index = end, index + 1
    return frames, found
