"""OpenRouter's documents with no HTTP in them: state, model and endpoint routing, completions, generation records."""

import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import Reply
from mockserver.config import MockConfig
from mockserver.engine.call import Call
from mockserver.http import MockRequest
from mockserver.providers.openai_compat import Catalogue, load_catalogue, message_of
from mockserver.providers.openrouter import reasoning, router
from mockserver.providers.openrouter.errors import UNHANDLED_PARAMETERS, availability, error
from mockserver.providers.openrouter.usage import usage_of

__all__ = [
    "SERVICE_TIER",
    "OpenRouterState",
    "Served",
    "app_of",
    "check_parameters",
    "completion_document",
    "generation_id",
    "generation_record",
    "pick_model",
    "route",
]

# OR-SPEC ChatResult/ChatStreamChunk.service_tier: "The service tier used by the upstream provider for this
# request" (string or null); GenerationResponse.service_tier: "... or null if it did not report one". Llama 4
# hosts report none: null in 2026 traffic from every non-OpenAI upstream ([obs] crmne/ruby_llm cassettes
# 2026-06..08: Amazon Bedrock, Perplexity; Chutes serving llama-4-maverick; "default" only from OpenAI).
SERVICE_TIER = None


@dataclass(frozen=True, slots=True)
class Served:
    """How one request was served: the model, the endpoint's provider and the shapes the request's quirks chose."""

    model: Model
    provider: str
    """The serving endpoint's display name, e.g. ``DeepInfra`` (top-level ``provider``, [obs])."""
    usage: str = "2026"
    """The ``openrouter.usage`` quirk."""
    metadata: dict[str, Any] | None = None
    """``openrouter_metadata`` when the request opted in (X-OpenRouter-Metadata: enabled)."""


@dataclass
class OpenRouterState:
    """The catalogue and the generations this mock produced (bounded, for ``GET /generation``)."""

    catalogue: Catalogue
    generations: OrderedDict[str, tuple[dict[str, Any], float, int]] = field(default_factory=OrderedDict)
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

    def remember(self, gen_id: str, record: dict[str, Any], now: float, latency: int, keep: int = 1000) -> None:
        """Store a generation (``record`` less its per-call fields, completed by ``generation``), keep ``keep``."""
        with self.lock:
            self.generations[gen_id] = (record, now, latency)
            self.usage += float(record["total_cost"])
            while len(self.generations) > keep:
                self.generations.popitem(last=False)

    def generation(self, gen_id: str) -> dict[str, Any] | None:
        """What ``GET /generation?id=`` returns for a generation this mock produced, or None."""
        if (stored := self.generations.get(gen_id)) is None:  # one dict read: atomic beside remember's writes
            return None
        record, now, latency = stored
        created_at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now))
        return record | {"id": gen_id, "upstream_id": "chatcmpl-" + gen_id[-20:], "created_at": created_at,
                         "latency": latency, "generation_time": latency}  # fmt: skip


# What OpenRouter routes on: a request using one of these with no endpoint of the model supporting it is a 404
# "No endpoints found that support ..." (providers/openrouter/errors.py); other parameters are ignored unless
# provider.require_parameters (router.select, per endpoint).
_ROUTED = {"tools": "tools", "tool_choice.auto": "tool_choice", "tool_choice.any": "tool_choice",
           "tool_choice.tool": "tool_choice", "streaming_tools": "tools"}  # fmt: skip


