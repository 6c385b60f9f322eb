"""OpenRouter's provider routing over a model's endpoints, and the opt-in router metadata; no errors raised here.

Routing follows OR-DOCS guides/routing/provider-selection.mdx (``only``, ``ignore``, ``data_collection``, ``zdr``,
``quantizations``, ``max_price``, ``require_parameters``, ``sort``, ``order`` with ``allow_fallbacks``, base-slug
matching, the default price strategy); the metadata follows OR-SPEC ``OpenRouterMetadata`` and OR-DOCS
guides/features/router-metadata.mdx. The endpoints are the catalogue's ``mock.endpoints``
(fixtures/openrouter/models.json, as ``GET /models/{author}/{slug}/endpoints`` lists them).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.http import MockRequest

__all__ = ["NOT_PARAMETERS", "Selection", "failure_metadata", "opted_in", "public", "requested", "select", "slug",
           "success_metadata"]

# router-metadata.mdx: "X-OpenRouter-Metadata: enabled" (matched case-insensitively; any other value is
# "disabled"); the legacy name X-OpenRouter-Experimental-Metadata "is still accepted".
_METADATA_HEADERS = ("x-openrouter-metadata", "x-openrouter-experimental-metadata")


def opted_in(request: MockRequest) -> bool:
    """Whether the request asked for ``openrouter_metadata`` (router-metadata.mdx §Accepted Values)."""
    return any((request.header(name) or "").strip().lower() == "enabled" for name in _METADATA_HEADERS)


def slug(endpoint: Mapping[str, Any]) -> str:
    """The endpoint's provider slug with its variant, e.g. ``deepinfra/fp8`` (the endpoint listing's ``tag``)."""
    return str(endpoint.get("tag") or endpoint["provider_name"]).lower()


def _matches(wanted: str, endpoint: Mapping[str, Any]) -> bool:
    # provider-selection.mdx §Base Slug Matching: "deepinfra" matches every DeepInfra endpoint, "deepinfra/turbo"
    # only that one; the spec's ProviderName values are display names ("DeepInfra"), so those match too.
    wanted, tag = wanted.strip().lower(), slug(endpoint)
    return wanted in (tag, tag.split("/")[0], str(endpoint["provider_name"]).lower())


def _names(value: Any) -> list[str]:
    """A routing list as sent (the schema leaves ``only``/``ignore``/``order`` untyped): its strings only."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Selection:
    """Where routing sent a request: the endpoint that serves it (and its fallbacks), or why none is left."""

    endpoints: tuple[Mapping[str, Any], ...]
    """Every endpoint of the model, in catalogue order."""
    chosen: Mapping[str, Any] | None
    refused_by: str | None = None
    """``only`` (the allow list left nothing), ``routing`` (ignore, or order without fallbacks), ``privacy``
    (data_collection, zdr) or ``constraint`` (quantizations, max_price, require_parameters)."""
    only: tuple[str, ...] = ()
    excluded_by: tuple[str, ...] = ("allowed_providers",)
    """The filter that removed the last endpoints, in errors-and-debugging.mdx's ``excluded_by`` vocabulary."""
    tried: tuple[Mapping[str, Any], ...] = ()
    """The eligible endpoints in the order they would be tried (the first is ``chosen``)."""

    @property
    def provider(self) -> str | None:
        """The display name of the serving endpoint's provider, e.g. ``DeepInfra``."""
        return str(self.chosen["provider_name"]) if self.chosen is not None else None


def public(endpoint: Mapping[str, Any]) -> dict[str, Any]:
    """The endpoint as ``GET /models/{author}/{slug}/endpoints`` serves it: without the mock's own ``mock``."""
    return {k: v for k, v in endpoint.items() if k != "mock"}


def _policy(endpoint: Mapping[str, Any], name: str) -> bool:
    return bool((endpoint.get("mock") or {}).get(name, True))  # no stated policy: assume the data is kept


def _price(endpoint: Mapping[str, Any], key: str) -> float:
    return float(endpoint["pricing"].get(key) or 0)


