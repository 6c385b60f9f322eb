"""Hostile JSON values and raw tokens: what the issue #9 fuzz run found bugs with, as hypothesis strategies."""

import copy
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "BIG", "HOSTILE", "NON_JSON", "ODD_SCHEMAS", "RAW", "SCALARS", "TEXTS", "VALUES", "odd_schemas", "odd_schemas_list",
]  # fmt: skip

# Raw JSON tokens, put into a serialised body in place of a value ---------------------------------------------

NON_JSON = {"NaN": b"NaN", "Infinity": b"Infinity", "-Infinity": b"-Infinity", "1e999999": b"1e999999",
            "-1e400": b"-1e400", "int5000": b"9" * 5000, "int4301": b"1" * 4301, "int310": b"9" * 310}  # fmt: skip
RAW = NON_JSON | {
    "int309": b"1" + b"0" * 308,  # 1e308: a finite double, accepted
    "int4300": b"7" * 4300,
    "surrogate": b'"\\ud800"',
    "surrogates": b'"a\\udfff\\ud800b\\udc00"',
    "utf8-surrogate": b'"\xed\xa0\x80"',  # a surrogate encoded in UTF-8 (CESU): invalid UTF-8
    "invalid-utf8": b'"\xff\xfe\xc3"',
    "deep1000": b"[" * 1000 + b"]" * 1000,
    "deep101": b"[" * 101 + b"]" * 101,
    "deep100": b"[" * 99 + b"]" * 99,
    "deep-objects": b'{"a":' * 400 + b"1" + b"}" * 400,
    "underflow": b"1e-400",
    "minus-zero": b"-0",
}


def odd_schemas_list() -> list[Any]:
    """Schemas with odd keywords, each a fresh copy."""
    return [
        {"type": "object", "properties": [1, 2]},
        {"type": "object", "properties": "x"},
        {"type": "object", "properties": {"a": 5, "b": None, "c": []}},
        {"enum": 5},
        {"enum": []},
        {"enum": "abc"},
        {"anyOf": "x"},
        {"oneOf": {"type": "string"}},
        {"allOf": [1, "x", {"type": "integer"}]},
        {"type": "integer", "minimum": "a"},
        {"type": "integer", "minimum": 10, "maximum": 1},
        {"type": "number", "minimum": -1e308, "maximum": 1e308},
        {"type": "number", "exclusiveMinimum": True, "minimum": 1.5},
        {"type": "integer", "minimum": 10**300, "maximum": 10**301},
        {"type": "number", "maximum": "1e999999"},
        {"type": "array", "minItems": 1000000},
        {"type": "array", "minItems": 10**200, "items": {"type": "array", "minItems": 1000}},
        {"type": "array", "minItems": "many", "maxItems": None},
        {"type": "array", "items": [{"type": "string"}, 5]},
        {"type": "array", "items": True},
        {"type": "string", "minLength": 10**9},
        {"type": "string", "minLength": -5, "maxLength": 1.5},
        {"type": "string", "format": ["date"]},
        {"type": ["string", 5, None]},
        {"type": 7},
        {"$ref": "#"},
        {"$ref": 5},
        {"$ref": "#/definitions/~1x/~0y/0/-"},
        {"$ref": "http://example.com/schema"},
        {"type": "object", "properties": {k: {"$ref": "#"} for k in "abcd"}},
        {"const": {"nested": [1, "\ud800"]}},
        True,
        False,
        None,
        [],
        "object",
    ]


def odd_schemas() -> st.SearchStrategy[Any]:
    """Schemas with odd keywords, the kind that crashed or stalled generation."""
    base = st.sampled_from(odd_schemas_list())
    nested = st.builds(lambda s: {"type": "object", "properties": {"x": s}, "required": ["x"]}, base)
    return st.one_of(base, nested).map(copy.deepcopy)  # fresh each time: mutations must not touch shared values


SURROGATES = ["\ud800", "a\udfffb", "\udc80\udc81", "\ud83d"]
TEXTS = st.one_of(
    st.sampled_from([*SURROGATES, "", " ", "\x00", "\u2028", "\ufeff", "é" * 3, "Hello", "\n\n", "x" * 5000]),
    st.text(max_size=20),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), TEXTS,
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**308, 1.5, -0.0, 5e-324, 1e308, -1e308, 2.0]),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
BIG = st.sampled_from([
    lambda: [1] * 40_000, lambda: ["x"] * 5_000, lambda: [{"type": "text"} for _ in range(3_000)],
    lambda: "y" * 200_000,
]).map(lambda make: make())  # fmt: skip
"""A 120 KB invalid list took 9 s and 500 MB to explain (issue #9)."""


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


NESTED = st.sampled_from([98, 99, 100, 101, 150]).map(_nested)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4), max_leaves=12
)
ODD_SCHEMAS = odd_schemas()
HOSTILE = st.one_of(VALUES, ODD_SCHEMAS, NESTED.map(copy.deepcopy))
