"""Reading request bodies as JSON the way the providers' parsers do: depth, number and constant rules.

A body Python would read but a provider's JavaScript or Java parser refuses (NaN, an overflowing number, nesting
past ``MAX_JSON_DEPTH``) is a ``ValueError``, so every provider answers it with its own 400.
"""

import json
import math
from typing import Any

import orjson

__all__ = ["MAX_JSON_DEPTH", "parse_json"]

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects a request body may have. No provider documents one (V8's JSON.parse has
none; Jackson, behind AWS's Java services, defaults to 1,000: ``StreamReadConstraints.DEFAULT_MAX_DEPTH``); 100 is
far beyond any real chat body (a tool schema nested 40 objects deep fits) and keeps every later step off Python's
recursion limit."""
_MAX_INT_DIGITS = 309
"""A JSON number must be a finite double, as JavaScript's ``JSON.parse`` (OpenRouter, AI/ML API) reads it
(ECMA-262 Number): an integer of 309 digits or more that passes ``1.8e308`` is refused (so Python's own
4,300-digit ``int`` limit is never reached)."""


class _Refused(ValueError):
    """A JSON text Python would read but a provider cannot: NaN/Infinity, an overflowing number, too deep."""


def _constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; RFC 8259 section 6 has no such numbers.
    raise _Refused(f"{name} is not a JSON value")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999999: valid grammar, but no double holds it (JSON.parse gives Infinity)
        raise _Refused(f"number {text[:20]}... is out of range")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) >= _MAX_INT_DIGITS and not math.isfinite(float(text)):
        raise _Refused(f"number {text[:20]}... ({len(text)} digits) is out of range")
    return int(text)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether arrays/objects nest deeper than ``limit`` (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


# Each byte by its role in a number: digits "9", exponent marks "e", signs "s", anything else " ".
_SHAPE_TABLE = bytes(
    ord("9") if 48 <= b <= 57 else ord("e") if b in b"eE" else ord("s") if b in b"+-" else ord(" ") for b in range(256)
)


def _number_shapes(raw: bytes) -> tuple[bool, bool]:
    """Whether ``raw`` may hold a number no double holds (a 100-digit run or a 3-digit exponent), and whether it
    may hold an integer past 64 bits (a 19-digit run: orjson would read it as a float, so the stdlib reads it).

    Checking each number in Python costs ~1.5 us (seconds for a body of a million numbers); this check is a few
    C-speed passes (``translate``, substring search), and only a body it flags pays for the callbacks.
    """
    shapes = raw.translate(_SHAPE_TABLE)
    long_run = b"9" * 19 in shapes
    return (long_run and b"9" * 100 in shapes) or b"e999" in shapes or b"es999" in shapes, long_run


def parse_json(data: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Read a JSON text as the providers do: ``ValueError`` with a short, printable reason when it is not one.

    UTF-8 only (RFC 8259 section 8.1: Python's json would also guess UTF-16 and UTF-32 from the bytes), no byte
    order mark (JSON.parse reads it as an unexpected token); refuses what Python's json accepts but JSON does not
    (NaN, Infinity), numbers no double holds, and nesting deeper than ``max_depth``.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    numbers, long_run = _number_shapes(raw)
    if not numbers and not long_run and not raw.startswith(b"\xef\xbb\xbf"):
        # orjson reads what the stdlib reads, into equal values, save integers past 64 bits (a long run sends
        # those to the stdlib) and what it refuses (lone surrogate escapes, NaN, ...): the stdlib path below reads
        # or words those exactly as before.
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            return _depth_checked(raw, value, max_depth)
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from exc
    if text.startswith("\ufeff"):
        raise ValueError("Unexpected byte order mark at position 0")
    try:
        if numbers:
            value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
        else:
            value = json.loads(text, parse_constant=_constant)
    except (_Refused, json.JSONDecodeError):
        raise
    except RecursionError as exc:
        raise _Refused(f"nesting deeper than {max_depth} levels") from exc
    except ValueError as exc:  # e.g. Python's int limit, worded for Python programmers
        raise _Refused("not a JSON text") from exc
    return _depth_checked(raw, value, max_depth)


def _depth_checked(raw: bytes, value: Any, max_depth: int) -> Any:
    opened = raw.count(b"[") + raw.count(b"{")
    if opened > max_depth and isinstance(value, dict | list) and _too_deep(value, max_depth):  # fewer: cannot be
        raise _Refused(f"nesting deeper than {max_depth} levels")
    return value