def _cost(endpoint: Mapping[str, Any]) -> float:
    """What ``sort: "price"`` compares: prompt plus completion price per token (the mock's own weighting)."""
    return _price(endpoint, "prompt") + _price(endpoint, "completion")


def _p50(endpoint: Mapping[str, Any], key: str) -> float:
    return float((endpoint.get(key) or {}).get("p50") or 0)


def _number(value: Any) -> float | None:
    """A price ceiling as sent: a number or a numeric string (OR-SPEC types max_price's members as strings)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _within(endpoint: Mapping[str, Any], ceiling: Mapping[str, Any]) -> bool:
    # §Max Price: prompt/completion in USD per million tokens, request per request, image per image.
    scale = {"prompt": 1e6, "completion": 1e6, "request": 1.0, "image": 1.0}
    caps = {key: _number(ceiling.get(key)) for key in scale}
    return all(_price(endpoint, k) * scale[k] <= cap + 1e-9 for k, cap in caps.items() if cap is not None)


# Request fields that are not model parameters (never make an endpoint "unsupported" under require_parameters).
NOT_PARAMETERS = frozenset(
    {"model", "models", "messages", "stream", "stream_options", "provider", "usage", "user", "transforms", "route",
     "metadata", "plugins", "session_id", "trace", "debug", "max_completion_tokens", "prompt"}
)  # fmt: skip
# §Default parameter preferences: routed to supporting endpoints when only some support them, never a refusal.
_SOFT = ("tools", "response_format")


def _used(body: Mapping[str, Any]) -> set[str]:
    return {k for k, v in body.items() if v is not None and k not in NOT_PARAMETERS}


def _supports(endpoint: Mapping[str, Any], used: set[str]) -> bool:
    return used <= set(endpoint.get("supported_parameters") or []) | {"structured_outputs"}


def _filters(prefs: Mapping[str, Any], body: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(refusal, excluded_by, keep) for each routing filter the request switched on, in the order applied."""
    found: list[tuple[str, str, Any]] = []
    if prefs.get("data_collection") == "deny":  # §Requiring Providers to Comply with Data Policies
        found.append(("privacy", "data_policy:training", lambda e: not _policy(e, "trains_on_data")))
    if prefs.get("zdr") is True:  # §Zero Data Retention Enforcement
        found.append(("privacy", "data_policy:zdr", lambda e: not _policy(e, "retains_prompts")))
    wanted = {q.lower() for q in _names(prefs.get("quantizations"))}
    if wanted:  # §Quantization
        found.append(("constraint", "quantization", lambda e: str(e.get("quantization")).lower() in wanted))
    if isinstance(prefs.get("max_price"), Mapping):
        found.append(("constraint", "max_price", lambda e: _within(e, prefs["max_price"])))
    if prefs.get("require_parameters") is True:  # §Requiring Providers to Support All Parameters
        found.append(("constraint", "require_parameters", lambda e: _supports(e, _used(body))))
    return found


