"""OpenRouter (https://openrouter.ai/api/v1), served at ``/openrouter/api/v1``: everything the engine needs to know.

Routes, authentication, the error envelope (``errors.py``), faults, quirks and the catalogue
(``fixtures/openrouter/models.json``); the operations' hooks are in ``operations.py``, documents in
``documents.py``.
"""

from contracts import registry
from mockserver.behaviour.quirks import Quirk
from mockserver.engine.call import Call, Provider
from mockserver.errors import ProviderError
from mockserver.http import MockResponse
from mockserver.providers.openai_compat import bearer_key
from mockserver.providers.openrouter import messages, responses
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
        "openrouter.usage",
        ("2026", "2025"),
        "OR-SPEC ChatUsage; [obs] crmne/ruby_llm cassettes 2026-06-08, pydantic-ai advisor stream 2026-07 (2026); "
        "pydantic-ai test_openrouter_stream_with_reasoning.yaml, test_openrouter_stream_error.yaml 2025-11 (2025)",
        "usage details: 2026 sends cached/cache_write/audio/video prompt and reasoning/image/audio completion "
        "counters with upstream_inference_cost = cost; 2025 two counters each and upstream_inference_cost null",
    ),
    Quirk(
        "openrouter.errors",
        ("2026-08", "2026-06"),
        "OR-DOCS errors-and-debugging.mdx typed codes, changelog 2026-08-19 (availability); [obs] crmne/ruby_llm "
        "cassettes 2026-06-08 (401 Missing Authentication header, 400 context length: no error_type)",
        "error envelope: 2026-08 puts metadata.error_type on every error and error.availability on model-"
        "availability errors; 2026-06 types only the errors traffic typed then (429, 500, validation)",
    ),
    Quirk(
        "openrouter.credits",
        ("observed", "docs"),
        "OR-SPEC /credits description (management key required, 403); [3p] openchamber PR #3411 (200 zeros)",
        "GET /credits with an ordinary key: observed 200 with zeros; docs 403",
    ),
)


def _messages(call: Call) -> bool:
    return call.operation is not None and call.operation.name == "create_messages"


def authenticate(call: Call) -> str:
    """The bearer key (``x-api-key`` too on /messages); 401s as observed, without ``user_id`` ([obs] error-401-*)."""
    if _messages(call):
        return messages.authenticate(call)
    return bearer_key(call, missing=_no_key, unknown=_unknown_key)


def _no_key() -> ProviderError:
    return error(401, "No cookie auth credentials found", user=False)


def _unknown_key() -> ProviderError:
    return error(401, "User not found.", user=False)


def render(call: Call, exc: ProviderError) -> MockResponse:
    """OpenRouter's envelope; on /messages the same words in Anthropic's envelope (OR-SPEC createMessages)."""
    return messages.render_error(call, exc) if _messages(call) else render_error(call, exc)


PROVIDER = Provider(
    facts=registry.provider("openrouter"),
    operations=OPERATIONS | responses.OPERATIONS | messages.OPERATIONS,
    load=OpenRouterState.load,
    authenticate=authenticate,
    render_error=render,
    faults=FAULTS,
    quirks=QUIRKS + messages.QUIRKS,
)
