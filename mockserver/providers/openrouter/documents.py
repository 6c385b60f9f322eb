"""OpenRouter's documents with no HTTP in them: state, model routing, completions, SSE events, generation records."""

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import Reply
from mockserver.config import MockConfig
from mockserver.engine.call import Call
from mockserver.providers.openai_compat import (
    Catalogue,
    chunk_deltas,
    load_catalogue,
    message_of,
    sse_event,
    usage_counts,
)
from mockserver.providers.openrouter.errors import error

__all__ = [
    "OpenRouterState",
    "check_parameters",
    "completion_document",
    "generation_id",
    "generation_record",
    "pick_model",
    "stream_events",
    "usage_of",
]


@dataclass
class OpenRouterState:
    """The catalogue and the generations this mock produced (bounded, for ``GET /generation``)."""

    catalogue: Catalogue
    generations: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    usage: float = 0.0

    @property
    def models(self) -> Mapping[str, Model]:
        """The catalogue's models by id (what ``mockserver capabilities`` lists)."""
        return self.catalogue.models

    @classmethod
    def load(cls, config: MockConfig) -> "OpenRouterState":
        """Read ``fixtures/openrouter/models.json``; the catalogue is data, not code."""
        catalogue = load_catalogue(
            config,
            "openrouter",
            context=lambda e: int(e["context_length"]),
            max_output=lambda e: int(e["top_provider"].get("max_completion_tokens") or e["context_length"]),
            capabilities=routed_capabilities,
        )
        return cls(catalogue)

    def remember(self, record: dict[str, Any], keep: int = 1000) -> None:
        """Store a generation record, dropping the oldest beyond ``keep``."""
        with self.lock:
            self.generations[record["id"]] = record
            self.usage += float(record["total_cost"])
            while len(self.generations) > keep:
                self.generations.popitem(last=False)


# What OpenRouter routes on: a request using one of these with no endpoint of the model supporting it is a 404
# "No endpoints found that support ..." (providers/openrouter/errors.py); other parameters are ignored unless
# provider.require_parameters (check_parameters below).
_ROUTED = {"tools": "tools", "tool_choice.auto": "tool_choice", "tool_choice.any": "tool_choice",
           "tool_choice.tool": "tool_choice", "streaming_tools": "tools"}  # fmt: skip


