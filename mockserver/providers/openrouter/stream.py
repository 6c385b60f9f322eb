"""OpenRouter's SSE transcript of a streamed chat: keep-alives, deltas, the final chunk, a mid-stream error."""

from collections.abc import Iterator
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.http import LazyChunks
from mockserver.providers.openai_compat import PIECE, chunk_deltas, delta_count, sse_event, sse_piece, sse_template
from mockserver.providers.openrouter.documents import SERVICE_TIER, Served
from mockserver.providers.openrouter.reasoning import details
from mockserver.providers.openrouter.usage import usage_of

__all__ = ["mid_stream_error", "stream_events"]

_PROCESSING = b": OPENROUTER PROCESSING\n\n"
_DONE = b"data: [DONE]\n\n"


def _choice(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {"index": 0, "delta": {"role": "assistant"} | delta, "finish_reason": finish,
            "native_finish_reason": finish, "logprobs": None}  # fmt: skip


def _deltas(reply: Reply) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Reasoning deltas first, then the answer's: ``reasoning`` and ``reasoning_details`` on each, ``content`` ""
    (OR-SPEC ChatStreamDelta; reasoning-tokens.mdx §Streaming Response; [obs] pydantic-ai
    test_openrouter_stream_with_reasoning.yaml 2025-11: the reasoning chunk precedes content, with content "")."""
    if reply.visible_reasoning:
        for piece in reply.reasoning_pieces:
            yield {"content": "", "reasoning": piece, "reasoning_details": details(piece)}, None
    yield from chunk_deltas(reply)


def _count(reply: Reply) -> int:
    return delta_count(reply) + (len(reply.reasoning_pieces) if reply.visible_reasoning else 0)


def stream_events(
    gen_id: str,
    created: int | str,
    served: Served,
    reply: Reply,
    fault_at: int | None = None,
    usage_chunk: str = "2026",
) -> LazyChunks:
    """The SSE transcript: keep-alive comments before and between events, role on every delta, usage chunk, [DONE].

    ``usage_chunk`` is the ``openrouter.usage_chunk`` quirk: ``2026``, ``2025`` or ``docs``. The events are made as
    they are sent, so a client that reads slowly holds a socket buffer, not the whole transcript.
    """
    head = {"id": gen_id, "object": "chat.completion.chunk", "created": created, "model": served.model.id,
            "provider": served.provider}  # fmt: skip
    total = _count(reply)
    cut = fault_at is not None and fault_at < total
    sent = min(fault_at, total) if cut and fault_at is not None else total
    # OR-DOCS streaming.mdx: comment lines may precede and interleave data events; [obs] 0-17 per stream.
    count = 2 + sent + (1 if sent > 1 else 0) + 2

    def events() -> Iterator[bytes]:
        yield _PROCESSING
        yield _PROCESSING
        template = sse_template(head | {"choices": [_choice({"content": PIECE}, None)]})  # the content deltas
        for index, (delta, finish) in enumerate(_deltas(reply)):
            if cut and index == fault_at:
                streamed = reply.completion_tokens * index // total  # the tokens streamed before the failure
                yield mid_stream_error(head, served, reply.prompt_tokens, streamed)
                yield _DONE
                return
            piece = delta.get("content")
            if finish is None and len(delta) == 1 and isinstance(piece, str):
                yield sse_piece(template, piece)
            else:
                yield sse_event(head | {"choices": [_choice(delta, finish)]})
            if index == 1:
                yield _PROCESSING
        yield sse_event(_final(head, served, reply, usage_chunk))
        yield _DONE

    return LazyChunks(count, events)


def _final(head: dict[str, Any], served: Served, reply: Reply, usage_chunk: str) -> dict[str, Any]:
    usage = usage_of(served.model, reply.prompt_tokens, reply.completion_tokens, served.usage, reply.reasoning_tokens)
    # 2026 traffic repeats finish_reason on the usage chunk, keeping one choice, and adds service_tier ([obs]
    # stream-003; crmne/ruby_llm stream cassettes 2026-06: "service_tier":null after provider); 2025 traffic keeps
    # one choice with finish_reason null and no service_tier ([obs] stream-002/004/005); the docs say choices: []
    # (OR-DOCS overview) and OR-SPEC ChatStreamChunk has service_tier.
    if usage_chunk == "2025":
        final = head | {"choices": [_choice({"content": ""}, None)], "usage": usage}
    else:
        choices = [] if usage_chunk == "docs" else [_choice({"content": ""}, reply.finish)]
        final = head | {"service_tier": SERVICE_TIER, "choices": choices, "usage": usage}
    if served.metadata is not None:
        final["openrouter_metadata"] = served.metadata  # router-metadata.mdx: "on the final chunk before [DONE]"
    return final


def mid_stream_error(head: dict[str, Any], served: Served, prompt_tokens: int, sent_tokens: int) -> bytes:
    """A mid-stream error: HTTP already 200, the stream's last chunk (OR-DOCS errors-and-debugging.mdx §Mid-stream).

    Top-level ``error{code, message, metadata{error_type}}`` beside ``choices`` with ``finish_reason: "error"``;
    500-class messages are generic and carry no ``provider_code`` (§Mid-stream errors). Usage of what was streamed
    rides on it, as real traffic sends it ([obs] pydantic-ai test_openrouter_stream_error.yaml, 2025-11;
    OR-SPEC ChatStreamChunk.usage), so the error chunk is also the stream's usage chunk.
    """
    error = {"code": 502, "message": "Provider returned error", "metadata": {"error_type": "provider_unavailable"}}
    choice = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": "error",
              "native_finish_reason": None}  # fmt: skip
    chunk = head | {"error": error, "choices": [choice],
                    "usage": usage_of(served.model, prompt_tokens, sent_tokens, served.usage)}  # fmt: skip
    if served.metadata is not None:
        chunk["openrouter_metadata"] = served.metadata  # the final chunk before [DONE] (router-metadata.mdx)
    return sse_event(chunk)
