"""A reply in the Anthropic Messages vocabulary as OpenRouter serves it: the message and its stream (no HTTP).

Shapes, key order and members as OpenRouter sent them for a model it translates from chat ([obs] bgrins/agent-
sdk-behavior results/openai-gpt-oss-120b/claude-v0.2.144/run-1/wire.md @ 8cd4b42, DeepInfra, 2026-08-24):
``event:`` lines naming each type, message_start with zero usage and ``provider``, text blocks opened with
``citations: []``, message_delta carrying stop_reason and the usage with cost, message_stop, then
``event: data`` / ``data: [DONE]`` (which the Anthropic SDK skips). Event names, members: OR-SPEC MessagesStreamEvents.
"""

import json
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.http import json_bytes
from mockserver.providers.openrouter.documents import Served
from mockserver.providers.openrouter.usage import usage_of

__all__ = ["message_document", "message_events", "messages_usage", "stop_reason"]

_DONE = b"event: data\ndata: [DONE]\n\n"  # [obs] the capture above


def _event(document: dict[str, Any]) -> bytes:
    return b"event: " + str(document["type"]).encode() + b"\ndata: " + json_bytes(document) + b"\n\n"


def stop_reason(reply: Reply) -> str:
    """Anthropic's stop_reason for the chat finish reason (OR-SPEC ORAnthropicStopReason)."""
    if reply.finish == "stop":
        return "stop_sequence" if reply.stop_sequence else "end_turn"
    return {"length": "max_tokens", "tool_calls": "tool_use"}[reply.finish]


def messages_usage(served: Served, prompt: int, completion: int) -> dict[str, Any]:
    """The final usage: Anthropic's counters, then OpenRouter's cost, is_byok and cost_details ([obs] above)."""
    usage = usage_of(served.model, prompt, completion, served.usage)
    return {"input_tokens": prompt, "output_tokens": completion, "output_tokens_details": None,
            "cache_creation_input_tokens": None, "cache_read_input_tokens": 0, "cache_creation": None,
            "server_tool_use": None, "service_tier": None, "speed": "standard",
            "cost": usage["cost"], "is_byok": False, "cost_details": usage["cost_details"]}  # fmt: skip


def _reasoning(reply: Reply) -> str | None:
    # Hook for reasoning models: reasoning text renders as a thinking block before the text, signature "" as
    # OpenRouter sends a translated model's thinking ([obs] above). Reply has no such field yet.
    text = getattr(reply, "reasoning", None)
    return text if isinstance(text, str) and text else None


def _blocks(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    thought = _reasoning(reply)
    if thought is not None:
        blocks.append({"type": "thinking", "thinking": thought, "signature": ""})
    if reply.text or not reply.tool_calls:
        blocks.append({"type": "text", "text": reply.text, "citations": []})
    blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in reply.tool_calls]
    return blocks


def _message(gen_id: str, served: Served, content: list[dict[str, Any]], stop: str | None, stop_sequence: str | None,
             usage: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    return {"id": gen_id, "type": "message", "role": "assistant", "container": None, "content": content,
            "model": served.model.id, "stop_reason": stop, "stop_details": None, "stop_sequence": stop_sequence,
            "usage": usage, "provider": served.provider}  # fmt: skip


def message_document(gen_id: str, served: Served, reply: Reply) -> dict[str, Any]:
    """The non-streamed answer (OR-SPEC MessagesResult; members as the stream's message_start)."""
    usage = messages_usage(served, reply.prompt_tokens, reply.completion_tokens)
    document = _message(gen_id, served, _blocks(reply), stop_reason(reply), reply.stop_sequence, usage)
    if served.metadata is not None:
        document["openrouter_metadata"] = served.metadata  # OR-SPEC MessagesResult.openrouter_metadata
    return document


def _block_events(index: int, block: dict[str, Any], reply: Reply) -> list[tuple[dict[str, Any], bool]]:
    """One block's start, deltas (flagged) and stop."""
    at = {"index": index}
    if block["type"] == "thinking":
        opened: dict[str, Any] = {"type": "thinking", "thinking": "", "signature": ""}
        deltas = [{"type": "thinking_delta", "thinking": block["thinking"]}]
    elif block["type"] == "text":
        opened = {"type": "text", "text": "", "citations": []}
        deltas = [{"type": "text_delta", "text": piece} for piece in reply.pieces or [reply.text] if piece]
    else:
        opened = block | {"input": {}}
        arguments = json.dumps(block["input"])
        cut = max(1, len(arguments) // 3)  # the same three-ish pieces as the chat stream's tool deltas
        deltas = [{"type": "input_json_delta", "partial_json": arguments[i : i + cut]}
                  for i in range(0, len(arguments), cut)]  # fmt: skip
    return ([({"type": "content_block_start", **at, "content_block": opened}, False)]
            + [({"type": "content_block_delta", **at, "delta": d}, True) for d in deltas]
            + [({"type": "content_block_stop", **at}, False)])  # fmt: skip


def message_events(gen_id: str, served: Served, reply: Reply, fault_at: int | None = None) -> list[bytes]:
    """The SSE transcript: message_start, each block's events, message_delta, message_stop, [DONE].

    ``fault_at`` (``x-mock-stream-fault``) ends the stream before that delta with Anthropic's ``error`` event,
    OpenRouter's words and typed ``error_type`` in it (OR-SPEC MessagesErrorEvent).
    """
    zero = {"input_tokens": 0, "output_tokens": 0, "output_tokens_details": None, "cache_creation_input_tokens": None,
            "cache_read_input_tokens": None, "cache_creation": None, "inference_geo": None, "server_tool_use": None,
            "service_tier": None, "speed": "standard"}  # fmt: skip
    start = _message(gen_id, served, [], None, None, zero)
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    body = [event for index, block in enumerate(_blocks(reply)) for event in _block_events(index, block, reply)]
    total = sum(1 for _, delta in body if delta)
    sent = 0
    for event, delta in body:
        if delta and fault_at is not None and sent == fault_at and fault_at < total:
            error: dict[str, Any] = {"type": "api_error", "message": "Provider returned error",
                                     "error_type": "provider_unavailable"}  # fmt: skip
            return [_event(e) for e in events] + [_event({"type": "error", "error": error})]
        events.append(event)
        sent += delta
    delta_doc = {"container": None, "stop_details": None, "stop_reason": stop_reason(reply),
                 "stop_sequence": reply.stop_sequence}  # fmt: skip
    usage = messages_usage(served, reply.prompt_tokens, reply.completion_tokens)
    events.append({"type": "message_delta", "delta": delta_doc, "usage": usage, "context_management": None})
    events.append({"type": "message_stop"})
    return [_event(e) for e in events] + [_DONE]