def routed_capabilities(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Capability rows from the catalogue entry as OpenRouter serves it (OR-SPEC Model)."""
    source = "OpenRouter GET /models: {} (fixtures/openrouter/models.json)"
    params = set(entry.get("supported_parameters") or [])
    cells = {feature: {"supported": param in params, "source": source.format(f"supported_parameters {param!r}")}
             for feature, param in _ROUTED.items()}  # fmt: skip
    images = "image" in (entry.get("architecture") or {}).get("input_modalities", [])
    cells["vision"] = {"supported": images, "source": source.format("architecture.input_modalities")}
    return cells


def generation_id(call: Call) -> str:
    """``gen-<unix seconds>-<20 alnum>`` ([obs] 2024-12 ... 2026-09 traffic)."""
    return f"gen-{int(call.now)}-{call.token(20)}"


def pick_model(catalogue: Catalogue, body: dict[str, Any]) -> Model:
    """Resolve ``model`` or the first known id of the ``models`` fallback list (OR-DOCS model-fallbacks)."""
    wanted = [body["model"]] if body.get("model") else []
    wanted += [m for m in body.get("models") or [] if m not in wanted]
    if not wanted:
        return next(iter(catalogue.models.values()))  # the account default model
    for model_id in wanted:
        model = catalogue.get(model_id)
        if model is not None:
            return model
    if body.get("models") and len(wanted) > 1:
        raise error(400, f"{', '.join(wanted)} are not valid model IDs")
    # [obs] a public capture: unknown model is 400, not 404
    raise error(400, f"{wanted[0]} is not a valid model ID")


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


def check_parameters(model: Model, body: dict[str, Any]) -> None:
    """Unsupported parameters are ignored unless ``provider.require_parameters`` (OR-DOCS provider-selection)."""
    if not (body.get("provider") or {}).get("require_parameters"):
        return
    supported = set(model.entry["supported_parameters"]) | {"structured_outputs"}
    used = {k for k, v in body.items() if v is not None and k not in _NOT_PARAMETERS}
    if used - supported:
        # [obs] AventurasTeam/Aventuras#48 (2026-01): 404 with this text and no user_id
        raise error(
            404,
            "No endpoints found that can handle the requested parameters. To learn more about provider routing, "
            "visit: https://openrouter.ai/docs/guides/routing/provider-selection",
            user=False,
        )


def usage_of(model: Model, reply: Reply) -> dict[str, Any]:
    """Usage with ``cost`` from the catalogue's per-token prices (OR-SPEC ChatUsage; [obs] Llama 4 usage)."""
    prompt_cost = reply.prompt_tokens * float(model.entry["pricing"]["prompt"])
    completion_cost = reply.completion_tokens * float(model.entry["pricing"]["completion"])
    return usage_counts(reply) | {
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


def _provider_name(model: Model) -> str:
    return str(model.entry["mock"]["provider_name"])


def completion_document(gen_id: str, created: int, model: Model, reply: Reply) -> dict[str, Any]:
    """A ``chat.completion`` in 2026 wire key order: id, object, created, model, provider, choices, usage."""
    return {
        "id": gen_id,
        "object": "chat.completion",
        "created": created,
        "model": model.id,
        "provider": _provider_name(model),  # top-level, not in OR-SPEC ([obs])
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
        "usage": usage_of(model, reply),
    }


_PROCESSING = b": OPENROUTER PROCESSING\n\n"
_DONE = b"data: [DONE]\n\n"


def stream_events(
    gen_id: str, created: int, model: Model, reply: Reply, fault_at: int | None = None, usage_chunk: str = "2026"
) -> list[bytes]:
    """The SSE transcript: keep-alive comments before and between events, role on every delta, usage chunk, [DONE].

    ``usage_chunk`` is the ``openrouter.usage_chunk`` quirk: ``2026``, ``2025`` or ``docs``.
    """
    head = {
        "id": gen_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model.id,
        "provider": _provider_name(model),
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
    for index, (delta, finish) in enumerate(chunk_deltas(reply)):
        if index == fault_at:
            return [*events, mid_stream_error(head), _DONE]
        events.append(chunk(delta, finish))
        if index == 1:
            events.append(_PROCESSING)
    # 2026 traffic repeats finish_reason on the usage chunk, keeping one choice ([obs] stream-003); 2025 traffic
    # keeps one choice with finish_reason null ([obs] stream-002/004/005); the docs say choices: [] (OR-DOCS).
    usage = usage_of(model, reply)
    if usage_chunk == "docs":
        events.append(sse_event(head | {"choices": [], "usage": usage}))
    else:
        events.append(chunk({"content": ""}, reply.finish if usage_chunk == "2026" else None, usage=usage))
    return [*events, _DONE]


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
    gen_id: str, created_at: str, model: Model, reply: Reply, streamed: bool, latency_ms: int, api_type: str
) -> dict[str, Any]:
    """What ``GET /generation?id=`` returns for a generation this mock produced (OR-SPEC GenerationResponse)."""
    usage = usage_of(model, reply)
    return {
        "id": gen_id,
        "upstream_id": "chatcmpl-" + gen_id[-20:],
        "total_cost": usage["cost"],
        "cache_discount": None,
        "upstream_inference_cost": None,
        "created_at": created_at,
        "model": model.id,
        "app_id": None,
        "streamed": streamed,
        "cancelled": False,
        "provider_name": _provider_name(model),
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
        "api_type": api_type,
    }
