"""OpenRouter (https://openrouter.ai/api/v1), served at ``/openrouter/api/v1``."""

import math
from collections.abc import Mapping
from typing import Any

from mockserver.core import Call, ProviderSpec
from mockserver.http import MockResponse
from mockserver.behaviour.limits import Breach
from mockserver.providers.openrouter.errors import OpenRouterError
from mockserver.providers.openrouter.handlers import HANDLERS
from mockserver.providers.openrouter.responder import OpenRouterState, user_id_for
from mockserver.providers.openrouter.routes import ROUTES

__all__ = ["PROVIDER"]


def _not_found(call: Call, path_known: bool) -> MockResponse:
    if path_known:
        return OpenRouterError(405, "Method Not Allowed").to_response()
    return OpenRouterError(404, "Not Found").to_response()


def _model_data(call: Call) -> Mapping[str, Any]:
    entry = call.state.models.get(call.model or "")
    return entry["mock"] if entry is not None else {}


def _throttled(call: Call, breach: Breach) -> OpenRouterError:
    # OR-DOCS limits.mdx "Handling 429 errors": "Rate limit exceeded" + error_type; X-RateLimit-* only on
    # OpenRouter-originated 429s; Reset as epoch milliseconds (wire-contracts 1.1/1.5).
    headers = {
        "X-RateLimit-Limit": str(breach.rule.limit),
        "X-RateLimit-Remaining": str(breach.remaining),
        "X-RateLimit-Reset": str(int(breach.reset_at * 1000)),
        "Retry-After": str(max(1, math.ceil(breach.retry_after))),
    }
    return OpenRouterError(
        429,
        "Rate limit exceeded",
        metadata={"error_type": "rate_limit_exceeded"},
        user_id=user_id_for(call.caller or ""),
        headers=headers,
    )


PROVIDER = ProviderSpec(
    name="openrouter",
    mount="/openrouter/api/v1",
    upstream_base_url="https://openrouter.ai/api/v1",
    routes=ROUTES,
    handlers=HANDLERS,
    not_found=_not_found,
    internal_error=lambda call: OpenRouterError(
        500, "Internal Server Error", metadata={"error_type": "server"}
    ).to_response(),
    too_large=lambda call: OpenRouterError(
        413, "Request body too large", metadata={"error_type": "payload_too_large"}
    ).to_response(),
    make_state=OpenRouterState.load,
    model_data=_model_data,
    throttled=_throttled,
)
