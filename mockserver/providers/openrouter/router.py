"""OpenRouter's provider routing over a model's endpoints, and the opt-in router metadata; no errors raised here.

Routing follows OR-DOCS guides/routing/provider-selection.mdx (``only``, ``ignore``, ``order`` with
``allow_fallbacks``, base-slug matching); the metadata follows OR-SPEC ``OpenRouterMetadata`` and OR-DOCS
guides/features/router-metadata.mdx. The endpoints are the catalogue's ``mock.endpoints``
(fixtures/openrouter/models.json, as ``GET /models/{author}/{slug}/endpoints`` lists them).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.http import MockRequest

__all__ = ["Selection", "failure_metadata", "opted_in", "requested", "select", "slug", "success_metadata"]

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
    """Where routing sent a request: the endpoint that serves it, or why none is left."""

    endpoints: tuple[Mapping[str, Any], ...]
    """Every endpoint of the model, in catalogue order."""
    chosen: Mapping[str, Any] | None
    refused_by: str | None = None
    """``only`` (the request's allow list left nothing) or ``routing`` (ignore, or order without fallbacks)."""
    only: tuple[str, ...] = ()

    @property
    def provider(self) -> str | None:
        """The display name of the serving endpoint's provider, e.g. ``DeepInfra``."""
        return str(self.chosen["provider_name"]) if self.chosen is not None else None


def select(model: Model, body: Mapping[str, Any]) -> Selection:
    """Apply ``provider.only``, ``ignore`` and ``order``/``allow_fallbacks`` to the model's endpoints."""
    endpoints = tuple(model.entry["mock"]["endpoints"])
    prefs = body.get("provider")
    prefs = prefs if isinstance(prefs, Mapping) else {}
    only, ignore, order = _names(prefs.get("only")), _names(prefs.get("ignore")), _names(prefs.get("order"))
    left = [e for e in endpoints if not only or any(_matches(w, e) for w in only)]
    if not left:
        return Selection(endpoints, None, "only", tuple(only))
    left = [e for e in left if not any(_matches(w, e) for w in ignore)]
    # §Ordering Specific Providers: the order list is tried first, then "the normal list of providers" unless
    # allow_fallbacks is false (§Disabling Fallbacks: "fails if Together fails").
    ranked = [e for w in order for e in left if _matches(w, e)]
    if order and prefs.get("allow_fallbacks") is False:
        left = ranked
    if not left:
        return Selection(endpoints, None, "routing")
    return Selection(endpoints, (ranked or left)[0])


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
