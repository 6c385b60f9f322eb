"""AI/ML API's ``GET /v1/models`` in its 2026 shape: filters, ``include`` sections, ETag (AIML-DOCS 2026-08-21
service-endpoints/complete-model-list.md and models.json, the ``/v1/models`` operation).

Each item is ``{id, info, type, aliases, tags}``; ``include=pricing,modalities,capabilities`` (or ``all``,
``details=true``) attaches those sections, unknown values "are ignored rather than rejected". Filters: ``id`` (an
id or an alias), ``type``, ``tags``, ``modalities``, ``input_modalities``, ``output_modalities``, ``capabilities``;
"several values, one parameter — OR", "several parameters — AND", case-insensitive, comma-separated or repeated.
The ``aimlapi.models`` quirk at ``2025`` serves the earlier shape with a ``features`` list instead.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from mockserver.behaviour.catalogue import Model
from mockserver.http import MockRequest

__all__ = ["SECTIONS", "etag", "listing", "retired"]

SECTIONS = ("pricing", "modalities", "capabilities")
_FILTERS = ("id", "type", "tags", "modalities", "input_modalities", "output_modalities", "capabilities")


def _query(request: MockRequest) -> dict[str, set[str]]:
    """Every query parameter's values, comma-separated and repeated forms merged, lower-cased."""
    merged: dict[str, set[str]] = {}
    for name, value in parse_qsl(request.query_string, keep_blank_values=True):
        merged.setdefault(name, set()).update(v.strip().lower() for v in value.split(",") if v.strip())
    return merged


def retired(model: Model) -> str | None:
    """The date AI/ML API retired the model's page, if it did (``mock.retired``)."""
    value = model.entry["mock"].get("retired")
    return str(value) if value else None


def _keeps(entry: Mapping[str, Any], wanted: Mapping[str, set[str]]) -> bool:
    modalities = entry.get("modalities") or {}
    inputs = {m.lower() for m in modalities.get("input", [])}
    outputs = {m.lower() for m in modalities.get("output", [])}
    values = {
        "id": {str(entry["id"]).lower(), *(str(a).lower() for a in entry.get("aliases", []))},
        "type": {str(entry.get("type", "")).lower()},
        "tags": {str(t).lower() for t in entry.get("tags", [])},
        "modalities": inputs | outputs,
        "input_modalities": inputs,
        "output_modalities": outputs,
        "capabilities": {str(c).lower() for c in entry.get("capabilities", [])},
    }
    return all(not wanted.get(name) or wanted[name] & values[name] for name in _FILTERS)


def _item(entry: Mapping[str, Any], sections: set[str], style: str) -> dict[str, Any]:
    if style == "2025":
        # The earlier shape clients were written against: `features` beside the identity, no optional sections
        # ([3p] discovery clients parsing `features` such as "openai/chat-completion.function", 2025-26).
        base = {k: entry[k] for k in ("id", "type", "aliases", "info", "tags") if k in entry}
        return base | {"features": list(entry.get("mock", {}).get("features_2025", []))}
    item = {k: entry[k] for k in ("id", "info", "type", "aliases", "tags")}
    return item | {name: entry[name] for name in SECTIONS if name in sections and name in entry}


def listing(models: Mapping[str, Model], request: MockRequest, *, style: str, hide_retired: bool) -> dict[str, Any]:
    """The list document for this query (``style``: the ``aimlapi.models`` quirk)."""
    wanted = _query(request)
    sections = set(wanted.get("include", set()))
    if "all" in sections or wanted.get("details", set()) & {"true", "1"}:
        sections = set(SECTIONS)
    entries = [m.entry for m in models.values() if not (hide_retired and retired(m))]
    return {"object": "list", "data": [_item(e, sections, style) for e in entries if _keeps(e, wanted)]}


def etag(document: Any) -> str:
    """A weak validator over the whole response, as AI/ML API sends (docs: `W/"1440a0-uH6N..."`, length-hash)."""
    body = json.dumps(document, separators=(",", ":")).encode()
    return f'W/"{len(body):x}-{hashlib.sha256(body).hexdigest()[:27]}"'
