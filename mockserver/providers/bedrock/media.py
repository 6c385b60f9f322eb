"""Sizes of the media a Converse request carries: bytes of a blob member, pixels of an image.

Only what the conversation rules (``rules.py``) need: the byte size of ``source.bytes`` (base64 in the JSON body,
BOTOCORE serialize.py) or ``source.text``, and an image's width and height read from its header (PNG IHDR, GIF
logical screen, JPEG SOFn, WebP VP8/VP8L/VP8X). An image whose header cannot be read has no known size: the
rules then leave its dimensions unchecked, as a stub image in a test is not refused for them.
"""

import base64
import binascii
import struct
from typing import Any

__all__ = ["blob", "pixels"]

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def blob(source: Any) -> bytes | None:
    """The bytes of a ``source`` union (``bytes`` decoded, ``text`` encoded); None for an S3 location."""
    if not isinstance(source, dict):
        return None
    if isinstance(source.get("bytes"), str):
        value = source["bytes"]
        try:
            return base64.b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None
    if isinstance(source.get("text"), str):
        return str(source["text"]).encode()
    return None


def pixels(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG, GIF, JPEG or WebP image, or None when the header is not one of them."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None