def _ranked(left: list[Mapping[str, Any]], prefs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The order endpoints are tried in: ``sort`` (§Provider Sorting), else the default strategy."""
    sort = prefs.get("sort")
    by = sort.get("by") if isinstance(sort, Mapping) else sort
    if by == "price":
        return sorted(left, key=_cost)
    if by == "throughput":
        return sorted(left, key=lambda e: -_p50(e, "throughput_last_30m"))
    if by == "latency":
        return sorted(left, key=lambda e: _p50(e, "latency_last_30m"))
    # §Price-Based Load Balancing: stable providers first, the cheapest of them weighted most (inverse square of
    # the price); the mock takes that most likely pick, so a request's endpoint does not change between runs. An
    # endpoint below 90% uptime in the last 5 minutes counts as having "seen significant outages" (the mock's cut).
    return sorted(left, key=lambda e: (float(e.get("uptime_last_5m") or 100) < 90, _cost(e)))


def select(model: Model, body: Mapping[str, Any]) -> Selection:
    """Apply the ``provider`` preferences to the model's endpoints (OR-DOCS guides/routing/provider-selection.mdx)."""
    endpoints = tuple(model.entry["mock"]["endpoints"])
    prefs = body.get("provider")
    prefs = prefs if isinstance(prefs, Mapping) else {}
    only, ignore, order = _names(prefs.get("only")), _names(prefs.get("ignore")), _names(prefs.get("order"))
    left = [e for e in endpoints if not only or any(_matches(w, e) for w in only)]
    if not left:
        return Selection(endpoints, None, "only", tuple(only))
    left = [e for e in left if not any(_matches(w, e) for w in ignore)]
    for refusal, excluded_by, keep in _filters(prefs, body):
        kept = [e for e in left if keep(e)]
        if left and not kept:
            return Selection(endpoints, None, refusal, excluded_by=(excluded_by,))
        left = kept
    for soft in _SOFT:
        if soft in body and any(soft in (e.get("supported_parameters") or []) for e in left):
            left = [e for e in left if soft in (e.get("supported_parameters") or [])]
    ranked = _ranked(left, prefs)
    # §Ordering Specific Providers: the order list is tried first, then "the normal list of providers" unless
    # allow_fallbacks is false (§Disabling Fallbacks: "fails if Together fails").
    first = [e for w in order for e in ranked if _matches(w, e)]
    first = [e for i, e in enumerate(first) if e not in first[:i]]
    tried = first if order and prefs.get("allow_fallbacks") is False else first + [e for e in ranked if e not in first]
    if not tried:
        return Selection(endpoints, None, "routing")
    return Selection(endpoints, tried[0], tried=tuple(tried))


def requested(body: Mapping[str, Any], model: Model) -> str:
    """The model slug the client sent (OR-SPEC OpenRouterMetadata.requested), else the one that served."""
    models = body.get("models")
    first = models[0] if isinstance(models, list) and models else None
    sent = body.get("model") or first
    return sent if isinstance(sent, str) else model.id


def _strategy(body: Mapping[str, Any]) -> str:
    # OR-SPEC RoutingStrategy: "direct" for a named model; a `models` list is read as the "fallback" strategy.
    return "fallback" if isinstance(body.get("models"), list) and len(body["models"]) > 1 else "direct"


def _metadata(
    model: Model, asked: str, strategy: str, endpoints: Sequence[Mapping[str, Any]], chosen: Mapping[str, Any] | None
) -> dict[str, Any]:
    available = [{"provider": str(e["provider_name"]), "model": model.id, "selected": e is chosen} for e in endpoints]
    summary = f"available={len(endpoints)}" + (f", selected={chosen['provider_name']}" if chosen else "")
    # region: "Edge region that handled the request, when available" - a mock has none.
    return {"requested": asked, "strategy": strategy, "region": None, "summary": summary, "attempt": 0,
            "is_byok": False, "endpoints": {"total": len(endpoints), "available": available}}  # fmt: skip


def success_metadata(model: Model, body: Mapping[str, Any], selection: Selection) -> dict[str, Any]:
    """``openrouter_metadata`` of a served request (router-metadata.mdx §Response Shape)."""
    document = _metadata(model, requested(body, model), _strategy(body), selection.endpoints, selection.chosen)
    document["attempt"] = 1
    document["attempts"] = [{"provider": selection.provider, "model": model.id, "status": 200}]
    return document


def failure_metadata(
    model: Model,
    *,
    asked: str | None = None,
    attempt: int = 0,
    status: int | None = None,
    pipeline: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``openrouter_metadata`` of an error (router-metadata.mdx §Error Responses).

    ``attempt`` 0: no provider was reached (routing left none); 1 with ``status``: the provider failed. No
    endpoint is ``selected`` on failure.
    """
    endpoints = tuple(model.entry["mock"]["endpoints"])
    document = _metadata(model, asked or model.id, "direct", endpoints, None)
    document["attempt"] = attempt
    if status is not None and endpoints:
        document["attempts"] = [{"provider": str(endpoints[0]["provider_name"]), "model": model.id, "status": status}]
    if pipeline:
        document["pipeline"] = [dict(stage) for stage in pipeline]
    return document
