"""OpenRouter's operations, relative to https://openrouter.ai/api/v1 (OR-SPEC paths)."""

from mockserver.engine.routing import Route

ROUTES = [
    Route("POST", "/chat/completions", "chat_completions"),
    Route("POST", "/completions", "completions"),  # legacy; in OR-SPEC-2025, removed from the 2026 spec
    Route("GET", "/models", "list_models"),
    Route("GET", "/models/{author}/{slug}/endpoints", "list_endpoints"),
    Route("GET", "/generation", "get_generation"),
    Route("GET", "/key", "get_key"),
    Route("GET", "/auth/key", "get_key"),  # alias, OR-DOCS limits.mdx
    Route("GET", "/credits", "get_credits"),
]
