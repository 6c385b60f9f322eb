"""OpenRouter's reasoning controls read into a neutral ``Thinking``, and the reasoning fields of its answers.

Request side (OR-DOCS guides/best-practices/reasoning-tokens.mdx): ``reasoning{effort, max_tokens, exclude,
enabled}``, the ``reasoning_effort`` shorthand (OR-SPEC ChatRequest) and the legacy ``include_reasoning`` (true =
``reasoning: {}``, false = ``reasoning: {exclude: true}``, §Legacy Parameters). A model reasons only if its catalogue
entry lists ``reasoning`` in ``supported_parameters``; on any other model the fields are ignored, as OpenRouter
ignores unsupported parameters (provider-selection.mdx §Requiring Providers to Support All Parameters). How each
model switches its reasoning on is the catalogue's ``mock.reasoning.switch``: ``always`` (DeepSeek-R1 style models
think on every request) or ``system_prompt`` (NVIDIA Nemotron: "detailed thinking on" in the system prompt, per the
model card huggingface.co/nvidia/Llama-3_1-Nemotron-Ultra-253B-v1 §Usage Recommendations and the seed page 003:
"You must include detailed thinking in the system prompt to enable reasoning").
"""

from collections.abc import Mapping
from typing import Any

from mockserver.behaviour.catalogue import Model
from mockserver.behaviour.chat import Message, Thinking
from mockserver.providers.openrouter.errors import error

__all__ = ["details", "thinking_of"]

# OR-DOCS reasoning-tokens.mdx §Enable Reasoning with Default Config: "enabled": true is the "medium" effort.
_DEFAULT_EFFORT = "medium"


def _settings(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request's reasoning settings merged: ``include_reasoning``, then ``reasoning_effort``, then ``reasoning``."""
    merged: dict[str, Any] = {}
    legacy = body.get("include_reasoning")
    if legacy is False:
        merged["exclude"] = True
    elif legacy is True:
        merged["enabled"] = True
    if isinstance(body.get("reasoning_effort"), str):
        merged["effort"] = body["reasoning_effort"]
    given = body.get("reasoning")
    if isinstance(given, Mapping) and given.get("effort") and merged.get("effort") not in (None, given["effort"]):
        # OR-SPEC ChatRequest.reasoning_effort: "Cannot be used simultaneously with reasoning.effort if they
        # differ"; the 400's wording is the mock's own (no capture found).
        raise error(400, "Invalid request: reasoning_effort and reasoning.effort differ; send one of them",
                    metadata={"error_type": "invalid_request", "param": "reasoning_effort"})  # fmt: skip
    if isinstance(given, Mapping):
        merged |= {k: v for k, v in given.items() if v is not None}
        merged.setdefault("enabled", True)  # "Default: inferred from `effort` or `max_tokens`"
    return merged


def _switched_on(model: Model, messages: list[Message]) -> bool:
    switch = model.entry["mock"].get("reasoning") or {}
    if switch.get("switch") == "system_prompt":
        # Nemotron's chat template takes the system turn as is; the phrase is matched without regard to case.
        system = " ".join(m.text.lower() for m in messages if m.role in ("system", "developer"))
        return str(switch["on"]).lower() in system
    return switch.get("switch") == "always"


def thinking_of(model: Model, body: Mapping[str, Any], messages: list[Message]) -> Thinking | None:
    """Whether and how ``model`` reasons on this request (None: it does not)."""
    if "reasoning" not in (model.entry.get("supported_parameters") or []):
        return None  # a model without reasoning ignores the fields (its catalogue entry lists no `reasoning`)
    settings = _settings(body)
    off = settings.get("effort") == "none" or settings.get("enabled") is False
    if off and (model.entry.get("reasoning") or {}).get("mandatory"):
        # OR-SPEC ModelReasoning.mandatory: "reasoning cannot be disabled and effort "none" is rejected"; the
        # wording of the rejection is the mock's own (no capture of it was found).
        raise error(400, f"Reasoning is mandatory for {model.id} and cannot be disabled",
                    metadata={"error_type": "invalid_request", "param": "reasoning"})  # fmt: skip
    if off or not _switched_on(model, messages):
        return None
    budget = settings.get("max_tokens")
    given = settings.get("effort")
    effort = given if isinstance(given, str) else _DEFAULT_EFFORT
    return Thinking(effort=effort, budget=budget if isinstance(budget, int) and not isinstance(budget, bool) else None,
                    shown=settings.get("exclude") is not True)  # fmt: skip


def details(text: str) -> list[dict[str, Any]]:
    """``reasoning_details`` for plain reasoning text: one ``reasoning.text`` item (reasoning-tokens.mdx §Reasoning
    Details API Shape); ``format`` "unknown" ("Format is not specified"), as for models that are neither Anthropic,
    OpenAI, Google nor xAI."""
    return [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}]
