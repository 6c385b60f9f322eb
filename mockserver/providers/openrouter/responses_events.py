"""A reply in the Responses vocabulary: the response document and its typed stream events (no HTTP).

Shapes, key order and ids as OpenRouter sent them for models it translates from chat ([obs] bgrins/agent-sdk-
behavior results/openai-gpt-oss-120b/codex-v0.147.0/run-1/wire.md and results/openai-gpt-5.6-sol/codex-v0.147.0/
run-1/wire.md @ 8cd4b42, 2026-08-24: ids gen-<unix>-<20>, items msg_tmp_/rs_tmp_/fc_tmp_<base36>, `: ` keep-alive
comments, data-only events with sequence_number, `data: [DONE]`); event names and members OR-SPEC StreamEvents.
"""

import json
import string
from collections.abc import Iterator
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.engine.call import Call
from mockserver.providers.openai_compat import sse_event
from mockserver.providers.openrouter.documents import SERVICE_TIER, Served
from mockserver.providers.openrouter.usage import usage_of

__all__ = ["response_document", "response_events", "responses_usage"]

_BASE36 = string.ascii_lowercase + string.digits
_KEEP_ALIVE = b": \n\n"  # [obs] the captures above: comment lines before the first event
_DONE = b"data: [DONE]\n\n"  # OR-SPEC /responses text/event-stream x-speakeasy-sse-sentinel; [obs]


def responses_usage(served: Served, prompt: int, completion: int, reasoning: int = 0) -> dict[str, Any]:
    """OR-SPEC Usage as /responses names it: input/output tokens and input/output costs ([obs] above)."""
    usage = usage_of(served.model, prompt, completion, served.usage, reasoning)
    costs = usage["cost_details"]
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": usage["prompt_tokens_details"]["cached_tokens"]},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": usage["completion_tokens_details"]["reasoning_tokens"]},
        "total_tokens": prompt + completion,
        "cost": usage["cost"],
        "is_byok": False,
        "cost_details": {"upstream_inference_cost": costs["upstream_inference_cost"],
                         "upstream_inference_input_cost": costs["upstream_inference_prompt_cost"],
                         "upstream_inference_output_cost": costs["upstream_inference_completions_cost"]},
    }  # fmt: skip


class _Ids:
    """The item ids of one answer, drawn once from the request's seeded generator (streamed and final agree)."""

    def __init__(self, call: Call, reply: Reply) -> None:
        self.reasoning = "rs_tmp_" + call.token(11, _BASE36)
        self.message = "msg_tmp_" + call.token(11, _BASE36)
        self.calls = ["fc_tmp_" + call.token(11, _BASE36) for _ in reply.tool_calls]


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def _reasoning(reply: Reply) -> str | None:
    # Hook for reasoning models: a Reply that carries reasoning text renders it as a reasoning item before the
    # message, content [{type: reasoning_text}] and format "unknown", as OpenRouter sends a translated model's
    # reasoning ([obs] gpt-oss-120b capture above). Reply has no such field yet.
    text = getattr(reply, "reasoning", None)
    return text if isinstance(text, str) and text else None


def _items(ids: _Ids, reply: Reply, status: str) -> list[dict[str, Any]]:
    """The output items: reasoning (when the reply has some), the message (unless only tools are called), calls."""
    items: list[dict[str, Any]] = []
    thought = _reasoning(reply)
    if thought is not None:
        items.append({"id": ids.reasoning, "type": "reasoning", "status": "completed",
                      "content": [{"type": "reasoning_text", "text": thought}], "summary": [], "format": "unknown"})
    if reply.text or not reply.tool_calls:
        items.append({"id": ids.message, "type": "message", "status": status, "role": "assistant",
                      "content": [_text_part(reply.text)]})  # fmt: skip
    for item_id, tool in zip(ids.calls, reply.tool_calls, strict=True):
        items.append({"id": item_id, "type": "function_call", "status": "completed", "call_id": tool.id,
                      "name": tool.name, "arguments": json.dumps(tool.arguments)})  # fmt: skip
    return items


def _echo(body: dict[str, Any], key: str, default: Any) -> Any:
    """The request's setting, or what OpenRouter reports when it was left out (or sent as null)."""
    value = body.get(key)
    return default if value is None else value


def _status(reply: Reply) -> str:
    return "incomplete" if reply.finish == "length" else "completed"  # OR-SPEC IncompleteDetails max_output_tokens