def routed_capabilities(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Capability rows from the catalogue entry as OpenRouter serves it (OR-SPEC Model)."""
    source = "OpenRouter GET /models: {} (fixtures/openrouter/models.json)"
    params = set(entry.get("supported_parameters") or [])
    cells = {feature: {"supported": param in params, "source": source.format(f"supported_parameters {param!r}")}
             for feature, param in _ROUTED.items()}  # fmt: skip
    # Listed for `mockserver capabilities`; never refused: a model without it ignores the reasoning fields.
    reasoning = source.format("supported_parameters 'reasoning'")
    cells["reasoning"] = {"supported": "reasoning" in params, "source": reasoning}
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
    unknown = availability("model_not_found", wanted)  # OR-DOCS errors-and-debugging.mdx §Availability codes
    if body.get("models") and len(wanted) > 1:
        raise error(400, f"{', '.join(wanted)} are not valid model IDs", availability=unknown)
    # [obs] a public capture: unknown model is 400, not 404; the changelog of 2026-08-19: "consistently 400"
    raise error(400, f"{wanted[0]} is not a valid model ID", availability=unknown)


# excluded_by -> the words of the data policy in the privacy_restricted message (errors-and-debugging.mdx example:
# "(zero data retention)"; "(training opt-out)" follows the same table's wording of the other policy).
_POLICIES = {"data_policy:zdr": "zero data retention", "data_policy:training": "training opt-out"}
_CONSTRAINTS = {
    "quantization": "no endpoint serves the quantizations in provider.quantizations",
    "max_price": "every endpoint costs more than provider.max_price",
    "require_parameters": "no endpoint supports every parameter sent (provider.require_parameters)",
}


_LAST: tuple[object, str, router.Selection] | None = None
# The last body routed, for its renderer (one tuple read and written whole: threads at worst route again).


def route(model: Model, body: Mapping[str, Any]) -> router.Selection:
    """The endpoint that serves the request, or OpenRouter's 404 when the routing options leave none."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is body and last[1] == model.id:
        return last[2]
    selection = router.select(model, body)
    if selection.chosen is not None:
        _LAST = (body, model.id, selection)
        return selection
    asked = router.requested(body, model)
    serving = sorted({router.slug(e).split("/")[0] for e in selection.endpoints})  # base slugs, e.g. deepinfra
    routing = router.failure_metadata(model, asked=asked)
    excluded = list(selection.excluded_by)
    if selection.refused_by == "privacy":
        # OR-DOCS api_reference/errors-and-debugging.mdx §Availability codes: privacy_restricted, and its example
        gone = availability("privacy_restricted", [asked], affected_providers=serving, excluded_by=excluded)
        raise error(404, f"No endpoints for {asked} match your data policy ({_POLICIES[excluded[0]]}). Adjust at "
                         "https://openrouter.ai/settings/privacy.", availability=gone, routing=routing)  # fmt: skip
    if selection.refused_by == "constraint":
        # §Availability codes: constraint_filtered with constraint{field, detail}. The require_parameters message is
        # observed (errors.UNHANDLED_PARAMETERS, no user_id); the others' wording is the mock's own (none captured).
        name, detail = excluded[0], _CONSTRAINTS[excluded[0]]
        gone = availability("constraint_filtered", [asked], affected_providers=serving, excluded_by=excluded,
                            constraint={"field": name, "detail": detail})  # fmt: skip
        observed = name == "require_parameters"
        words = UNHANDLED_PARAMETERS if observed else f"No endpoints found for {asked}: {detail}."
        raise error(404, words, availability=gone, routing=routing, user=not observed)
    gone = availability("no_endpoints", [asked], affected_providers=serving, excluded_by=excluded)
    if selection.refused_by == "only":
        # OR-DOCS guides/features/router-metadata.mdx §No Providers Available (404), worded for provider.only
        raise error(404, f"No allowed providers are available for the selected model. Providers serving {asked}: "
                         f"{', '.join(serving)}, but your request's provider.only preference permits only: "
                         f"{', '.join(selection.only)}.", availability=gone, routing=routing)  # fmt: skip
    # [obs] anomalyco/opencode#1558 (provider.order ["groq"] with allow_fallbacks false: "No endpoints found for
    # moonshotai/kimi-k2"); the trailing period and user_id as in a 2025 capture of the same 404 (a codex log)
    raise error(404, f"No endpoints found for {asked}.", availability=gone, routing=routing)


def check_parameters(model: Model, body: Mapping[str, Any]) -> None:
    """``provider.require_parameters``: unsupported parameters are ignored unless it is set (OR-DOCS
    provider-selection.mdx). Checked per endpoint by ``route``; this step stays for operations that call it."""
    route(model, body)


def completion_document(gen_id: str, created: int | str, served: Served, reply: Reply) -> dict[str, Any]:
    """A ``chat.completion`` in 2026 wire key order: id, object, created, model, provider, system_fingerprint,
    service_tier, choices, usage ([obs] crmne/ruby_llm chat cassettes 2026-06), then opt-in openrouter_metadata."""
    document = {
        "id": gen_id,
        "object": "chat.completion",
        "created": created,
        "model": served.model.id,
        "provider": served.provider,  # top-level, not in OR-SPEC ([obs])
        "system_fingerprint": None,
        "service_tier": SERVICE_TIER,
        "choices": [
            {
                "logprobs": None,
                "finish_reason": reply.finish,
                "native_finish_reason": reply.finish,  # raw upstream value; Llama hosts say stop/length
                "index": 0,
                "message": message_of(reply) | _reasoning_fields(reply),
            }
        ],
        "usage": usage_of(
            served.model, reply.prompt_tokens, reply.completion_tokens, served.usage, reply.reasoning_tokens
        ),
    }
    if served.metadata is not None:
        document["openrouter_metadata"] = served.metadata  # router-metadata.mdx §Response Shape
    return document


def _reasoning_fields(reply: Reply) -> dict[str, Any]:
    """``refusal``, ``reasoning`` (null without visible reasoning, [obs] 2026 chat cassettes) and, with reasoning,
    ``reasoning_details`` (OR-SPEC ChatAssistantMessage; reasoning-tokens.mdx §Non-Streaming Response)."""
    shown = reply.visible_reasoning
    fields: dict[str, Any] = {"refusal": None, "reasoning": shown or None}
    return fields | {"reasoning_details": reasoning.details(shown)} if shown else fields


def app_of(request: MockRequest) -> dict[str, Any]:
    """The generation record's app fields from the attribution headers (OR-DOCS app-attribution.mdx).

    ``HTTP-Referer`` identifies the app ("required for app attribution"); ``X-OpenRouter-Title`` (legacy
    ``X-Title``) only names it, so alone it creates no app, and a localhost referer is tracked only with a title.
    The title is in no generation field (OR-SPEC GenerationResponse); ``app_id`` is a stable number per URL.
    """
    referer = request.header("http-referer") or None
    titled = bool(request.header("x-openrouter-title") or request.header("x-title"))
    local = referer is not None and any(h in referer for h in ("://localhost", "://127.0.0.1"))
    app_id = zlib.crc32(referer.encode()) % 10_000_000 if referer and (titled or not local) else None
    return {"app_id": app_id, "http_referer": referer, "user_agent": request.header("user-agent")}


def generation_record(
    gen_id: str,
    created_at: str,
    served: Served,
    reply: Reply,
    streamed: bool,
    latency_ms: int,
    api_type: str,
    app: Mapping[str, Any],
) -> dict[str, Any]:
    """What ``GET /generation?id=`` returns for a generation this mock produced (OR-SPEC GenerationResponse)."""
    model = served.model
    usage = usage_of(model, reply.prompt_tokens, reply.completion_tokens, served.usage, reply.reasoning_tokens)
    return {
        "id": gen_id,
        "upstream_id": "chatcmpl-" + gen_id[-20:],
        "total_cost": usage["cost"],
        "cache_discount": None,
        # OR-DOCS usage-accounting.mdx: via the generation record "only available for BYOK requests ... 0 or null"
        "upstream_inference_cost": None,
        "created_at": created_at,
        "model": model.id,
        "app_id": app["app_id"],
        "streamed": streamed,
        "cancelled": False,
        "provider_name": served.provider,
        "latency": latency_ms,
        "moderation_latency": None,
        "generation_time": latency_ms,
        "finish_reason": reply.finish,
        "native_finish_reason": reply.finish,
        "service_tier": SERVICE_TIER,
        "tokens_prompt": reply.prompt_tokens,
        "tokens_completion": reply.completion_tokens,
        "native_tokens_prompt": reply.prompt_tokens,
        "native_tokens_completion": reply.completion_tokens,
        "native_tokens_completion_images": 0,
        "native_tokens_reasoning": reply.reasoning_tokens,
        "native_tokens_cached": 0,
        "num_media_prompt": None,
        "num_media_completion": None,
        "num_search_results": None,
        "origin": "",
        "usage": usage["cost"],
        "is_byok": False,
        "api_type": api_type,
        "user_agent": app["user_agent"],
        "http_referer": app["http_referer"],
    }
