"""OpenRouter (https://openrouter.ai/api/v1), served at ``/openrouter/api/v1``: everything the engine needs to know.

Routes, authentication, the error envelope (``errors.py``), faults, quirks and the catalogue
(``fixtures/openrouter/models.json``); the operations' hooks are in ``operations.py``, documents in
``documents.py``.
"""

from contracts import registry
from mockserver.behaviour.quirks import Quirk
from mockserver.engine.call import Call, Provider
from mockserver.providers.openai_compat import bearer_key
from mockserver.providers.openrouter.documents import OpenRouterState
from mockserver.providers.openrouter.errors import FAULTS, error, render_error
from mockserver.providers.openrouter.operations import OPERATIONS

__all__ = ["PROVIDER"]

QUIRKS = (
    Quirk(
        "openrouter.usage_chunk",
        ("2026", "2025", "docs"),
        "wire-contracts 1.4: [obs] stream-003 (2026), stream-002/004/005 (2025); OR-DOCS overview",
        "final usage chunk: 2026 repeats finish_reason with one choice; 2025 has one choice with "
        "finish_reason null; the docs say choices: []",
    ),
    Quirk(
        "openrouter.credits",
        ("observed", "docs"),
        "OR-SPEC /credits description (management key required, 403); [3p] openchamber PR #3411 (200 zeros)",
        "GET /credits with an ordinary key: observed 200 with zeros; docs 403",
    ),
)


def authenticate(call: Call) -> str:
    """The bearer key; 401s as observed, without ``user_id`` ([obs] error-401-* captures)."""
    return bearer_key(
        call,
        missing=lambda: error(401, "No cookie auth credentials found", user=False),
        unknown=lambda: error(401, "User not found.", user=False),
    )


PROVIDER = Provider(
    facts=registry.provider("openrouter"),
    operations=OPERATIONS,
    load=OpenRouterState.load,
    authenticate=authenticate,
    render_error=render_error,
    faults=FAULTS,
    quirks=QUIRKS,
)
