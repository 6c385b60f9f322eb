"""OpenRouter's ``GET /models`` query filters, sort and pagination, and ``GET /models/count`` (OR-SPEC 2026-08-22
``getModels`` and ``listModelsCount`` parameters; ``ModelsListResponse{data, total_count, links.next}``).

Semantics the spec leaves open are the mock's reading, named where applied: ``supported_parameters`` and
``input_modalities`` keep models that have every value listed, ``output_modalities`` (default ``text``) models with
any of them. Filters on data the catalogue does not hold (``category``, ``distillable``, ``region``, the Artificial
Analysis indices, tool success rates) are checked for their form and filter nothing: the mock has no evidence
either way, so a test asking for a category still sees the models.
"""

import time
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.http import MockRequest
from mockserver.providers.openrouter.errors import error

__all__ = ["count", "listing"]

# OR-SPEC getModels parameter enums.
CATEGORIES = ("programming", "roleplay", "marketing", "marketing/seo", "technology", "science", "translation",
              "legal", "finance", "health", "trivia", "academia")  # fmt: skip
SORTS = ("most-popular", "newest", "top-weekly", "pricing-low-to-high", "pricing-high-to-low", "context-high-to-low",
         "throughput-high-to-low", "latency-low-to-high", "intelligence-high-to-low", "coding-high-to-low",
         "agentic-high-to-low", "design-arena-elo-high-to-low")  # fmt: skip
_UNKNOWN_DATA = ("category", "distillable", "region", "min_intelligence_index", "max_intelligence_index",
                 "min_coding_index", "max_coding_index", "min_agentic_index", "max_agentic_index",
                 "min_tool_success_rate", "max_tool_success_rate")  # fmt: skip


def _bad(name: str, reason: str) -> Exception:
    # OR-SPEC getModels 400 example: "Invalid request parameters"; the parameter and reason are the mock's words.
    return error(400, f"Invalid request parameters: {name}: {reason}", metadata={"error_type": "invalid_request"})


def _values(request: MockRequest, name: str) -> list[str]:
    raw = request.query.get(name)
    return [v.strip().lower() for v in raw.split(",") if v.strip()] if raw else []


def _number(request: MockRequest, name: str, *, integer: bool = False, low: float = 0) -> float | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise _bad(name, f"expected {'an integer' if integer else 'a number'}, received {raw!r}") from None
    if value < low:
        raise _bad(name, f"must be at least {low:g}")
    return value


def _per_million(entry: Mapping[str, Any], key: str) -> float:
    return float(entry["pricing"].get(key) or 0) * 1e6


def _best(model: Model, key: str, pick: Callable[..., float]) -> float:
    values = [float((e.get(key) or {}).get("p50") or 0) for e in model.entry["mock"]["endpoints"]]
    return pick(values) if values else 0.0


def _at_least(value: Callable[[Model], float], bound: float, sign: int) -> Callable[[Model], bool]:
    """``value >= bound`` for sign 1 (a ``min_`` filter), ``value <= bound`` for sign -1 (a ``max_`` filter)."""
    return lambda m: sign * (value(m) - bound) >= 0


def _price_of(key: str) -> Callable[[Model], float]:
    return lambda m: _per_million(m.entry, key)


def _average(model: Model) -> float:
    """"average prompt/completion price" (OR-SPEC getModels sort), $/M tokens."""
    return (_per_million(model.entry, "prompt") + _per_million(model.entry, "completion")) / 2


