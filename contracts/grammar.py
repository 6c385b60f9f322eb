"""Stream grammars: OpenRouter / AI/ML API SSE chat streams and Bedrock event streams."""

import base64
import binascii
from dataclasses import replace
from typing import Any

from contracts import registry
from contracts.checks import (
    CONVERSE_BLOCK,
    CONVERSE_ORDER,
    ES_AFTER_END,
    ES_EXCEPTION,
    ES_HEADERS,
    ES_PAYLOAD,
    INVOKE_LAST,
    OPEN_ENUM,
    SSE_DONE,
    SSE_EMPTY,
    STREAM_ERROR_LAST,
    STREAM_FINISH,
    STREAM_ID,
    STREAM_REASONING,
    STREAM_USAGE_LAST,
    UNKNOWN_FIELD,
    Severity,
    Violation,
)
from contracts.document import check_document, json_path, parse_json, sse_documents
from contracts.wire import eventstream

__all__ = ["chat_stream", "converse_stream", "invoke_stream"]

# In-stream exception members per streaming operation (BR-MODEL ResponseStream / ConverseStreamOutput).
_INVOKE_EXCEPTIONS = set(registry.stream_exceptions("bedrock", "invoke_model_with_response_stream"))
_CONVERSE_EXCEPTIONS = set(registry.stream_exceptions("bedrock", "converse_stream"))


def chat_stream(provider: str, raw: str | bytes) -> list[Violation]:
    """Check an OpenRouter or AI/ML API ``text/event-stream`` transcript."""
    documents, found, done_at = sse_documents(raw, provider, "chat-chunk")
    chunks = [(i, chunk) for i, _, chunk in documents]
    if not chunks:
        found.append(SSE_EMPTY("$", "no data chunks"))
    if done_at is None:
        # AI/ML API docs never show the terminator (wire-contracts §2.4), so it is unverified there.
        severity = Severity.ERROR if provider == "openrouter" else Severity.WARNING
        found.append(SSE_DONE("$", "missing `data: [DONE]` terminator", severity))
    found.extend(_chunk_sequence(provider, chunks))
    return _fold_unknown(found)


def _chunk_sequence(provider: str, chunks: list[tuple[int, dict[str, Any]]]) -> list[Violation]:
    found: list[Violation] = []
    first_id = chunks[0][1].get("id") if chunks else None
    finished: dict[int, tuple[str, int]] = {}
    answered: dict[int, int] = {}
    for n, (i, chunk) in enumerate(chunks):
        last = n == len(chunks) - 1
        if chunk.get("id") != first_id:
            found.append(STREAM_ID(f"$[{i}].id", f"id {chunk.get('id')!r} differs from first chunk's {first_id!r}"))
        has_usage = chunk.get("usage") is not None
        if has_usage and not last:
            # OR-DOCS overview: usage arrives exactly once, in the final chunk before [DONE].
            severity = Severity.ERROR if provider == "openrouter" else Severity.WARNING
            found.append(STREAM_USAGE_LAST(f"$[{i}].usage", "usage chunk is not the last data chunk", severity))
        if "error" in chunk and not last:
            found.append(STREAM_ERROR_LAST(f"$[{i}].error", "mid-stream error chunk is followed by more chunks"))
        for c, choice in enumerate(chunk.get("choices") or []):
            if isinstance(choice, dict):
                found.extend(_finish(finished, choice, f"$[{i}].choices[{c}]", i, has_usage))
                found.extend(_reasoning_order(answered, choice, f"$[{i}].choices[{c}]", i))
    if provider == "openrouter" and chunks and all(c.get("usage") is None for _, c in chunks):
        found.append(STREAM_USAGE_LAST("$", "no usage chunk (OpenRouter always sends one)", Severity.WARNING))
    return found


def _reasoning_order(answered: dict[int, int], choice: dict[str, Any], at: str, i: int) -> list[Violation]:
    """A thinking model reasons, then answers: OR-DOCS reasoning-tokens.mdx §Streaming Response ([obs] pydantic-ai
    test_openrouter_stream_with_reasoning.yaml, the reasoning chunk before the first content)."""
    delta, index = choice.get("delta"), choice.get("index")
    if not isinstance(delta, dict) or not isinstance(index, int):
        return []
    if delta.get("content"):
        answered.setdefault(index, i)
    elif (delta.get("reasoning") or delta.get("reasoning_details")) and index in answered:
        return [STREAM_REASONING(f"{at}.delta", f"reasoning after the first content on $[{answered[index]}]")]
    return []


