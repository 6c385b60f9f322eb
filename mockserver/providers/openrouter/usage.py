"""OpenRouter's ``usage`` object (OR-SPEC ChatUsage, CostDetails), in the shape the ``openrouter.usage`` quirk picks.

``2026`` (default): every counter of OR-SPEC ChatUsage's details, as all 2026-06..08 traffic sends them
([obs] crmne/ruby_llm cassettes @ 75b5cd5 2026-06-08, e.g. chat_basic_chat_functionality_openrouter_claude-haiku-
4-5...yml; pydantic-ai test_openrouter_advisor_tool_stream.yaml @ 883d5a9 2026-07-24):
``prompt_tokens_details{cached_tokens, cache_write_tokens, audio_tokens, video_tokens}``,
``completion_tokens_details{reasoning_tokens, image_tokens, audio_tokens}`` and ``cost_details`` whose
``upstream_inference_cost`` is the amount charged (OR-DOCS usage-accounting.mdx: "The actual cost charged by the
upstream AI provider"; equal to ``cost`` in that traffic).
``2025``: two counters each and ``upstream_inference_cost: null`` ([obs] pydantic-ai
test_openrouter_stream_with_reasoning.yaml @ 05fbaaa 2025-11-21, test_openrouter_stream_error.yaml 2025-11).
"""

from typing import Any

from mockserver.behaviour.catalogue import Model

__all__ = ["usage_of"]


def usage_of(
    model: Model, prompt_tokens: int, completion_tokens: int, style: str = "2026", reasoning: int = 0
) -> dict[str, Any]:
    """Usage with ``cost`` from the catalogue's per-token prices, in 2026 wire key order ([obs] as above).

    ``reasoning`` tokens are part of ``completion_tokens`` and priced as output (OR-DOCS reasoning-tokens.mdx:
    "Reasoning tokens are considered output tokens and charged accordingly").
    """
    prompt_raw = prompt_tokens * float(model.entry["pricing"]["prompt"])
    completion_raw = completion_tokens * float(model.entry["pricing"]["completion"])
    cost = round(prompt_raw + completion_raw, 12)
    prompt_cost, completion_cost = round(prompt_raw, 12), round(completion_raw, 12)
    counts = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
              "total_tokens": prompt_tokens + completion_tokens, "cost": cost, "is_byok": False}  # fmt: skip
    if style == "2025":
        return counts | {
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "cost_details": {"upstream_inference_cost": None, "upstream_inference_prompt_cost": prompt_cost,
                             "upstream_inference_completions_cost": completion_cost},
            "completion_tokens_details": {"reasoning_tokens": reasoning, "image_tokens": 0},
        }  # fmt: skip
    return counts | {
        "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0, "video_tokens": 0},
        "cost_details": {"upstream_inference_cost": cost, "upstream_inference_prompt_cost": prompt_cost,
                         "upstream_inference_completions_cost": completion_cost},
        "completion_tokens_details": {"reasoning_tokens": reasoning, "image_tokens": 0, "audio_tokens": 0},
    }  # fmt: skip
