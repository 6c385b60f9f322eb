"""Stream grammars of OpenRouter's typed-event doors: the Responses API and the Anthropic Messages format.

Each ``data:`` JSON is checked against its event schema, then the transcript against the order the events
must keep: Responses (OR-SPEC StreamEvents) opens with response.created and response.in_progress, numbers every
event 0, 1, 2, ..., nests output_item.added / content_part.added / deltas / *.done / output_item.done per item and
ends with response.completed, response.incomplete, response.failed or error, then ``data: [DONE]``; Messages
(OR-SPEC MessagesStreamEvents) names each event on an ``event:`` line and runs message_start, blocks (start,
deltas of the block's kind, stop, indexes 0, 1, ...), message_delta, message_stop, or ends at an error event.
"""

import json
from typing import Any

from contracts.checks import (
    SSE_DONE,
    SSE_EMPTY,
    TYPED_CONSISTENT,
    TYPED_NAME,
    TYPED_ORDER,
    TYPED_SEQUENCE,
    Severity,
    Violation,
)
from contracts.document import sse_documents

__all__ = ["messages_stream", "responses_stream"]

_Event = tuple[str, dict[str, Any]]


def _decode(raw: str | bytes, kind: str, named: bool) -> tuple[list[_Event], list[Violation], bool]:
    """Parse the transcript into (path, event) pairs, schema-checking each; report whether [DONE] ended it."""
    documents, found, done_at = sse_documents(raw, "openrouter", kind, named=named)
    events: list[_Event] = []
    for i, event, document in documents:
        at = f"$[{i}]"
        if named and event.fields.get("event") != document.get("type"):
            found.append(TYPED_NAME(at, f"event: {event.fields.get('event')!r} names type {document.get('type')!r}"))
        events.append((at, document))
    if not events:
        found.append(SSE_EMPTY("$", "no data events"))
    return events, found, done_at is not None


_TERMINAL = ("response.completed", "response.incomplete", "response.failed", "error")


def responses_stream(raw: str | bytes) -> list[Violation]:
    """Check a streamed /responses transcript (OR-SPEC StreamEvents; [obs] OpenRouter captures, 2026-08)."""
    events, found, done = _decode(raw, "responses-event", named=False)
    if not done:
        found.append(SSE_DONE("$", "missing `data: [DONE]` terminator"))
    names = [e.get("type") for _, e in events]
    if names[:2] != ["response.created", "response.in_progress"]:
        found.append(TYPED_ORDER("$", f"the stream opens with {names[:2]}, not response.created and .in_progress"))
    ended: str | None = None
    items: dict[int, dict[str, Any]] = {}  # open items by output_index: id, kind, text so far, parts open
    for n, (at, event) in enumerate(events):
        kind = str(event.get("type"))
        if event.get("sequence_number") != n:
            found.append(TYPED_SEQUENCE(f"{at}.sequence_number", f"{event.get('sequence_number')!r}, expected {n}"))
        if ended is not None:
            found.append(TYPED_ORDER(at, f"{kind} after the terminal {ended}"))
            continue
        if n < 2 and kind in ("response.created", "response.in_progress"):
            continue  # the opening, checked above
        if kind in _TERMINAL:
            ended = kind
            if kind != "response.failed" and kind != "error" and items:
                found.append(TYPED_ORDER(at, f"{kind} while items {sorted(items)} are still open"))
            continue
        found.extend(_item_event(at, kind, event, items))
    if ended is None and events:
        found.append(TYPED_ORDER("$", "no terminal event (response.completed, .incomplete, .failed or error)"))
    return found