def _finish(
    finished: dict[int, tuple[str, int]], choice: dict[str, Any], at: str, i: int, usage_chunk: bool
) -> list[Violation]:
    index, reason = choice.get("index"), choice.get("finish_reason")
    if not isinstance(index, int):
        return []
    delta = choice.get("delta")
    delta = delta if isinstance(delta, dict) else {}
    if index in finished:
        first, where = finished[index]
        if delta.get("content") or delta.get("tool_calls"):
            return [STREAM_FINISH(f"{at}.delta", f"content after finish_reason {first!r} on $[{where}]")]
        if reason is not None and reason != first:
            return [STREAM_FINISH(f"{at}.finish_reason", f"finish_reason {reason!r} after {first!r} on $[{where}]")]
        if reason is not None and not usage_chunk:
            # 2026 traffic repeats "stop" on the usage chunk (wire-contracts §1.4); a repeat on an
            # ordinary chunk was seen too ([obs] pydantic-ai test_openrouter_stream_error.yaml).
            return [STREAM_FINISH(f"{at}.finish_reason", f"finish_reason {reason!r} repeated", Severity.INFO)]
    elif isinstance(reason, str):
        finished[index] = (reason, i)
    return []


_FOLDED = {UNKNOWN_FIELD.name, OPEN_ENUM.name}


def _fold_unknown(found: list[Violation]) -> list[Violation]:
    """Report each unknown field (and each undocumented value of an open enum) once per stream, not per chunk."""
    seen: dict[tuple[str, str], int] = {}
    kept: list[Violation] = []
    for v in found:
        if v.check in _FOLDED:
            seen[v.check, v.message] = seen.get((v.check, v.message), 0) + 1
            if seen[v.check, v.message] > 1:
                continue
        kept.append(v)
    return [
        replace(v, message=f"{v.message} (in {seen[v.check, v.message]} chunks)")
        if v.check in _FOLDED and seen[v.check, v.message] > 1
        else v
        for v in kept
    ]


def _frames(raw: bytes, exceptions: set[str]) -> tuple[list[tuple[str, str, Any]], list[Violation]]:
    """Decode frames into (path, event type, payload) for events; check headers and exceptions."""
    frames, found = eventstream.decode(raw)
    events: list[tuple[str, str, Any]] = []
    ended: str | None = None
    for frame in frames:
        at, h = f"$[{frame.index}]", frame.headers
        if ended is not None:
            found.append(ES_AFTER_END(at, f"frame after the terminal {ended} frame"))
            continue
        kind = h.get(":message-type")
        payload, problems = parse_json(frame.payload, at)
        if kind == "event":
            missing = [n for n in (":event-type", ":content-type") if not isinstance(h.get(n), str)]
            if missing:
                found.append(ES_HEADERS(at, f"event frame lacks {', '.join(missing)}"))
                continue
            if h[":content-type"] != "application/json":
                found.append(ES_HEADERS(at, f":content-type is {h[':content-type']!r}, not application/json"))
            if problems or not isinstance(payload, dict):
                found.extend(problems or [ES_PAYLOAD(at, "payload is not a JSON object")])
                continue
            events.append((at, str(h[":event-type"]), payload))
        elif kind == "exception":
            # Modelled errors: :exception-type is the camelCase member name (BOTOCORE
            # parsers.py BaseEventStreamParser; wire-contracts §3.7), payload {"message"}.
            name = str(h.get(":exception-type"))
            ended = f"exception {name!r}"
            if name not in exceptions:
                found.append(ES_HEADERS(at, f":exception-type {name!r} is not one of {sorted(exceptions)}"))
            found.extend(problems or check_document("bedrock", "error", payload, f"{at}.{name}"))
            found.append(ES_EXCEPTION(at, f"stream ended by {name}"))
        elif kind == "error":
            ended = "error"
            if not all(isinstance(h.get(n), str) for n in (":error-code", ":error-message")):
                found.append(ES_HEADERS(at, "error frame lacks :error-code or :error-message"))
            found.append(ES_EXCEPTION(at, f"stream ended by error {h.get(':error-code')!r}"))
        else:
            found.append(ES_HEADERS(at, f":message-type {kind!r} is not event, exception or error"))
    return events, found