def _document(call: Call, gen_id: str, served: Served, body: dict[str, Any], status: str,
              output: list[dict[str, Any]], usage: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """OR-SPEC OpenResponsesResult in 2026-08 key order, echoing the request's settings ([obs] above)."""
    done = status not in ("in_progress",)
    return {
        "id": gen_id, "object": "response", "created_at": int(call.now), "model": served.model.id, "status": status,
        "completed_at": int(call.now) if done else None,
        "output": output,
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "tools": body.get("tools") or [],
        "tool_choice": _echo(body, "tool_choice", "auto"),
        "parallel_tool_calls": _echo(body, "parallel_tool_calls", True),
        "max_output_tokens": body.get("max_output_tokens"),
        # Unset sampling settings echo as 1, 1, 0, 0 ([obs] gpt-5.6-sol capture: none sent, these returned).
        "temperature": _echo(body, "temperature", 1), "top_p": _echo(body, "top_p", 1),
        "presence_penalty": _echo(body, "presence_penalty", 0),
        "frequency_penalty": _echo(body, "frequency_penalty", 0),
        "top_logprobs": 0, "max_tool_calls": None, "metadata": body.get("metadata") or {}, "background": False,
        "previous_response_id": None, "service_tier": SERVICE_TIER, "truncation": "disabled", "store": False,
        "instructions": body.get("instructions"), "text": body.get("text") or {"format": {"type": "text"}},
        "reasoning": body.get("reasoning"), "safety_identifier": None, "prompt_cache_key": body.get("prompt_cache_key"),
        "prompt_cache_options": None,
        "usage": usage,
    }  # fmt: skip


def response_document(call: Call, gen_id: str, served: Served, body: dict[str, Any], reply: Reply,
                      ids: _Ids | None = None) -> dict[str, Any]:  # fmt: skip
    """The non-streamed answer (and the stream's last event): the completed or incomplete response with usage."""
    status = _status(reply)
    document = _document(call, gen_id, served, body, status, _items(ids or _Ids(call, reply), reply, status),
                         responses_usage(served, reply.prompt_tokens, reply.completion_tokens,
                                         reply.reasoning_tokens))  # fmt: skip
    if served.metadata is not None:
        document["openrouter_metadata"] = served.metadata  # OR-SPEC OpenResponsesResult.openrouter_metadata
    return document


def _argument_pieces(arguments: str) -> list[str]:
    cut = max(1, len(arguments) // 3)  # the same three-ish pieces as the chat stream's tool deltas
    return [arguments[i : i + cut] for i in range(0, len(arguments), cut)] or [""]


def _body_events(ids: _Ids, reply: Reply) -> Iterator[tuple[dict[str, Any], bool]]:
    """Events between in_progress and the end, each flagged when it carries generated text (a delta)."""
    index = 0
    thought = _reasoning(reply)
    if thought is not None:
        item: dict[str, Any] = {"id": ids.reasoning, "type": "reasoning", "status": "in_progress", "content": [],
                                "summary": []}  # fmt: skip
        yield {"type": "response.output_item.added", "output_index": index, "item": item}, False
        at = {"output_index": index, "item_id": ids.reasoning, "content_index": 0}
        yield {"type": "response.reasoning_text.delta", **at, "delta": thought}, True
        yield {"type": "response.reasoning_text.done", **at, "text": thought}, False
        done = item | {"status": "completed", "content": [{"type": "reasoning_text", "text": thought}],
                       "format": "unknown"}  # fmt: skip
        yield {"type": "response.output_item.done", "output_index": index, "item": done}, False
        index += 1
    if reply.text or not reply.tool_calls:
        added = {"id": ids.message, "type": "message", "status": "in_progress", "role": "assistant", "content": []}
        yield {"type": "response.output_item.added", "output_index": index, "item": added}, False
        at = {"output_index": index, "item_id": ids.message, "content_index": 0}
        yield {"type": "response.content_part.added", **at, "part": _text_part("")}, False
        for piece in reply.pieces or ([reply.text] if reply.text else []):
            yield {"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []}, True
        yield {"type": "response.output_text.done", **at, "text": reply.text, "logprobs": []}, False
        yield {"type": "response.content_part.done", **at, "part": _text_part(reply.text)}, False
        item = added | {"status": _status(reply), "content": [_text_part(reply.text)]}
        yield {"type": "response.output_item.done", "output_index": index, "item": item}, False
        index += 1
    for item_id, tool in zip(ids.calls, reply.tool_calls, strict=True):
        arguments = json.dumps(tool.arguments)
        added = {"id": item_id, "type": "function_call", "status": "in_progress", "call_id": tool.id,
                 "name": tool.name, "arguments": ""}  # fmt: skip
        yield {"type": "response.output_item.added", "output_index": index, "item": added}, False
        at = {"output_index": index, "item_id": item_id}
        for piece in _argument_pieces(arguments):
            yield {"type": "response.function_call_arguments.delta", **at, "delta": piece}, True
        yield {"type": "response.function_call_arguments.done", **at, "name": tool.name, "arguments": arguments}, False
        item = added | {"status": "completed", "arguments": arguments}
        yield {"type": "response.output_item.done", "output_index": index, "item": item}, False
        index += 1


def response_events(call: Call, gen_id: str, served: Served, body: dict[str, Any], reply: Reply,
                    fault_at: int | None = None) -> list[bytes]:  # fmt: skip
    """The SSE transcript: created, in_progress, each item's events, then completed (or incomplete), [DONE].

    ``fault_at`` (``x-mock-stream-fault``) ends the stream before that delta with ``response.failed``: status
    failed, ``error {code: server_error}`` and the typed ``error_type`` (OR-SPEC StreamEventsResponseFailed;
    OR-DOCS responses/error-handling.mdx), usage of what was streamed, then [DONE].
    """
    ids = _Ids(call, reply)
    opened = _document(call, gen_id, served, body, "in_progress", [], None)
    events = [{"type": "response.created", "response": opened}, {"type": "response.in_progress", "response": opened}]
    body_events = list(_body_events(ids, reply))
    total = sum(1 for _, delta in body_events if delta)
    sent, failed = 0, False
    for event, delta in body_events:
        if delta and fault_at is not None and sent == fault_at and fault_at < total:
            failed = True
            break
        events.append(event)
        sent += delta
    if failed:
        streamed = reply.completion_tokens * sent // max(total, 1)
        document = _document(call, gen_id, served, body, "failed", [], responses_usage(served, reply.prompt_tokens,
                                                                                      streamed))  # fmt: skip
        document["error"] = {"code": "server_error", "message": "Provider returned error"}
        document["error_type"] = "provider_unavailable"  # OR-DOCS: the canonical type beside the lossy code
        events.append({"type": "response.failed", "response": document})
    else:
        final = response_document(call, gen_id, served, body, reply, ids)
        events.append({"type": "response.incomplete" if final["status"] == "incomplete" else "response.completed",
                       "response": final})  # fmt: skip
    return [_KEEP_ALIVE] + [sse_event(event | {"sequence_number": n}) for n, event in enumerate(events)] + [_DONE]
