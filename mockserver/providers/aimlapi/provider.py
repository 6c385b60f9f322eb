"""AI/ML API (https://api.aimlapi.com/v1), served at ``/aimlapi/v1``: everything the engine needs to know.

Routes, authentication, the error envelope and faults (``errors.py``), quirks and the catalogue
(``fixtures/aimlapi/models.json``); the operations' hooks are in ``operations.py``.
"""

from collections.abc import Mapping
from typing import Any

from contracts import registry
from mockserver.behaviour.quirks import Quirk
from mockserver.config import MockConfig
from mockserver.engine.call import Call, Provider
from mockserver.providers.aimlapi.errors import FAULTS, MESSAGES, error, render_error
from mockserver.providers.aimlapi.operations import OPERATIONS
from mockserver.providers.openai_compat import Catalogue, bearer_key, load_catalogue

__all__ = ["PROVIDER"]

QUIRKS = (
    Quirk(
        "aimlapi.envelope",
        ("2025", "2026"),
        "wire-contracts 2.3: docs-published 2025-04 responses vs 2026 docs pages",
        "chat response: 2025 Together-style id, upstream model name, three usage counters; 2026 an "
        "OpenRouter-like gen- id with native_finish_reason and top-level meta.usage credits",
    ),
    Quirk(
        "aimlapi.errors",
        ("documented", "problem-2026"),
        "AIML-DOCS errors-and-messages/general-info.md vs [obs] api-evangelist/aimlapi "
        "errors/aimlapi-problem-types.yml (third-party live probe, 2026-08-30)",
        "error body: documented {requestId, statusCode, timestamp, path, message}; a 2026 probe saw "
        "problem+json {title, status, message, instance, requestId, timestamp, error{name}}. The documented "
        "shape stays the default: the only later observation is one third-party probe file",
    ),
    Quirk(
        "aimlapi.models",
        ("2026", "2025"),
        "AIML-DOCS 2026-08-21 service-endpoints/complete-model-list.md, models.json; [3p] model-discovery clients "
        "parsing `features` (e.g. openai/chat-completion.function) in 2025-26 code",
        "GET /v1/models items: 2026 {id, info, type, aliases, tags} with include=pricing,modalities,capabilities; "
        "2025 the same identity with a `features` list",
    ),
    Quirk(
        "aimlapi.llama4",
        ("served", "retired"),
        "research/peers.md and issue 13: AI/ML API removed the Llama 4 pages as deprecated (Scout 2026-02-17, "
        "Maverick 2026-04-03); wire-contracts 2.5: a '404 Model is deprecated' docs page (body wording assumed)",
        "Llama 4 on AI/ML API: served as documented until 2026, or retired (a 404 for chat, gone from /v1/models)",
    ),
    Quirk(
        "aimlapi.done",
        ("on", "off"),
        "wire-contracts 2.4: the published transcript shows no data: [DONE] (possibly trimmed)",
        "whether AI/ML API streams end with data: [DONE]",
    ),
)


def authenticate(call: Call) -> str:
    """Require ``Authorization: Bearer <key>`` (AIML-SPEC securitySchemes); a missing or unknown key is 401."""
    return bearer_key(call, missing=lambda: error(401, MESSAGES[401]), unknown=lambda: error(401, MESSAGES[401]))


def load(config: MockConfig) -> Catalogue:
    """Read ``fixtures/aimlapi/models.json`` (data, not code)."""
    return load_catalogue(
        config,
        "aimlapi",
        context=lambda e: int(e["info"]["contextLength"]),
        max_output=lambda e: int(e["info"]["outputMax"]),
        capabilities=listed_capabilities,
    )


# AI/ML API lists each model's capabilities in its catalogue (AIML-DOCS 2026-08-21 complete-model-list.md,
# `?include=capabilities`: streaming, structured_output, tools, vision, ...).
_FEATURES = {
    "vision": "vision",
    "tools": "tools",
    "tool_choice.auto": "tools",
    "tool_choice.any": "tools",
    "tool_choice.tool": "tools",
    "streaming": "streaming",
    "response_format.json_object": "structured_output",
    "response_format.json_schema": "structured_output",
}


def listed_capabilities(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Capability rows from the entry's own ``capabilities`` list, as AI/ML API serves it."""
    listed = set(entry.get("capabilities") or [])
    source = "AI/ML API GET /v1/models?include=capabilities {!r} (fixtures/aimlapi/models.json)"
    return {
        feature: {"supported": name in listed, "source": source.format(name)} for feature, name in _FEATURES.items()
    }


PROVIDER = Provider(
    facts=registry.provider("aimlapi"),
    operations=OPERATIONS,
    load=load,
    authenticate=authenticate,
    render_error=render_error,
    faults=FAULTS,
    quirks=QUIRKS,
)
