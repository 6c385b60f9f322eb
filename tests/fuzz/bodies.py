"""Realistic request bodies per kind, mutated: hostile values at random places, raw tokens, odd schemas where
schemas drive generation, byte damage; and CountTokens bodies with hostile inner requests."""

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.values import BIG, HOSTILE, ODD_SCHEMAS, RAW

__all__ = ["SEEDS", "count_tokens_bodies", "damaged", "mutated_bodies"]

MODEL = "meta-llama/llama-4-scout"

# Realistic bodies per request kind ---------------------------------------------------------------------------

_SCHEMA = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 20},
           "days": {"type": "integer", "minimum": 1, "maximum": 7},
           "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3}}, "required": ["city"]}  # fmt: skip
_OPENAI_TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                                    "parameters": _SCHEMA}}]  # fmt: skip
_MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": [{"type": "text", "text": "Hello"},
                                 {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    {"role": "user", "content": "And tomorrow?"},
]  # fmt: skip


def _openai_chat(variant: int) -> dict[str, Any]:
    body: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": "Hello"}]}
    if variant == 1:
        body |= {"messages": _MESSAGES, "tools": _OPENAI_TOOLS, "tool_choice": "auto", "max_tokens": 64}
    elif variant == 2:
        body |= {"response_format": {"type": "json_schema", "json_schema": {"name": "w", "schema": _SCHEMA}},
                 "temperature": 0.5, "stop": ["\n\n"], "seed": 7}  # fmt: skip
    elif variant == 3:
        body |= {"stream": True, "max_tokens": 20, "stream_options": {"include_usage": True}}
    return body


def _converse(variant: int) -> dict[str, Any]:
    body: dict[str, Any] = {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}
    if variant == 1:
        spec = {"name": "get_weather", "description": "Weather", "inputSchema": {"json": _SCHEMA}}
        body |= {"toolConfig": {"tools": [{"toolSpec": spec}], "toolChoice": {"auto": {}}},
                 "system": [{"text": "Be brief."}]}  # fmt: skip
    elif variant == 2:
        body |= {"inferenceConfig": {"maxTokens": 50, "temperature": 0.5, "topP": 0.9, "stopSequences": ["x"]}}
    elif variant == 3:
        body["messages"] += [
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"t": 1}}]}}]},
        ]
    return body


_PROMPT = ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
           "<|start_header_id|>assistant<|end_header_id|>\n\n")  # fmt: skip


def _invoke(variant: int) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": _PROMPT}
    if variant:
        body |= {"max_gen_len": 64, "temperature": 0.5, "top_p": 0.9}
    return body


def _responses(variant: int) -> dict[str, Any]:
    body: dict[str, Any] = {"model": MODEL, "input": "Hello"}
    if variant == 1:
        tool = {"type": "function", "name": "get_weather", "description": "Weather", "parameters": _SCHEMA}
        body |= {"tools": [tool], "tool_choice": "auto", "instructions": "Be brief.", "stream": True}
    elif variant == 2:
        body["input"] = [
            {"role": "user", "content": [{"type": "input_text", "text": "Hi"},
                                         {"type": "input_image", "image_url": "https://example.com/a.png"}]},
            {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
        ]  # fmt: skip
    elif variant == 3:
        body |= {"text": {"format": {"type": "json_schema", "name": "w", "schema": _SCHEMA}}, "max_output_tokens": 20}
    return body


def _messages(variant: int) -> dict[str, Any]:
    body: dict[str, Any] = {"model": MODEL, "max_tokens": 32, "messages": [{"role": "user", "content": "Hello"}]}
    if variant == 1:
        body |= {"tools": [{"name": "get_weather", "description": "Weather", "input_schema": _SCHEMA}],
                 "tool_choice": {"type": "auto"}, "system": [{"type": "text", "text": "Be brief."}], "stream": True}
    elif variant == 2:
        body["messages"] += [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "get_weather", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "sunny"}]},
        ]
    elif variant == 3:
        body |= {"stop_sequences": ["x"], "temperature": 0.5, "top_k": 5, "stream": True}
    return body


SEEDS: dict[str, Callable[[int], dict[str, Any]]] = {
    "responses-request": _responses,
    "messages-request": _messages,
    "chat-request": _openai_chat,
    "completions-request": lambda v: {"model": MODEL, "prompt": "Hello" if v % 2 else ["a", "b"], "max_tokens": 16},
    "converse-request": _converse,
    "invoke-request": _invoke,
}


# Mutating a document ------------------------------------------------------------------------------------------

_PLACEHOLDER = "\u0000RAW{}\u0000"


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``document`` (the first 8 items of a list only: a 40,000-item list is one big value)."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document[:8]):
            found += _paths(value, (*prefix, index))
    return found


