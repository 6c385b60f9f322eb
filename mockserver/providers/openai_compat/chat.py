"""The OpenAI chat vocabulary OpenRouter and AI/ML API share, read into and out of ``ChatQuery``/``Reply``.

Each provider keeps its own ids, envelopes and errors; the message, delta and usage shapes are common.
"""

import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Message, Reply, Tool
from mockserver.http import MockResponse, json_bytes

__all__ = ["chunk_deltas", "delta_count", "message_of", "query_from_body", "sse_event", "sse_response", "usage_counts"]


def _text_and_images(content: Any) -> tuple[str, int]:
    if isinstance(content, str):
        return content, 0
    if not isinstance(content, list):
        return "", 0
    texts, images = [], 0
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            texts.append(str(part.get("text", "")))
        elif isinstance(part, dict) and part.get("type") == "image_url":
            images += 1
    return "\n".join(texts), images


def query_from_body(body: dict[str, Any], provider: str, operation: str, model: str, family: str) -> ChatQuery:
    """Read an OpenAI-style chat body (already schema-valid) into a ``ChatQuery``."""
    messages = []
    for raw in body["messages"]:
        text, images = _text_and_images(raw.get("content"))
        messages.append(Message(raw["role"], text, images, raw.get("tool_call_id"), list(raw.get("tool_calls") or [])))
    tools = [
        Tool(t["function"]["name"], t["function"].get("description", ""), t["function"].get("parameters") or {})
        for t in body.get("tools") or []
    ]
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        choice = choice["function"]["name"]
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema", {}) if fmt.get("type") == "json_schema" else None
    stop = body.get("stop")
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    return ChatQuery(
        provider=provider,
        operation=operation,
        model=model,
        family=family,
        messages=messages,
        tools=tools,
        tool_choice=choice,
        response_schema=schema,
        json_mode=fmt.get("type") == "json_object",
        max_tokens=int(limit) if limit is not None else None,
        stop=[stop] if isinstance(stop, str) else list(stop or []),
        seed=body.get("seed"),
        stream=bool(body.get("stream")),
        body=body,
        features=_features(body, messages, tools, choice, fmt),
    )


def _features(
    body: dict[str, Any], messages: list[Message], tools: list[Tool], choice: Any, fmt: dict[str, Any]
) -> frozenset[str]:
    """What an OpenAI-style request uses, in the capability matrix's terms (``behaviour/capabilities.py``)."""
    found = {"system"} if any(m.role in ("system", "developer") for m in messages) else set()
    found |= {"vision"} if any(m.images for m in messages) else set()
    found |= {"tools"} if tools else set()
    if tools and choice is not None:
        found.add({"auto": "tool_choice.auto", "none": "tool_choice.auto", "required": "tool_choice.any"}.get(
            str(choice), "tool_choice.tool"))  # fmt: skip
    found |= {"stop_sequences"} if body.get("stop") else set()
    if fmt.get("type") in ("json_schema", "json_object"):
        found.add(f"response_format.{fmt['type']}")
    found |= {"streaming"} if body.get("stream") else set()
    if tools and body.get("stream"):
        found.add("streaming_tools")
    return frozenset(found)


def _tool_call_dicts(reply: Reply) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
        for c in reply.tool_calls
    ]


def message_of(reply: Reply) -> dict[str, Any]:
    """The assistant message of a non-streamed reply (``content`` is ``""`` when only tools are called)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    calls = _tool_call_dicts(reply)
    if calls:
        message["tool_calls"] = [call | {"index": i} for i, call in enumerate(calls)]
    return message


def _argument_cut(arguments: str) -> int:
    return max(1, len(arguments) // 3)


def delta_count(reply: Reply) -> int:
    """How many deltas ``chunk_deltas`` yields, without making them (streams are made as they are sent)."""
    count = len(reply.pieces)
    for call in _tool_call_dicts(reply):
        arguments = call["function"]["arguments"]
        count += 1 + len(range(0, len(arguments), _argument_cut(arguments)))
    return count or 1


def _deltas(reply: Reply) -> Iterator[dict[str, Any]]:
    for piece in reply.pieces:
        yield {"content": piece}
    for index, call in enumerate(_tool_call_dicts(reply)):
        arguments = call["function"]["arguments"]
        head = {
            "index": index,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        yield {"content": None, "tool_calls": [head]}
        cut = _argument_cut(arguments)
        for start in range(0, len(arguments), cut):
            piece = arguments[start : start + cut]
            yield {"content": None, "tool_calls": [{"index": index, "function": {"arguments": piece}}]}
    if not reply.pieces and not reply.tool_calls:
        yield {"content": ""}


def chunk_deltas(reply: Reply) -> Iterator[tuple[dict[str, Any], str | None]]:
    """The ``delta`` objects a streamed reply is cut into, as they are needed, each with its finish reason (only
    the last has one); ``delta_count`` says how many."""
    last = delta_count(reply) - 1
    for i, delta in enumerate(_deltas(reply)):
        yield delta, reply.finish if i == last else None


def usage_counts(reply: Reply) -> dict[str, Any]:
    """The three usage counters both providers send (OR-SPEC ChatUsage, AIML-DOCS)."""
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def sse_event(document: Any) -> bytes:
    """One ``data:`` event, compact JSON as both providers send."""
    return b"data: " + json_bytes(document) + b"\n\n"


_quoted = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes a str with (C speed)
PIECE = "\x00mock-piece\x00"
"""A placeholder string for ``sse_template``: written ``"\\u0000mock-piece\\u0000"``, never a document's own text."""


def sse_template(document: Any) -> tuple[bytes, bytes]:
    """``sse_event(document)`` split around its one ``PIECE`` value: a pre-rendered envelope for the many events
    that differ only in that string (a stream's content deltas)."""
    prefix, mark, suffix = sse_event(document).partition(json_bytes(PIECE))
    if not mark or PIECE.encode() in suffix:
        raise ValueError("an SSE template needs exactly one PIECE value")
    return prefix, suffix


def sse_piece(template: tuple[bytes, bytes], piece: str) -> bytes:
    """``sse_event`` of the template's document with ``piece`` for ``PIECE``, byte for byte (the encoder writes
    a string the same alone as inside a document)."""
    try:
        return template[0] + _quoted(piece).encode() + template[1]
    except UnicodeEncodeError:  # a lone surrogate: json_bytes writes it as its escape
        return template[0] + json_bytes(piece) + template[1]


def sse_response(chunks: Collection[bytes], headers: Mapping[str, str]) -> MockResponse:
    """A 200 ``text/event-stream`` response with the given events."""
    merged = {"content-type": "text/event-stream", "cache-control": "no-cache"} | dict(headers)
    return MockResponse(200, merged, chunks=chunks)
