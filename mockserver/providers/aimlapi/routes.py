"""AI/ML API's operations, relative to https://api.aimlapi.com/v1 (AIML-SPEC, AIML-DOCS)."""

from mockserver.engine.routing import Route

ROUTES = [
    Route("POST", "/chat/completions", "chat_completions"),
    Route("GET", "/models", "list_models"),
]