def invoke_stream(raw: bytes) -> list[Violation]:
    """Check an InvokeModelWithResponseStream body (Meta Llama chunks)."""
    events, found = _frames(raw, _INVOKE_EXCEPTIONS)
    last: tuple[str, dict[str, Any]] | None = None
    for at, name, payload in events:
        if name != "chunk":
            found.append(ES_HEADERS(at, f":event-type {name!r} is not chunk"))
            continue
        # Payload is {"bytes": base64, "p": padding} (BR-MODEL PayloadPart; wire-contracts §3.4).
        found.extend(
            UNKNOWN_FIELD(json_path(at, ["chunk", k]), f"unknown field {k!r}")
            for k in payload
            if k not in ("bytes", "p")
        )
        try:
            decoded = base64.b64decode(payload["bytes"], validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            found.append(ES_PAYLOAD(f"{at}.chunk.bytes", f"bytes is not base64: {exc!r}"))
            continue
        body, problems = parse_json(decoded, f"{at}.chunk.bytes")
        if problems or not isinstance(body, dict):
            found.extend(problems or [ES_PAYLOAD(f"{at}.chunk.bytes", "decoded bytes are not a JSON object")])
            continue
        found.extend(check_document("bedrock", "invoke-chunk", body, f"{at}.chunk.bytes"))
        last = (f"{at}.chunk.bytes", body)
    ended = any(v.check == ES_EXCEPTION.name for v in found)
    if last is None and not ended:
        found.append(INVOKE_LAST("$", "no chunk events"))
    elif last is not None and not ended:
        at, body = last
        if body.get("stop_reason") is None:
            found.append(INVOKE_LAST(f"{at}.stop_reason", "last chunk has no stop_reason"))
        if "amazon-bedrock-invocationMetrics" not in body:
            found.append(INVOKE_LAST(at, "last chunk lacks amazon-bedrock-invocationMetrics"))
    return _fold_unknown(found)


def converse_stream(raw: bytes) -> list[Violation]:
    """Check a ConverseStream body: messageStart, (start? delta* stop)+, messageStop, metadata."""
    events, found = _frames(raw, _CONVERSE_EXCEPTIONS)
    state, block, blocks, last_index = "start", None, 0, -1
    opened_by_start = False
    expected = {"start": "messageStart", "message": "a content block", "stopped": "metadata", "done": "nothing"}
    for at, name, payload in events:
        found.extend(check_document("bedrock", "converse-stream-event", {name: payload}, at))
        index = payload.get("contentBlockIndex")
        ok = {
            "messageStart": state == "start",
            "contentBlockStart": state == "message" and block is None,
            "contentBlockDelta": state == "message",
            "contentBlockStop": state == "message" and block is not None,
            "messageStop": state == "message" and block is None and blocks > 0,
            "metadata": state == "stopped",
        }.get(name)
        if ok is None:
            continue  # unknown event names are schema errors already
        if not ok:
            found.append(CONVERSE_ORDER(f"{at}.{name}", f"{name} where {expected[state]} was expected"))
            continue
        if name == "messageStart":
            state = "message"
        elif name == "messageStop":
            state = "stopped"
        elif name == "metadata":
            state = "done"
        elif name == "contentBlockStart" or (name == "contentBlockDelta" and block is None):
            if isinstance(index, int) and index <= last_index:
                found.append(CONVERSE_BLOCK(f"{at}.{name}", f"block index {index} does not increase"))
            block, opened_by_start = index, name == "contentBlockStart"
            start = payload.get("start")
            if opened_by_start and not (isinstance(start, dict) and "toolUse" in start):
                # Text blocks get no contentBlockStart ([obs] wire-contracts §3.6).
                found.append(CONVERSE_BLOCK(f"{at}.{name}.start", "contentBlockStart without toolUse"))
        elif index != block:
            found.append(CONVERSE_BLOCK(f"{at}.{name}", f"{name} for block {index} while block {block} is open"))
        if name == "contentBlockDelta" and not opened_by_start and "toolUse" in (payload.get("delta") or {}):
            found.append(CONVERSE_BLOCK(f"{at}.{name}.delta", "toolUse delta without a contentBlockStart"))
        if name == "contentBlockStop":
            block, blocks, last_index = None, blocks + 1, index if isinstance(index, int) else last_index
    if state != "done" and not any(v.check == ES_EXCEPTION.name for v in found):
        found.append(CONVERSE_ORDER("$", f"stream ended where {expected[state]} was expected"))
    return _fold_unknown(found)
