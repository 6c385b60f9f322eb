"""Decode AWS event-stream frames (application/vnd.amazon.eventstream) without trusting them."""

import struct
import uuid
import zlib
from dataclasses import dataclass

from contracts.checks import ES_FRAMING, ES_HEADERS, ES_MESSAGE_CRC, ES_PRELUDE_CRC, Violation

__all__ = ["MAX_HEADERS", "MAX_PAYLOAD", "Frame", "HeaderValue", "decode", "encode"]

# Limits from botocore eventstream.py (_MAX_HEADERS_LENGTH, _MAX_PAYLOAD_LENGTH); wire-contracts §3.7.
MAX_HEADERS = 128 * 1024
MAX_PAYLOAD = 24 * 1024 * 1024
_PRELUDE = 12

HeaderValue = bool | int | bytes | str


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded message: its index in the stream, headers and raw payload."""

    index: int
    headers: dict[str, HeaderValue]
    payload: bytes


def _crc(data: bytes) -> int:
    # IEEE CRC-32 as zlib computes it (BOTOCORE eventstream.py uses binascii.crc32).
    return zlib.crc32(data) & 0xFFFFFFFF


def decode(data: bytes) -> tuple[list[Frame], list[Violation]]:
    """Decode every frame; CRC and framing faults become violations, never exceptions."""
    frames: list[Frame] = []
    violations: list[Violation] = []
    pos = 0
    while pos < len(data):
        at = f"$[{len(frames)}]"
        if len(data) - pos < _PRELUDE + 4:
            violations.append(ES_FRAMING(at, f"{len(data) - pos} trailing bytes at offset {pos} are not a frame"))
            break
        total, headers_length, prelude_crc = struct.unpack_from(">III", data, pos)
        if _crc(data[pos : pos + 8]) != prelude_crc:
            # Lengths cannot be trusted after a bad prelude, so decoding stops here.
            violations.append(ES_PRELUDE_CRC(at, f"prelude CRC {prelude_crc:08x} does not match at offset {pos}"))
            break
        payload_length = total - headers_length - _PRELUDE - 4
        if headers_length > MAX_HEADERS or payload_length > MAX_PAYLOAD or payload_length < 0:
            violations.append(ES_FRAMING(at, f"bad lengths total={total} headers={headers_length}"))
            break
        if pos + total > len(data):
            violations.append(ES_FRAMING(at, f"frame needs {total} bytes, {len(data) - pos} left (truncated)"))
            break
        (message_crc,) = struct.unpack_from(">I", data, pos + total - 4)
        if _crc(data[pos : pos + total - 4]) != message_crc:
            violations.append(ES_MESSAGE_CRC(at, f"message CRC {message_crc:08x} does not match at offset {pos}"))
        else:
            header_bytes = data[pos + _PRELUDE : pos + _PRELUDE + headers_length]
            headers, problems = _decode_headers(header_bytes, at)
            violations.extend(problems)
            payload = data[pos + _PRELUDE + headers_length : pos + total - 4]
            frames.append(Frame(len(frames), headers, payload))
        pos += total
    return frames, violations


def _decode_headers(raw: bytes, at: str) -> tuple[dict[str, HeaderValue], list[Violation]]:
    headers: dict[str, HeaderValue] = {}
    pos = 0
    try:
        while pos < len(raw):
            name_length = raw[pos]
            name = raw[pos + 1 : pos + 1 + name_length].decode("utf-8")
            pos += 1 + name_length
            value, pos = _decode_value(raw, pos)
            if name in headers:
                return headers, [ES_HEADERS(at, f"duplicate header {name!r}")]
            headers[name] = value
    except (IndexError, struct.error, UnicodeDecodeError, ValueError) as exc:
        return headers, [ES_HEADERS(at, f"undecodable headers at byte {pos}: {exc}")]
    return headers, []


def _decode_value(raw: bytes, pos: int) -> tuple[HeaderValue, int]:
    kind = raw[pos]
    pos += 1
    if kind in (0, 1):
        return kind == 0, pos
    fixed = {2: ">b", 3: ">h", 4: ">i", 5: ">q", 8: ">q"}
    if kind in fixed:
        fmt = fixed[kind]
        return struct.unpack_from(fmt, raw, pos)[0], pos + struct.calcsize(fmt)
    if kind in (6, 7):
        (length,) = struct.unpack_from(">H", raw, pos)
        value = raw[pos + 2 : pos + 2 + length]
        if len(value) != length:
            raise ValueError("header value runs past the headers")
        return (value.decode("utf-8") if kind == 7 else value), pos + 2 + length
    if kind == 9:
        return str(uuid.UUID(bytes=raw[pos : pos + 16])), pos + 16
    raise ValueError(f"unknown header value type {kind}")


def encode(headers: dict[str, str], payload: bytes) -> bytes:
    """Encode one frame with string headers; used to build fixtures and test mutants."""
    header_bytes = b"".join(
        bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(value.encode())) + value.encode()
        for name, value in headers.items()
    )
    total = _PRELUDE + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(header_bytes))
    prelude += struct.pack(">I", _crc(prelude))
    message = prelude + header_bytes + payload
    return message + struct.pack(">I", _crc(message))
