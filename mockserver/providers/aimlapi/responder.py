"""AI/ML API logic with no HTTP in it: catalogue, Together-style ids, documents and SSE events."""

import json
import random
import string
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.chat import Reply
from mockserver.config import MockConfig, catalogue_path
from mockserver.providers.openai_chat import delta_sequence, message_of, sse_event

__all__ = ["AimlState", "completion_document", "new_id", "stream_events"]


@dataclass
class AimlState:
    """The model catalogue, read from ``fixtures/aimlapi/models.json``."""

    models: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, config: MockConfig) -> "AimlState":
        """Read the catalogue (data, not code)."""
        document = json.loads(catalogue_path(config, "aimlapi").read_text(encoding="utf-8"))
        return cls({entry["id"]: entry for entry in document["data"]})


def new_id() -> str:
    """A Together-style id such as ``npXgTRD-28Eivz-92e226847aa70d87`` ([obs-docs] AIML Llama 4 pages, 2025-04)."""
    letters = string.ascii_letters + string.digits
    return (
        "".join(random.choices(letters, k=7))
        + "-"
        + "".join(random.choices(letters, k=6))
        + "-"
        + f"{random.getrandbits(64):016x}"
    )


def usage_of(reply: Reply) -> dict[str, int]:
    """Only the three counters ([obs-docs])."""
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def completion_document(response_id: str, created: int, entry: dict[str, Any], reply: Reply) -> dict[str, Any]:
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
        "model": entry["mock"]["upstream_model"],
        "usage": usage_of(reply),
    }


def completion_document_2026(created: int, entry: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """The 2026 docs pages' envelope: OpenRouter-like ids and fields plus AIML's top-level ``meta.usage``.

    ``credits_used`` at 1 USD = 2,000,000 credits (AIML-DOCS faq/how-can-i-track-my-funds).
    """
    prices = entry["mock"]["pricing_per_million"]
    usd = (reply.prompt_tokens * prices["input"] + reply.completion_tokens * prices["output"]) / 1_000_000
    message = message_of(reply) | {"refusal": None, "reasoning": None}
    return {
        "id": "gen-" + str(created) + "-" + new_id().replace("-", "")[:20],
        "object": "chat.completion",
        "created": created,
        "model": entry["id"],
        "system_fingerprint": None,
        "choices": [{"index": 0, "logprobs": None, "finish_reason": reply.finish,
                     "native_finish_reason": reply.finish, "message": message}],
        "usage": usage_of(reply),
        "meta": {"usage": {"credits_used": round(usd * 2_000_000), "usd_spent": round(usd, 12)}},
    }  # fmt: skip


def stream_events(
    response_id: str, created: int, entry: dict[str, Any], reply: Reply, done: bool = True
) -> list[bytes]:
    """SSE chunks with ``usage: null``, a final ``choices: []`` usage chunk, then ``[DONE]`` (AIML-DOCS streaming)."""
    head = {
        "id": response_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": entry["mock"]["upstream_model"],
    }
    events = [
        sse_event(
            head
            | {
                "choices": [
                    {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None, "logprobs": None}
                ],
                "usage": None,
            }
        )
    ]
    deltas = delta_sequence(reply)
    for index, delta in enumerate(deltas):
        finish = reply.finish if index == len(deltas) - 1 else None
        events.append(
            sse_event(
                head
                | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], "usage": None}
            )
        )
    events.append(sse_event(head | {"choices": [], "usage": usage_of(reply)}))
    # The published transcript shows no [DONE]; it may have been trimmed (unverified): quirk aimlapi.done.
    if done:
        events.append(b"data: [DONE]\n\n")
    return events