def _filters(request: MockRequest, now: float) -> list[Callable[[Model], bool]]:
    """One predicate per filter the query sets (OR-SPEC getModels), after checking each value."""
    checks: list[Callable[[Model], bool]] = []
    outputs = _values(request, "output_modalities") or ["text"]  # "Defaults to \"text\""
    if "all" not in outputs:
        checks.append(lambda m: bool(set(outputs) & set(m.entry["architecture"]["output_modalities"])))
    inputs = _values(request, "input_modalities")
    checks.append(lambda m: set(inputs) <= set(m.entry["architecture"]["input_modalities"]))
    params = _values(request, "supported_parameters")
    checks.append(lambda m: set(params) <= set(m.entry.get("supported_parameters") or []))
    words = (request.query.get("q") or "").strip().lower()
    checks.append(lambda m: words in m.id.lower() or words in str(m.entry["name"]).lower())
    authors, arch = _values(request, "model_authors"), _values(request, "arch")
    providers = _values(request, "providers")
    checks.append(lambda m: not authors or m.id.split("/")[0] in authors)
    checks.append(lambda m: not arch or any(str(m.entry["architecture"].get("tokenizer", "")).lower().startswith(a)
                                            for a in arch))  # fmt: skip
    checks.append(lambda m: not providers or any(str(e["provider_name"]).lower() in providers
                                                 or str(e["tag"]).split("/")[0] in providers
                                                 for e in m.entry["mock"]["endpoints"]))  # fmt: skip
    if request.query.get("zdr") == "true":
        checks.append(lambda m: any(not (e.get("mock") or {}).get("retains_prompts", True)
                                    for e in m.entry["mock"]["endpoints"]))  # fmt: skip
    context = _number(request, "context", integer=True, low=1)
    checks.append(lambda m: context is None or m.context_window >= context)
    for name, key, sign in (("min_price", "prompt", 1), ("max_price", "prompt", -1),
                            ("min_output_price", "completion", 1), ("max_output_price", "completion", -1)):
        bound = _number(request, name)
        if bound is not None:  # prices in $/M tokens (OR-SPEC getModels)
            checks.append(_at_least(_price_of(key), bound, sign))
    for name, sign in (("min_age_days", 1), ("max_age_days", -1)):
        days = _number(request, name, integer=True)
        if days is not None:  # "model age in days since its creation date"
            checks.append(_at_least(lambda m: (now - int(m.entry["created"])) / 86400, days, sign))
    category = request.query.get("category")
    if category is not None and category not in CATEGORIES:
        raise _bad("category", f"expected one of {', '.join(CATEGORIES)}, received {category!r}")
    for name in _UNKNOWN_DATA[1:]:
        if name.startswith(("min_", "max_")):
            _number(request, name)  # a malformed bound is still a 400
    return checks


def _sorted(models: list[Model], order: str | None) -> list[Model]:
    """``sort``: the orders the catalogue has data for; the others keep the default order ("preserved")."""
    if order is not None and order not in SORTS:
        raise _bad("sort", f"expected one of {', '.join(SORTS)}, received {order!r}")
    keys: dict[str, Callable[[Model], Any]] = {
        "pricing-low-to-high": _average,
        "pricing-high-to-low": lambda m: -_average(m),
        "context-high-to-low": lambda m: -m.context_window,
        "throughput-high-to-low": lambda m: -_best(m, "throughput_last_30m", max),
        "latency-low-to-high": lambda m: _best(m, "latency_last_30m", min),
        "newest": lambda m: -int(m.entry["created"]),
    }
    return sorted(models, key=keys[order]) if order in keys else models


def _public(model: Model) -> dict[str, Any]:
    return {k: v for k, v in model.entry.items() if k != "mock"}


def _matching(models: Mapping[str, Model], request: MockRequest, now: float) -> list[Model]:
    checks = _filters(request, now)
    return [m for m in models.values() if all(check(m) for check in checks)]


def listing(models: Mapping[str, Model], request: MockRequest, now: float | None = None) -> dict[str, Any]:
    """The ``GET /models`` document for this query: filtered, sorted, paginated, with total_count and links."""
    found = _sorted(_matching(models, request, time.time() if now is None else now), request.query.get("sort"))
    offset = _number(request, "offset", integer=True)
    limit = _number(request, "limit", integer=True, low=1)
    if limit is not None and limit > 1000:
        raise _bad("limit", "must be at most 1000")  # "Maximum number of records to return (max 1000)"
    if offset is None and limit is None:  # "When both offset and limit are omitted, the full list is returned"
        return {"data": [_public(m) for m in found], "total_count": len(found), "links": {"next": None}}
    start, size = int(offset or 0), int(limit or 1000)
    page = found[start : start + size]
    more = start + size < len(found)
    following = f"/api/v1/models?offset={start + size}&limit={size}" if more else None
    return {"data": [_public(m) for m in page], "total_count": len(found), "links": {"next": following}}


def count(models: Mapping[str, Model], request: MockRequest) -> dict[str, Any]:
    """``GET /models/count``: how many models the ``output_modalities`` filter (its only parameter) keeps."""
    outputs = _values(request, "output_modalities") or ["text"]
    kept = [m for m in models.values()
            if "all" in outputs or set(outputs) & set(m.entry["architecture"]["output_modalities"])]  # fmt: skip
    return {"data": {"count": len(kept)}}
