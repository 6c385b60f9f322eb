"""Deterministic replies: the same request and seed always give the same text, tool calls and usage."""

import hashlib
import json
import math
import random
import re
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Reply, ToolCall
from mockserver.behaviour.reasoning import reasoning_cut, think

__all__ = [
    "count_tokens",
    "finish_reply",
    "generate_reply",
    "instance_from_schema",
    "prompt_tokens",
    "rng_for",
    "tokenize",
    "tool_tokens",
]

# Pieces of roughly one Llama-4 token each: a word is cut every five characters, punctuation
# stands alone, leading spaces stick to the next piece. An approximation (the real tokenizer
# is a 200k-entry BPE that is not redistributable here); English prose averages ~4 chars/token.
_TOKEN = re.compile(r"\s*(?:\w{1,5}|[^\w\s])|\s+")
_PER_MESSAGE = 4  # <|header_start|>role<|header_end|> ... <|eot|> around each turn
_PER_IMAGE = 145  # one 336px tile of 144 patches + a tile separator; real counts vary with size
_PRIMING = 3  # <|begin_of_text|> + the assistant header that primes the reply

_SENTENCES = [
    "Llama 4 is a mixture-of-experts model with 17 billion active parameters.",
    "Here is a short answer to your question.",
    "The mock server produced this reply deterministically from your request.",
    "Every request with the same messages and seed gets the same words back.",
    "Token counts are estimated so that usage and cost look plausible.",
    "You can replace this text by adding a fixture that matches your prompt.",
    "Streaming splits the same text into several small deltas.",
    "Nothing here left your machine, and nothing was billed.",
    "Maverick uses 128 experts, while Scout uses 16 experts.",
    "Both models accept text and images as input.",
]


def tokenize(text: str) -> list[str]:
    """Cut text into token-sized pieces whose concatenation is the text."""
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    """Approximate the number of Llama 4 tokens in ``text``."""
    return len(tokenize(text))


def prompt_tokens(query: ChatQuery) -> int:
    """Approximate prompt tokens: text, chat-template overhead, images and tool definitions."""
    total = _PRIMING
    for message in query.messages:
        total += _PER_MESSAGE + count_tokens(message.text) + _PER_IMAGE * message.images
        for call in message.tool_calls:
            total += count_tokens(json.dumps(call, sort_keys=True))
    total += tool_tokens(query)
    if query.response_schema:
        total += count_tokens(json.dumps(query.response_schema))
    return total


def tool_tokens(query: ChatQuery) -> int:
    """Approximate tokens taken by the tool definitions (providers report them as "tool input")."""
    return sum(
        count_tokens(json.dumps({"name": t.name, "description": t.description, "parameters": t.parameters}))
        for t in query.tools
    )


def rng_for(query: ChatQuery, config_seed: int) -> random.Random:
    """A random generator seeded by the conversation, the request ``seed`` and the mock's seed."""
    material = json.dumps(
        {
            "family": query.family,
            "messages": [[m.role, m.text, m.images, m.tool_call_id] for m in query.messages],
            "tools": [t.name for t in query.tools],
            "seed": query.seed,
            "mock_seed": config_seed,
            "schema": query.response_schema,
        },
        sort_keys=True,
    )
    return random.Random(int.from_bytes(hashlib.sha256(material.encode()).digest()[:8], "big"))


def generate_reply(query: ChatQuery, config_seed: int) -> Reply:
    """Make up a plausible reply: a tool call when tools are on offer, JSON when a schema is asked for."""
    rng = rng_for(query, config_seed)
    tool = _tool_to_call(query)
    if tool is not None:
        arguments = instance_from_schema(tool.parameters, rng)
        call = ToolCall(_call_id(rng), tool.name, arguments if isinstance(arguments, dict) else {})
        return finish_reply(query, "", [call], reasoning=think(query, query.thinking, rng) if query.thinking else "")
    if query.response_schema is not None:
        text = json.dumps(instance_from_schema(query.response_schema, rng))
    elif query.json_mode:
        text = json.dumps({"answer": rng.choice(_SENTENCES)})
    else:
        count = rng.randint(1, 4)
        text = " ".join(rng.sample(_SENTENCES, count))
    # Reasoning is drawn after the answer, so a reasoning request leaves the answer's words as they were.
    return finish_reply(query, text, [], reasoning=think(query, query.thinking, rng) if query.thinking else "")


def _tool_to_call(query: ChatQuery) -> Any:
    if not query.tools or query.tool_choice == "none" or query.answers_tool:
        return None
    if query.tool_choice not in (None, "auto", "required"):
        for tool in query.tools:
            if tool.name == query.tool_choice:
                return tool
    return query.tools[0]


