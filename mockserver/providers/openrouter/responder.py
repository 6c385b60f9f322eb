"""OpenRouter logic with no HTTP in it: model routing, limits, documents, SSE events, generation records."""

import functools
import hashlib
import json
import random
import string
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mockserver.behaviour.chat import ChatQuery, Reply
from mockserver.config import MockConfig, catalogue_path
from mockserver.behaviour.generate import tool_tokens
from mockserver.providers.openai_chat import delta_sequence, message_of, sse_event
from mockserver.providers.openrouter.errors import OpenRouterError

__all__ = ["OpenRouterState", "completion_document", "stream_events"]

_ALNUM = string.ascii_letters + string.digits


@dataclass
class OpenRouterState:
    """The catalogue and the generations this mock produced (bounded, for ``GET /generation``)."""

    models: dict[str, dict[str, Any]]
    generations: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    usage: float = 0.0

    @classmethod
    def load(cls, config: MockConfig) -> "OpenRouterState":
        """Read ``fixtures/openrouter/models.json``; the catalogue is data, not code."""
        entries = json.loads(catalogue_path(config, "openrouter").read_text(encoding="utf-8"))["data"]
        return cls({entry["id"]: entry for entry in entries})

    def remember(self, record: dict[str, Any], keep: int = 1000) -> None:
        """Store a generation record, dropping the oldest beyond ``keep``."""
        with self.lock:
            self.generations[record["id"]] = record
            self.usage += float(record["total_cost"])
            while len(self.generations) > keep:
                self.generations.popitem(last=False)


@functools.lru_cache(maxsize=1024)
def user_id_for(key: str) -> str:
    """A stable fake ``user_…`` id per key, as OpenRouter adds to authenticated errors."""
    digest = hashlib.sha256(key.encode()).digest()
    return "user_" + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:27])


def new_generation_id() -> str:
    """``gen-<unix seconds>-<20 alnum>`` ([obs] 2024-12 ... 2026-09 traffic)."""
    return f"gen-{int(time.time())}-" + "".join(random.choices(_ALNUM, k=20))


def pick_model(state: OpenRouterState, body: dict[str, Any], user_id: str) -> dict[str, Any]:
    """Resolve ``model`` or the first known id of the ``models`` fallback list (OR-DOCS model-fallbacks)."""
    wanted = [body["model"]] if body.get("model") else []
    wanted += [m for m in body.get("models") or [] if m not in wanted]
    if not wanted:
        return next(iter(state.models.values()))  # the account default model
    for model_id in wanted:
        if model_id in state.models:
            return state.models[model_id]
    if body.get("models") and len(wanted) > 1:
        raise OpenRouterError(400, f"{', '.join(wanted)} are not valid model IDs", user_id=user_id)
    # [obs] a public capture: unknown model is 400, not 404
    raise OpenRouterError(400, f"{wanted[0]} is not a valid model ID", user_id=user_id)


# Request fields that are not model parameters, so never make a provider "unsupported".
_NOT_PARAMETERS = {
    "model",
    "models",
    "messages",
    "stream",
    "stream_options",
    "provider",
    "usage",
    "user",
    "transforms",
    "route",
    "metadata",
    "plugins",
    "session_id",
    "trace",
    "debug",
    "max_completion_tokens",
    "prompt",
}


def check_parameters(entry: dict[str, Any], body: dict[str, Any], user_id: str) -> None:
    """Unsupported parameters are ignored unless ``provider.require_parameters`` (OR-DOCS provider-selection)."""
    if not (body.get("provider") or {}).get("require_parameters"):
        return
    supported = set(entry["supported_parameters"]) | {"structured_outputs"}
    used = {k for k, v in body.items() if v is not None and k not in _NOT_PARAMETERS}
    if used - supported:
        # [obs] AventurasTeam/Aventuras#48 (2026-01): 404 with this text and no user_id
        raise OpenRouterError(
            404,
            "No endpoints found that can handle the requested parameters. To learn more about provider routing, "
            "visit: https://openrouter.ai/docs/guides/routing/provider-selection",
        )


def check_limits(entry: dict[str, Any], query: ChatQuery, prompt_tokens: int, user_id: str) -> None:
    """Refuse a prompt over the context window or a ``max_tokens`` over the output limit, as OpenRouter does."""
    context = int(entry["context_length"])
    max_out = entry["top_provider"].get("max_completion_tokens") or context
    wanted = query.max_tokens or 0
    if wanted > max_out or prompt_tokens + wanted > context:
        # Wording: [obs] Aider-AI/aider#3721 (with max_tokens, metadata.provider_name), topoteretes/cognee#1061
        # (no max_tokens: text input only, provider_name null), boldsoftware/shelley#159 ("of tool input").
        tools = tool_tokens(query)
        parts = [f"{prompt_tokens - tools} of text input"]
        parts += [f"{tools} of tool input"] if tools else []
        parts += [f"{wanted} in the output"] if wanted else []
        raise OpenRouterError(
            400,
            f"This endpoint's maximum context length is {context} tokens. However, you requested about "
            f"{prompt_tokens + wanted} tokens ({', '.join(parts)}). Please reduce the length of either one, or use "
            'the "middle-out" transform to compress your prompt automatically.',
            metadata={"provider_name": entry["mock"]["provider_name"] if wanted else None},
            user_id=user_id,
        )


