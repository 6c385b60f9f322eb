"""Deterministic reasoning for models that think before they answer: its text and its share of the output.

How much a model reasons follows OpenRouter's effort scale (OR-DOCS guides/best-practices/reasoning-tokens.mdx
§Reasoning Effort Level: "max"/"xhigh" ~95% of max_tokens, "high" ~80%, "medium" ~50%, "low" ~20%, "minimal"
~10%); ``Thinking.budget`` (``reasoning.max_tokens``) caps it directly. Reasoning tokens are output tokens
("considered output tokens and charged accordingly", same page), so they come out of ``max_tokens`` first.
"""

import random

from mockserver.behaviour.chat import ChatQuery, Thinking

__all__ = ["EFFORT_SHARE", "reasoning_budget", "think"]

EFFORT_SHARE = {"max": 0.95, "xhigh": 0.95, "high": 0.8, "medium": 0.5, "low": 0.2, "minimal": 0.1}
"""The share of ``max_tokens`` each effort may spend reasoning (reasoning-tokens.mdx)."""

# How many thoughts a generated reasoning has per effort: the mock's own scale, longer for more effort.
_THOUGHTS = {"minimal": 1, "low": 2, "medium": 3, "high": 5, "xhigh": 6, "max": 7}

_OPENINGS = [
    "Okay, let me think about what is being asked.",
    "Let me work through this step by step.",
    "First, I should understand the question.",
]
_STEPS = [
    "The key point is to answer clearly and briefly.",
    "I should check whether any detail in the request changes the answer.",
    "There may be more than one reading of the question, so I will pick the most likely one.",
    "A short example would make the answer easier to follow.",
    "I will double-check the facts before answering.",
    "Nothing here needs a tool, so I can answer directly.",
    "The answer should stay consistent with the earlier turns.",
    "I have enough to write the final answer now.",
]


def think(query: ChatQuery, thinking: Thinking, rng: random.Random) -> str:
    """Reasoning text for ``query``: it quotes the question, then a few steps, more with more effort."""
    question = " ".join(query.last_user_text.split())[:80]
    opening = rng.choice(_OPENINGS)
    quoted = [f'The user wrote: "{question}".'] if question else []
    steps = rng.sample(_STEPS, min(_THOUGHTS.get(thinking.effort, 3), len(_STEPS)))
    return " ".join([opening, *quoted, *steps])


def reasoning_budget(thinking: Thinking, max_tokens: int | None) -> int | None:
    """At most how many reasoning tokens: ``budget`` if given, else the effort's share of ``max_tokens``."""
    if thinking.budget is not None:
        return max(thinking.budget, 0) if max_tokens is None else max(min(thinking.budget, max_tokens), 0)
    if max_tokens is None:
        return None
    return int(max_tokens * EFFORT_SHARE.get(thinking.effort, 0.5))


def reasoning_cut(query: ChatQuery, pieces: list[str]) -> tuple[list[str], int | None]:
    """The reasoning pieces kept within the budget, and the ``max_tokens`` left for the answer (None: no limit)."""
    if query.thinking is None:
        return [], query.max_tokens
    budget = reasoning_budget(query.thinking, query.max_tokens)
    kept = pieces if budget is None else pieces[:budget]
    return kept, None if query.max_tokens is None else query.max_tokens - len(kept)
