"""The capability matrix: what each model supports, as catalogue data with a source for every cell.

Each provider's catalogue entry may carry ``capabilities: {feature: {"supported": bool, "source": str}}``.
A provider's query step names the features a request uses (``ChatQuery.features``); the engine refuses
a request that uses a feature its model's matrix marks unsupported, and the provider words the refusal
as it does on the wire. A feature with no row is not checked (the mock has no evidence either way).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FEATURES", "Capability", "capabilities_of", "first_unsupported"]

FEATURES: dict[str, str] = {
    "system": "system prompts",
    "vision": "image input",
    "documents": "document blocks (PDF, text, ...)",
    "tools": "tool definitions",
    "tool_choice.auto": "tool choice: the model decides",
    "tool_choice.any": "tool choice: some tool must be called",
    "tool_choice.tool": "tool choice: one named tool must be called",
    "streaming": "streamed answers",
    "streaming_tools": "tool definitions on a streamed request",
    "stop_sequences": "stop sequences",
    "response_format.json_schema": "structured output with a JSON schema",
    "response_format.json_object": "JSON mode",
    "reasoning": "reasoning / thinking configuration",
    "guardrails": "guardrail configuration",
    "count_tokens": "token counting before inference",
    "prompt_caching": "prompt-cache blocks",
    "service_tier.priority": "the priority service tier",
    "service_tier.flex": "the flex service tier",
    "service_tier.reserved": "the reserved service tier",
    "latency_optimized": "latency-optimized inference",
}
"""Every feature a matrix may name, with what it means."""


@dataclass(frozen=True, slots=True)
class Capability:
    """One cell of the matrix: whether the model supports a feature, and where that is written."""

    feature: str
    supported: bool
    source: str


def capabilities_of(data: Mapping[str, Any]) -> dict[str, Capability]:
    """Read ``capabilities`` from a model's catalogue data; an unknown feature name is a catalogue error."""
    found: dict[str, Capability] = {}
    for feature, cell in (data.get("capabilities") or {}).items():
        if feature not in FEATURES:
            raise ValueError(f"capability {feature!r}: use one of {', '.join(FEATURES)}")
        found[feature] = Capability(feature, bool(cell["supported"]), str(cell.get("source", "")))
    return found


def first_unsupported(features: Iterable[str], matrix: Mapping[str, Capability]) -> Capability | None:
    """The first feature used that the matrix marks unsupported, in ``FEATURES`` order (None: all fine)."""
    used = set(features)
    for feature in FEATURES:
        cell = matrix.get(feature)
        if feature in used and cell is not None and not cell.supported:
            return cell
    return None
