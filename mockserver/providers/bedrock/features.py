"""What a Bedrock request uses, in the capability matrix's terms (``behaviour/capabilities.py``).

Read from the members of BR-MODEL ConverseRequest (botocore's bedrock-runtime service model): the engine
checks each feature against the model's row in ``fixtures/bedrock/models.json``.
"""

from collections.abc import Iterator
from typing import Any

__all__ = ["converse_features", "invoke_features"]

_TIERS = {"priority": "service_tier.priority", "flex": "service_tier.flex", "reserved": "service_tier.reserved"}


def _blocks(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every content block of the conversation and the system prompt, tool results' content included."""
    for message in body.get("messages") or []:
        for block in message.get("content") or []:
            yield block
            yield from (block.get("toolResult") or {}).get("content") or []
    yield from body.get("system") or []


def converse_features(body: dict[str, Any]) -> frozenset[str]:
    """The features a validated Converse / ConverseStream / CountTokens-converse body uses."""
    found: set[str] = set()
    kinds = {key for block in _blocks(body) for key in block}
    found |= {feature for key, feature in (("image", "vision"), ("document", "documents"),
                                           ("cachePoint", "prompt_caching")) if key in kinds}  # fmt: skip
    if any("text" in block for block in body.get("system") or []):
        found.add("system")
    tool_config = body.get("toolConfig") or {}
    if tool_config.get("tools"):
        found.add("tools")
    found |= {f"tool_choice.{kind}" for kind in tool_config.get("toolChoice") or {}}
    if any("cachePoint" in tool for tool in tool_config.get("tools") or []):
        found.add("prompt_caching")
    if (body.get("inferenceConfig") or {}).get("stopSequences"):
        found.add("stop_sequences")
    if body.get("guardrailConfig"):
        found.add("guardrails")
    tier = (body.get("serviceTier") or {}).get("type")
    if tier in _TIERS:
        found.add(_TIERS[tier])
    if (body.get("performanceConfig") or {}).get("latency") == "optimized":
        found.add("latency_optimized")
    extra = body.get("additionalModelRequestFields")
    if isinstance(extra, dict) and {"reasoning_config", "thinking"} & set(extra):
        found.add("reasoning")
    return frozenset(found)


def invoke_features(body: dict[str, Any]) -> frozenset[str]:
    """The features a validated Llama native InvokeModel body uses (BR-DOCS Meta Llama parameters)."""
    return frozenset({"vision"} if body.get("images") else set())
