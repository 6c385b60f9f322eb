"""AI/ML API documents with no HTTP in them: Together-style ids, chat completions (2025 and 2026) and SSE events."""

from collections.abc import Iterator
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import Reply
from mockserver.engine.call import Call
from mockserver.http import LazyChunks
from mockserver.providers.openai_compat import chunk_deltas, delta_count, message_of, sse_event, usage_counts

__all__ = ["completion_document", "completion_document_2026", "id_2026", "new_id", "stream_events"]


def new_id(call: Call) -> str:
    """A Together-style id such as ``npXgTRD-28Eivz-92e226847aa70d87`` ([obs-docs] AIML Llama 4 pages, 2025-04)."""
    return f"{call.token(7)}-{call.token(6)}-{call.draw(8).hex()}"


def _upstream(model: Model) -> str:
    return str(model.entry["mock"]["upstream_model"])


def completion_document(response_id: str, created: int | str, model: Model, reply: Reply) -> dict[str, Any]:
    """A ``chat.completion`` in the docs-published key order; ``model`` echoes the upstream name."""
    message = message_of(reply)
    message["tool_calls"] = [
        {k: v for k, v in c.items() if k != "index"} for c in message.get("tool_calls", [])
    ]  # [] when none
    return {
        "id": response_id,
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": reply.finish, "logprobs": None, "message": message}],
        "created": created,
        "model": _upstream(model),
        "usage": usage_counts(reply),
    }


def id_2026(response_id: str, created: int) -> str:
    """The 2026 envelope's OpenRouter-like id, made from the Together-style one and the time."""
    return "gen-" + str(created) + "-" + response_id.replace("-", "")[:20]


def completion_document_2026(gen_id: str, created: int | str, model: Model, reply: Reply) -> dict[str, Any]:
    """The 2026 docs pages' envelope (``gen_id``: ``id_2026``): OpenRouter-like ids and fields plus AIML's
    top-level ``meta.usage``.

    ``credits_used`` at 1 USD = 2,000,000 credits (AIML-DOCS faq/how-can-i-track-my-funds).
    """
    prices = model.entry["mock"]["pricing_per_million"]
    usd = (reply.prompt_tokens * prices["input"] + reply.completion_tokens * prices["output"]) / 1_000_000
    message = message_of(reply) | {"refusal": None, "reasoning": None}
    return {
        "id": gen_id,
        "object": "chat.completion",
        "created": created,
        "model": model.id,
        "system_fingerprint": None,
        "choices": [{"index": 0, "logprobs": None, "finish_reason": reply.finish,
                     "native_finish_reason": reply.finish, "message": message}],
        "usage": usage_counts(reply),
        "meta": {"usage": {"credits_used": round(usd * 2_000_000), "usd_spent": round(usd, 12)}},
    }  # fmt: skip


def stream_events(response_id: str, created: int | str, model: Model, reply: Reply, done: bool = True) -> LazyChunks:
    """SSE chunks with ``usage: null``, a final ``choices: []`` usage chunk, then ``[DONE]`` (AIML-DOCS streaming).

    Made as they are sent: a client that reads slowly holds a socket buffer, not the whole transcript.
    """
    head = {"id": response_id, "object": "chat.completion.chunk", "created": created, "model": _upstream(model)}

    def chunk(delta: dict[str, Any], finish: str | None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return sse_event(head | {"choices": [choice], "usage": None})

    def events() -> Iterator[bytes]:
        yield chunk({"role": "assistant", "content": ""}, None)
        for delta, finish in chunk_deltas(reply):
            yield chunk(delta, finish)
        yield sse_event(head | {"choices": [], "usage": usage_counts(reply)})
        # The published transcript shows no [DONE]; it may have been trimmed (unverified): quirk aimlapi.done.
        if done:
            yield b"data: [DONE]\n\n"

    return LazyChunks(1 + delta_count(reply) + 1 + int(done), events)