def _call_id(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "call_" + "".join(rng.choice(alphabet) for _ in range(24))


def finish_reply(
    query: ChatQuery, text: str, tool_calls: list[ToolCall], fixture: str | None = None, reasoning: str = ""
) -> Reply:
    """Apply ``stop`` and ``max_tokens`` to a reply's text and count its usage; reasoning comes out of the limit
    first (``behaviour/reasoning.py``) and is billed as output."""
    finish: Any = "tool_calls" if tool_calls else "stop"
    stop_hit = None
    for stop in query.stop:
        index = text.find(stop) if stop else -1
        if index >= 0 and (stop_hit is None or index < text.find(stop_hit)):
            stop_hit = stop
    if stop_hit is not None:
        text = text[: text.find(stop_hit)]
    thought, limit = reasoning_cut(query, tokenize(reasoning))
    pieces = tokenize(text)
    completion = len(pieces) + sum(count_tokens(json.dumps(c.arguments)) + 3 for c in tool_calls)
    if limit is not None and completion > limit:
        pieces = pieces[:limit]
        text = "".join(pieces)
        completion = limit
        tool_calls, finish, stop_hit = [], "length", None
    completion = max(completion + len(thought), 1)  # the end-of-turn token is always generated and billed
    reply = Reply(text, tool_calls, finish, prompt_tokens(query), completion, stop_hit, _group(pieces), fixture)
    if query.thinking is not None and thought:
        reply.reasoning, reply.reasoning_pieces = "".join(thought), _group(thought)
        reply.reasoning_tokens, reply.reasoning_shown = len(thought), query.thinking.shown
    return reply


def _group(pieces: list[str], size: int = 3) -> list[str]:
    """Join token pieces into stream deltas of a few tokens, as providers flush them."""
    return ["".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]


# Bounds on what a schema in a request (tool parameters, response_format, inputSchema) can make generation do:
# a 242-byte schema asking for ``minItems: 1000000`` must not stall the server. A schema asking for more gets a
# shorter value (a real model stops at its output limit too). Chosen by the mock, generous for any real schema.
MAX_DEPTH = 8
"""Nesting levels followed (``$ref``, ``anyOf``, ``properties``, ``items`` each count one)."""
MAX_ITEMS = 100
"""Items in one generated array, whatever ``minItems`` says."""
MAX_STRING = 1000
"""Characters in one generated string, whatever ``minLength`` says."""
MAX_VALUES = 2000
"""Values in one generated instance in all (a ``$ref`` to ``#`` from four properties would branch 4^8 ways)."""


def _finite(value: Any) -> float | None:
    """``value`` when it is a finite JSON number (``true`` is draft-04's exclusive flag, not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # an int past the largest double
        return None


def _size(schema: dict[str, Any], key: str, default: int, cap: int) -> int:
    value = _finite(schema.get(key, default))
    return min(default, cap) if value is None else max(0, min(int(value), cap))


def _pointer(root: Any, ref: Any) -> Any:
    """Follow a local ``$ref`` (``#/$defs/x``, RFC 6901 escapes); anything else resolves to ``{}``."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return {}
    target = root
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict):
            target = target.get(part, {})
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return {}
    return target


def instance_from_schema(schema: Any, rng: random.Random, root: Any = None, depth: int = 0) -> Any:
    """Build a value that validates against a (reasonable) JSON Schema; odd keywords are ignored, sizes bounded."""
    budget = [MAX_VALUES]
    return _instance(schema, rng, schema if root is None else root, depth, budget)


def _instance(schema: Any, rng: random.Random, root: Any, depth: int, budget: list[int]) -> Any:
    if not isinstance(schema, dict) or depth > MAX_DEPTH or budget[0] <= 0:
        return None
    budget[0] -= 1
    if "$ref" in schema:
        return _instance(_pointer(root, schema["$ref"]), rng, root, depth + 1, budget)
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return rng.choice(enum)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _instance(options[0], rng, root, depth + 1, budget)
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        merged: dict[str, Any] = {}
        for part in parts:
            merged.update(part if isinstance(part, dict) else {})
        return _instance(merged, rng, root, depth + 1, budget)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        return {str(name): _instance(sub, rng, root, depth + 1, budget) for name, sub in props.items()}
    if kind == "array":
        low = _size(schema, "minItems", 1, MAX_ITEMS)
        high = max(low, min(_size(schema, "maxItems", low + 1, MAX_ITEMS), low + 2))
        items = schema.get("items", {})
        count = min(rng.randint(low, high), max(budget[0], 0))
        if isinstance(items, list):  # draft-04 tuple form
            return [_instance(items[i] if i < len(items) else {}, rng, root, depth + 1, budget) for i in range(count)]
        return [_instance(items, rng, root, depth + 1, budget) for _ in range(count)]
    if kind in ("integer", "number"):
        return _number(schema, rng, kind == "integer")
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    return _string(schema, rng)


def _number(schema: dict[str, Any], rng: random.Random, integer: bool) -> int | float:
    minimum, exclusive_min = _finite(schema.get("minimum")), _finite(schema.get("exclusiveMinimum"))
    maximum, exclusive_max = _finite(schema.get("maximum")), _finite(schema.get("exclusiveMaximum"))
    low: float = next((b for b in (minimum, exclusive_min) if b is not None), 0)
    high: float = next((b for b in (maximum, exclusive_max) if b is not None), low + 100)
    if not math.isfinite(high):  # low + 100 past the largest double
        high = low
    if integer:
        low_i = math.ceil(low) + (1 if "exclusiveMinimum" in schema and float(low).is_integer() else 0)
        high_i = math.floor(high) - (1 if "exclusiveMaximum" in schema and float(high).is_integer() else 0)
        return rng.randint(low_i, max(low_i, high_i))
    if math.isfinite(high - low):
        value = round(rng.uniform(low, high), 2)
    else:  # a span wider than the largest double: mix the two ends instead of subtracting them
        share = rng.random()
        value = round(low * (1 - share) + high * share, 2)
    return min(max(value, low), high) if value not in (low, high) else low / 2 + high / 2


def _string(schema: dict[str, Any], rng: random.Random) -> str:
    formats = {
        "date": "2025-04-05",
        "date-time": "2025-04-05T12:00:00Z",
        "email": "llama@example.com",
        "uri": "https://example.com/",
    }
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in formats:
        return formats[fmt]
    words = ["Paris", "llama", "sunny", "alpha", "example", "forty-two", "blue", "Lisbon"]
    text = rng.choice(words)
    low = _size(schema, "minLength", 0, MAX_STRING)
    high = _size(schema, "maxLength", 64, MAX_STRING)
    text = (text * (low // max(len(text), 1) + 1))[: max(low, min(len(text) if len(text) >= low else low, high))]
    return text
