"""Bedrock documents without HTTP: requests to ``ChatQuery``, ``Reply`` to native documents and stream events."""

import base64
import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import ChatQuery, Message, Reply, Tool, ToolCall
from mockserver.behaviour.generate import count_tokens, prompt_tokens, rng_for
from mockserver.providers.bedrock.catalogue import streaming
from mockserver.providers.bedrock.errors import validation
from mockserver.providers.bedrock.features import converse_features, invoke_features
from mockserver.providers.bedrock.members import response_schema
from mockserver.providers.bedrock.prompt import parse_prompt

__all__ = [
    "PADDING_ALPHABET",
    "Timing",
    "check_streaming",
    "converse_document",
    "converse_events",
    "converse_query",
    "count_input_tokens",
    "decode_blob",
    "invoke_chunks",
    "invoke_document",
    "invoke_query",
    "padding",
    "timing",
    "tool_use_id",
]

PROVIDER = "bedrock"
# Observed padding alphabet and shape: a prefix of this string, random length ([obs] wire-contracts §3.4, §3.6).
PADDING_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
# [obs] earendil-works/pi#3739 (Llama 4, 2026-04).
NO_STREAM_TOOLS = "This model doesn't support tool use in streaming mode."
# [obs] for other models (aws-samples/amazon-bedrock-client-for-mac#112); assumed for Llama 4 in "off" mode.
NO_STREAM = "The model is unsupported for streaming."
_FINISH = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


@dataclass(frozen=True, slots=True)
class Timing:
    """Deterministic latencies for one reply, in milliseconds."""

    first_byte: int
    total: int


def timing(query: ChatQuery, reply: Reply, seed: int) -> Timing:
    """Plausible latencies derived from the conversation and seed (no clock: replies stay reproducible)."""
    rng = rng_for(query, seed)
    first = rng.randint(180, 450)
    return Timing(first, first + reply.completion_tokens * rng.randint(6, 12))


def padding(material: bytes, index: int) -> str:
    """The ``p`` field of event ``index``: a prefix of the alphabet, length derived from the request."""
    digest = hashlib.sha256(material + index.to_bytes(4, "big")).digest()
    return PADDING_ALPHABET[: 1 + digest[0] % len(PADDING_ALPHABET)]


def tool_use_id(call: ToolCall) -> str:
    """A Bedrock-style ``tooluse_`` + 22 characters id ([obs] wire-contracts §3.5), stable per call id."""
    if call.id.startswith("tooluse_"):
        return call.id
    rng = random.Random(hashlib.sha256(call.id.encode()).digest())
    return "tooluse_" + "".join(rng.choice(_ID_ALPHABET) for _ in range(22))


def check_streaming(model: Model, override: str | None, has_tools: bool) -> None:
    """Refuse a streaming call the way the configured Llama 4 streaming mode says."""
    mode = streaming(model) if override in (None, "catalogue") else override
    if mode == "off":
        raise validation(NO_STREAM)
    if mode == "no-tools" and has_tools:
        raise validation(NO_STREAM_TOOLS)


# InvokeModel: the Meta Llama native body ------------------------------------------------------------


def invoke_query(model: Model, body: dict[str, Any], operation: str, stream: bool) -> ChatQuery:
    """The neutral query for a validated Llama native body (max_gen_len default 512, BR-DOCS)."""
    max_gen = int(body.get("max_gen_len", 512))
    messages = parse_prompt(str(body["prompt"]), images=len(body.get("images", [])))
    return ChatQuery(
        PROVIDER,
        operation,
        model.id,
        model.family,
        messages,
        max_tokens=min(max_gen, model.max_output_tokens),
        stream=stream,
        body=body,
        features=invoke_features(body),
    )


def _generation(reply: Reply) -> str:
    # Llama on InvokeModel has no structured tool calls; it writes them as text, e.g. [get_weather(city="Paris")].
    if not reply.tool_calls:
        return reply.text
    calls = ", ".join(
        f"{c.name}({', '.join(f'{k}={json.dumps(v)}' for k, v in c.arguments.items())})" for c in reply.tool_calls
    )
    return (reply.text + " " if reply.text else "") + f"[{calls}]"


def invoke_document(reply: Reply) -> dict[str, Any]:
    """The InvokeModel response body for Meta models ([obs] wire-contracts §3.3)."""
    return {
        "generation": _generation(reply),
        "prompt_token_count": reply.prompt_tokens,
        "generation_token_count": reply.completion_tokens,
        "stop_reason": "length" if reply.finish == "length" else "stop",
    }


def invoke_chunks(reply: Reply, time: Timing) -> list[dict[str, Any]]:
    """Decoded stream chunks: prompt count on the first only, a cumulative generation count, metrics last."""
    text = _generation(reply)
    pieces = reply.pieces if not reply.tool_calls else [text]
    chunks: list[dict[str, Any]] = []
    so_far = ""
    for i, piece in enumerate(pieces):
        so_far += piece
        count = min(count_tokens(so_far), reply.completion_tokens)
        chunks.append(
            {
                "generation": piece,
                "prompt_token_count": reply.prompt_tokens if i == 0 else None,
                "generation_token_count": count,
                "stop_reason": None,
            }
        )
    final = invoke_document(reply)
    chunks.append(
        {
            "generation": "",
            "prompt_token_count": None if chunks else reply.prompt_tokens,
            "generation_token_count": reply.completion_tokens,
            "stop_reason": final["stop_reason"],
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": reply.prompt_tokens,
                "outputTokenCount": reply.completion_tokens,
                "invocationLatency": time.total,
                "firstByteLatency": time.first_byte,
            },
        }
    )
    return chunks