def _item_event(at: str, kind: str, event: dict[str, Any], items: dict[int, dict[str, Any]]) -> list[Violation]:
    found = event.get("output_index")
    index = found if isinstance(found, int) else -1
    if kind == "response.output_item.added":
        item = event.get("item") or {}
        if index in items:
            return [TYPED_ORDER(at, f"item {index} added twice")]
        items[index] = {"id": item.get("id"), "type": item.get("type"), "text": "", "args": "", "part": "none"}
        return []
    if not kind.startswith("response.") or kind in ("response.created", "response.in_progress"):
        return [TYPED_ORDER(at, f"{kind} after the stream opened")] if kind.startswith("response.") else []
    open_item = items.get(index)
    if open_item is None:
        return [TYPED_ORDER(at, f"{kind} for output_index {found!r}, which no open item has")]
    if "item_id" in event and event["item_id"] != open_item["id"]:
        return [TYPED_CONSISTENT(f"{at}.item_id", f"{event['item_id']!r} is not item {index}'s {open_item['id']!r}")]
    part = open_item["part"]  # none -> open -> text done -> done: a content part's life
    if kind == "response.content_part.added":
        open_item["part"] = "open"
    elif kind in ("response.output_text.delta", "response.output_text.done") and part != "open":
        return [TYPED_ORDER(at, f"{kind} outside an open content part")]
    elif kind == "response.output_text.delta":
        open_item["text"] += str(event.get("delta", ""))
    elif kind == "response.output_text.done":
        open_item["part"] = "text done"
        if event.get("text") != open_item["text"]:
            return [TYPED_CONSISTENT(f"{at}.text", "output_text.done differs from the deltas joined")]
    elif kind == "response.content_part.done":
        open_item["part"] = "done"
        if part != "text done":
            return [TYPED_ORDER(at, "content_part.done before output_text.done")]
    elif kind == "response.function_call_arguments.delta":
        open_item["args"] += str(event.get("delta", ""))
    elif kind == "response.function_call_arguments.done" and event.get("arguments") != open_item["args"]:
        return [TYPED_CONSISTENT(f"{at}.arguments", "function_call_arguments.done differs from the deltas joined")]
    elif kind == "response.output_item.done":
        del items[index]
        if part not in ("none", "done"):
            return [TYPED_ORDER(at, "output_item.done while its content part is open")]
    return []


# The delta each Anthropic block kind takes (OR-SPEC MessagesContentBlockDeltaEvent).
_DELTAS = {"text": {"text_delta"}, "tool_use": {"input_json_delta"}, "thinking": {"thinking_delta", "signature_delta"}}


def _json_object(text: str) -> bool:
    """Whether streamed tool input is a JSON object (the Anthropic SDK parses the joined pieces)."""
    try:
        return isinstance(json.loads(text or "{}"), dict)
    except ValueError:
        return False


# What may come next in each state of a Messages stream (ping and error aside).
_NEXT = {"start": ("message_start",), "blocks": ("content_block_start", "message_delta"),
         "block": ("content_block_delta", "content_block_stop"), "delta": ("message_stop",)}  # fmt: skip


def messages_stream(raw: str | bytes) -> list[Violation]:
    """Check a streamed /messages transcript (OR-SPEC MessagesStreamEvents; [obs] OpenRouter captures, 2026-08)."""
    events, found, done = _decode(raw, "messages-event", named=True)
    if not done:
        # OpenRouter ends with `event: data` / `data: [DONE]` ([obs]); Anthropic itself sends no terminator.
        found.append(SSE_DONE("$", "no `data: [DONE]` after message_stop", Severity.INFO))
    state, block, next_index, tool_input = "start", None, 0, ""
    for at, event in events:
        kind = event.get("type")
        if kind == "ping":
            continue
        if state == "done":
            found.append(TYPED_ORDER(at, f"{kind} after the stream ended"))
            continue
        if kind == "error":
            state = "done"
            continue
        wanted = _NEXT[state]
        if kind not in wanted:
            found.append(TYPED_ORDER(at, f"{kind} where {' or '.join(wanted)} was expected"))
            continue
        if kind == "message_start":
            state = "blocks"
        elif kind == "content_block_start":
            if event.get("index") != next_index:
                where = f"{at}.index"
                found.append(TYPED_CONSISTENT(where, f"block index {event.get('index')!r}, expected {next_index}"))
            block, state = (event.get("content_block") or {}).get("type"), "block"
        elif kind == "content_block_delta":
            delta = (event.get("delta") or {}).get("type")
            tool_input += str((event.get("delta") or {}).get("partial_json", ""))
            if event.get("index") != next_index or delta not in _DELTAS.get(str(block), set()):
                what = f"{delta!r} for block {event.get('index')!r} ({block})"
                found.append(TYPED_CONSISTENT(at, f"{what} is out of place"))
        elif kind == "content_block_stop":
            if block == "tool_use" and not _json_object(tool_input):
                found.append(TYPED_CONSISTENT(at, "the tool_use block's input_json_delta pieces join to no object"))
            state, next_index, tool_input = "blocks", next_index + 1, ""
        elif kind == "message_delta":
            state = "delta"
        else:
            state = "done"
    if state != "done" and events:
        found.append(TYPED_ORDER("$", "the stream ended before message_stop"))
    return found