def _put(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


# Where schemas drive generation, per request kind: odd schemas go there.
SCHEMA_SLOTS = {
    "chat-request": [("tools", 0, "function", "parameters"), ("tools", 0, "function", "parameters", "properties"),
                     ("response_format",)],
    "converse-request": [("toolConfig", "tools", 0, "toolSpec", "inputSchema", "json"),
                         ("toolConfig", "tools", 0, "toolSpec", "inputSchema")],
}  # fmt: skip


@st.composite
def mutated_bodies(draw: st.DrawFn, kind: str) -> tuple[bytes, list[str], bool]:
    """A realistic body for ``kind``, mutated; returns the bytes, the raw tokens put in, and byte damage."""
    document = copy.deepcopy(SEEDS[kind](draw(st.integers(0, 3))))
    if kind == "chat-request" and draw(st.integers(0, 2)) == 0:
        document["stream"] = True  # every seed also streamed: SSE rendering of hostile values
    tokens: list[str] = []
    if kind in SCHEMA_SLOTS and draw(st.integers(0, 3)) == 0:
        slot = draw(st.sampled_from(SCHEMA_SLOTS[kind]))
        schema = draw(ODD_SCHEMAS)
        if kind == "chat-request" and slot == ("response_format",):
            document["response_format"] = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
        elif kind == "chat-request":
            document["tools"] = copy.deepcopy(_OPENAI_TOOLS)
            _put(document, slot, schema)
        else:
            document.update(copy.deepcopy(_converse(1)))
            _put(document, slot, schema)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "add", "raw", "raw", "delete", "big"]))
        if action == "raw":
            name = draw(st.sampled_from(sorted(RAW)))
            tokens.append(name)
            document = _put(document, path, _PLACEHOLDER.format(len(tokens) - 1))
        elif action == "delete" and path:
            parent = document
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]
        elif action == "add":
            target = document
            for key in path:
                target = target[key]
            if isinstance(target, dict):
                target[draw(st.sampled_from(["model", "max_tokens", "stream", "extra", "\ud800", "inputSchema"]))] = (
                    draw(HOSTILE)
                )
            elif isinstance(target, list):
                target.append(draw(HOSTILE))
        else:
            document = _put(document, path, draw(BIG if action == "big" else HOSTILE))
    body = json.dumps(document).encode()  # ASCII escapes: a lone surrogate travels as \ud800
    placed = []
    for index, name in enumerate(tokens):
        placeholder = json.dumps(_PLACEHOLDER.format(index)).encode()
        if placeholder in body:  # a later mutation may have replaced it
            body = body.replace(placeholder, RAW[name])
            placed.append(name)
    tokens = placed
    hit = draw(st.integers(0, 5)) == 0
    if hit:
        body = draw(damaged(body))
    return body, tokens, hit


@st.composite
def damaged(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` with byte damage: cut, spliced, re-encoded, replaced."""
    how = draw(st.sampled_from(["truncate", "insert", "replace", "bom", "utf16", "random", "empty", "repeat"]))
    at = draw(st.integers(0, len(body)))
    if how == "truncate":
        return body[:at]
    if how == "insert":
        return body[:at] + draw(st.binary(min_size=1, max_size=8)) + body[at:]
    if how == "replace":
        return body[:at] + draw(st.binary(min_size=1, max_size=1)) + body[at + 1 :]
    if how == "bom":
        return b"\xef\xbb\xbf" + body
    if how == "utf16":
        return body.decode("latin-1").encode("utf-16")
    if how == "empty":
        return draw(st.sampled_from([b"", b" ", b"\n", b"null", b"[]", b"{}", b'""', b"0"]))
    if how == "repeat":
        return body + body
    return draw(st.binary(max_size=64))



@st.composite
def count_tokens_bodies(draw: st.DrawFn) -> tuple[bytes, list[str], bool]:
    """CountTokens: ``{"input": {"converse": ...}}`` or ``{"input": {"invokeModel": {"body": base64}}}``, hostile."""
    form = draw(st.sampled_from(["converse", "invoke", "odd"]))
    if form == "converse":
        inner, tokens, hit = draw(mutated_bodies("converse-request"))
        return b'{"input":{"converse":' + inner + b"}}", tokens, hit
    if form == "invoke":
        inner, tokens, hit = draw(mutated_bodies("invoke-request"))
        blob = base64.b64encode(inner).decode() if draw(st.integers(0, 5)) else "not base64!"
        return json.dumps({"input": {"invokeModel": {"body": blob}}}).encode(), tokens, hit
    odd = draw(st.sampled_from([5, "x", None, [], {}, {"body": 5}, {"body": None}, {"body": []}, [1, 2]]))
    key = draw(st.sampled_from(["invokeModel", "converse", "both", "other"]))
    given = {"invokeModel": odd, "converse": odd} if key == "both" else {key: odd}
    return json.dumps({"input": given if draw(st.integers(0, 4)) else odd}).encode(), [], False
