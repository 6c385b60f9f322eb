"""What OpenRouter and AI/ML API share: request reading, the chat vocabulary, catalogues, JSON and SSE rendering."""

from mockserver.providers.openai_compat.body import BodyRules, bearer_key, read_body
from mockserver.providers.openai_compat.catalogue import Catalogue, load_catalogue
from mockserver.providers.openai_compat.chat import (
    PIECE,
    chunk_deltas,
    delta_count,
    message_of,
    query_from_body,
    sse_event,
    sse_piece,
    sse_response,
    sse_template,
    usage_counts,
)

__all__ = [
    "PIECE",
    "BodyRules",
    "Catalogue",
    "bearer_key",
    "chunk_deltas",
    "delta_count",
    "load_catalogue",
    "message_of",
    "query_from_body",
    "read_body",
    "sse_event",
    "sse_piece",
    "sse_response",
    "sse_template",
    "usage_counts",
]
