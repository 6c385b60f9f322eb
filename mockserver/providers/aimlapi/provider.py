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


# AI/ML API lists each model's features in its catalogue (AIML-DOCS complete-model-list.md: `features`).
_FEATURES = {
    "vision": "openai/chat-completion.vision",
    "tools": "openai/chat-completion.function",
    "tool_choice.auto": "openai/chat-completion.function",
    "tool_choice.any": "openai/chat-completion.function",
    "tool_choice.tool": "openai/chat-completion.function",
    "streaming": "openai/chat-completion.stream",
    "response_format.json_object": "openai/chat-completion.response-format",
    "response_format.json_schema": "openai/chat-completion.response-format",
}


def listed_capabilities(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Capability rows from the entry's own ``features`` list, as AI/ML API serves it."""
    listed = set(entry.get("features") or [])
    source = "AI/ML API GET /models features {!r} (fixtures/aimlapi/models.json)"
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