def usage_of(entry: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """Usage with ``cost`` from the catalogue's per-token prices (OR-SPEC ChatUsage; [obs] Llama 4 usage)."""
    prompt_cost = reply.prompt_tokens * float(entry["pricing"]["prompt"])
    completion_cost = reply.completion_tokens * float(entry["pricing"]["completion"])
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        "cost": round(prompt_cost + completion_cost, 12),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": round(prompt_cost, 12),
            "upstream_inference_completions_cost": round(completion_cost, 12),
        },
        "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
    }


def completion_document(gen_id: str, created: int, entry: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A ``chat.completion`` in 2026 wire key order: id, object, created, model, provider, choices, usage."""
    return {
        "id": gen_id,
        "object": "chat.completion",
        "created": created,
        "model": entry["id"],
        "provider": entry["mock"]["provider_name"],  # top-level, not in OR-SPEC ([obs])
        "system_fingerprint": None,
        "choices": [
            {
                "logprobs": None,
                "finish_reason": reply.finish,
                "native_finish_reason": reply.finish,  # raw upstream value; Llama hosts say stop/length
                "index": 0,
                "message": message_of(reply) | {"refusal": None, "reasoning": None},
            }
        ],
        "usage": usage_of(entry, reply),
    }


_PROCESSING = b": OPENROUTER PROCESSING\n\n"


def stream_events(
    gen_id: str,
    created: int,
    entry: dict[str, Any],
    reply: Reply,
    fault_at: int | None = None,
    usage_chunk: str = "2026",
) -> list[bytes]:
    """The SSE transcript: keep-alive comments before and between events, role on every delta, usage chunk, [DONE].

    ``usage_chunk`` is the ``openrouter.usage_chunk`` quirk: ``2026``, ``2025`` or ``docs``.
    """
    head = {
        "id": gen_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": entry["id"],
        "provider": entry["mock"]["provider_name"],
    }

    def chunk(delta: dict[str, Any], finish: str | None, **extra: Any) -> bytes:
        choice = {
            "index": 0,
            "delta": {"role": "assistant"} | delta,
            "finish_reason": finish,
            "native_finish_reason": finish,
            "logprobs": None,
        }
        return sse_event(head | {"choices": [choice]} | extra)

    # OR-DOCS streaming.mdx: comment lines may precede and interleave data events; [obs] 0-17 per stream.
    events = [_PROCESSING, _PROCESSING]
    deltas = delta_sequence(reply)
    for index, delta in enumerate(deltas):
        if fault_at is not None and index == fault_at:
            events.append(mid_stream_error(head))
            events.append(b"data: [DONE]\n\n")
            return events
        finish = reply.finish if index == len(deltas) - 1 else None
        events.append(chunk(delta, finish))
        if index == 1:
            events.append(_PROCESSING)
    # 2026 traffic repeats finish_reason on the usage chunk, keeping one choice ([obs] stream-003); 2025 traffic
    # keeps one choice with finish_reason null ([obs] stream-002/004/005); the docs say choices: [] (OR-DOCS).
    usage = usage_of(entry, reply)
    if usage_chunk == "docs":
        events.append(sse_event(head | {"choices": [], "usage": usage}))
    else:
        events.append(chunk({"content": ""}, reply.finish if usage_chunk == "2026" else None, usage=usage))
    events.append(b"data: [DONE]\n\n")
    return events


def mid_stream_error(head: dict[str, Any]) -> bytes:
    """A mid-stream error: HTTP already 200, a chunk with top-level ``error`` plus ``choices`` (OR-DOCS streaming)."""
    error = {
        "code": 502,
        "message": "Provider returned error",
        "metadata": {"error_type": "provider_unavailable", "provider_name": head["provider"]},
    }
    choice = {
        "index": 0,
        "delta": {"role": "assistant", "content": ""},
        "finish_reason": "error",
        "native_finish_reason": None,
    }
    return sse_event(head | {"error": error, "choices": [choice]})


def generation_record(
    gen_id: str, entry: dict[str, Any], reply: Reply, streamed: bool, latency_ms: int
) -> dict[str, Any]:
    """What ``GET /generation?id=`` returns for a generation this mock produced (OR-SPEC GenerationResponse)."""
    usage = usage_of(entry, reply)
    return {
        "id": gen_id,
        "upstream_id": "chatcmpl-" + gen_id[-20:],
        "total_cost": usage["cost"],
        "cache_discount": None,
        "upstream_inference_cost": None,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "model": entry["id"],
        "app_id": None,
        "streamed": streamed,
        "cancelled": False,
        "provider_name": entry["mock"]["provider_name"],
        "latency": latency_ms,
        "moderation_latency": None,
        "generation_time": latency_ms,
        "finish_reason": reply.finish,
        "native_finish_reason": reply.finish,
        "tokens_prompt": reply.prompt_tokens,
        "tokens_completion": reply.completion_tokens,
        "native_tokens_prompt": reply.prompt_tokens,
        "native_tokens_completion": reply.completion_tokens,
        "native_tokens_completion_images": 0,
        "native_tokens_reasoning": 0,
        "native_tokens_cached": 0,
        "num_media_prompt": None,
        "num_media_completion": None,
        "num_search_results": None,
        "origin": "",
        "usage": usage["cost"],
        "is_byok": False,
        "api_type": "completions",
    }