# Converse ---------------------------------------------------------------------------------------------


def _tool_choice(config: dict[str, Any]) -> str | None:
    choice = config.get("toolChoice") or {}
    if "any" in choice:
        return "required"
    if "tool" in choice:
        return str(choice["tool"].get("name"))
    return "auto" if config else None


def _turns(message: dict[str, Any]) -> list[Message]:
    role = str(message["role"])
    texts: list[str] = []
    images = 0
    tool_calls: list[dict[str, Any]] = []
    results: list[Message] = []
    for block in message.get("content", []):
        if "text" in block:
            texts.append(str(block["text"]))
        elif "image" in block:
            images += 1
        elif "toolUse" in block:
            use = block["toolUse"]
            tool_calls.append({"id": use.get("toolUseId"), "name": use.get("name"), "arguments": use.get("input")})
        elif "toolResult" in block:
            result = block["toolResult"]
            parts = [str(p["text"]) if "text" in p else json.dumps(p.get("json")) for p in result.get("content", [])]
            results.append(Message("tool", "\n".join(parts), tool_call_id=str(result.get("toolUseId"))))
    turns = list(results)
    if texts or images or tool_calls or not results:
        turns.append(Message(role, "\n".join(texts), images=images, tool_calls=tool_calls))
    return turns


def converse_query(model: Model, body: dict[str, Any], operation: str, stream: bool) -> ChatQuery:
    """The neutral query for a validated Converse body (the engine checks maxTokens against the model)."""
    config = body.get("inferenceConfig") or {}
    messages = [Message("system", str(b["text"])) for b in body.get("system", []) if "text" in b]
    for message in body.get("messages", []):
        messages.extend(_turns(message))
    tool_config = body.get("toolConfig") or {}
    tools = [
        Tool(
            str(t["toolSpec"]["name"]),
            str(t["toolSpec"].get("description", "")),
            dict(t["toolSpec"].get("inputSchema", {}).get("json") or {}),  # an object: validation.tool_schema_problem
        )
        for t in tool_config.get("tools", [])
        if "toolSpec" in t
    ]
    return ChatQuery(
        PROVIDER,
        operation,
        model.id,
        model.family,
        messages,
        tools=tools,
        tool_choice=_tool_choice(tool_config),
        response_schema=response_schema(body),  # outputConfig.textFormat (members.py)
        max_tokens=config.get("maxTokens"),
        stop=list(config.get("stopSequences", [])),
        stream=stream,
        body=body,
        features=converse_features(body),
    )


def _stop_reason(reply: Reply) -> str:
    return "stop_sequence" if reply.stop_sequence is not None else _FINISH[reply.finish]


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "inputTokens": reply.prompt_tokens,
        "outputTokens": reply.completion_tokens,
        "totalTokens": reply.prompt_tokens + reply.completion_tokens,
    }


def converse_document(reply: Reply, time: Timing) -> dict[str, Any]:
    """The Converse response body (BR-MODEL ConverseResponse; key order as observed: sorted)."""
    content: list[dict[str, Any]] = [{"text": reply.text}] if reply.text or not reply.tool_calls else []
    content += [
        {"toolUse": {"input": c.arguments, "name": c.name, "toolUseId": tool_use_id(c)}} for c in reply.tool_calls
    ]
    # [obs] a 2026 Llama 4 Maverick capture carries usage.serverToolUsage {} (not in BR-MODEL; botocore ignores it).
    return {
        "metrics": {"latencyMs": time.total},
        "output": {"message": {"content": content, "role": "assistant"}},
        "stopReason": _stop_reason(reply),
        "usage": {**_usage(reply), "serverToolUsage": {}},
    }


def converse_events(reply: Reply, time: Timing) -> list[tuple[str, dict[str, Any]]]:
    """ConverseStream events in order; text blocks get no contentBlockStart ([obs] wire-contracts §3.6)."""
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    index = 0
    if reply.text or not reply.tool_calls:
        for piece in reply.pieces or [""]:
            events.append(("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": piece}}))
        events.append(("contentBlockStop", {"contentBlockIndex": index}))
        index += 1
    for call in reply.tool_calls:
        start = {"toolUse": {"name": call.name, "toolUseId": tool_use_id(call)}}
        events.append(("contentBlockStart", {"contentBlockIndex": index, "start": start}))
        arguments = json.dumps(call.arguments, separators=(",", ":"))
        for i in range(0, max(len(arguments), 1), 16):
            delta = {"toolUse": {"input": arguments[i : i + 16]}}
            events.append(("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
        events.append(("contentBlockStop", {"contentBlockIndex": index}))
        index += 1
    events.append(("messageStop", {"stopReason": _stop_reason(reply)}))
    events.append(("metadata", {"metrics": {"latencyMs": time.total}, "usage": _usage(reply)}))
    return events


# CountTokens ------------------------------------------------------------------------------------------


def count_input_tokens(query: ChatQuery) -> int:
    """Input tokens the model would bill for ``query`` (the same estimate the replies report)."""
    return prompt_tokens(query)


def decode_blob(value: Any) -> bytes:
    """Decode a rest-json blob member (base64 in the JSON body, BOTOCORE serialize.py)."""
    try:
        return base64.b64decode(str(value), validate=True)
    except ValueError as exc:
        raise validation(
            "Malformed input request: the body is not valid base64, please reformat your input and try again."
        ) from exc
