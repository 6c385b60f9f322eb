"""AI/ML API (https://api.aimlapi.com/v1), served at ``/aimlapi/v1``."""

from collections.abc import Mapping
from typing import Any

from mockserver.core import Call, ProviderSpec
from mockserver.http import MockResponse
from mockserver.behaviour.limits import Breach
from mockserver.providers.aimlapi.errors import AimlError, upstream_path
from mockserver.providers.aimlapi.handlers import HANDLERS
from mockserver.providers.aimlapi.responder import AimlState
from mockserver.providers.aimlapi.routes import ROUTES

__all__ = ["PROVIDER"]


def _not_found(call: Call, path_known: bool) -> MockResponse:
    # AIML-DOCS 4xx: 404 for an unknown endpoint; NestJS-style "Cannot <METHOD> <path>" wording is assumed.
    return AimlError.for_call(call, 404, f"Cannot {call.request.method} {upstream_path(call)}").to_response()


def _model_data(call: Call) -> Mapping[str, Any]:
    entry = call.state.models.get(call.model or "")
    return entry["mock"] if entry is not None else {}


def _throttled(call: Call, breach: Breach) -> AimlError:
    # AIML-DOCS errors-with-status-code-4xx.md: 429 "Too Many Requests"; no Retry-After or X-RateLimit-*
    # on any observed response ([3p] api-evangelist/aimlapi rate-limits probe, 2026-08).
    return AimlError.for_call(call, 429, "Too Many Requests")


PROVIDER = ProviderSpec(
    name="aimlapi",
    mount="/aimlapi/v1",
    upstream_base_url="https://api.aimlapi.com/v1",
    routes=ROUTES,
    handlers=HANDLERS,
    not_found=_not_found,
    internal_error=lambda call: AimlError.for_call(call, 500, "Internal server error").to_response(),
    too_large=lambda call: AimlError.for_call(call, 413, "request entity too large").to_response(),
    make_state=AimlState.load,
    model_data=_model_data,
    throttled=_throttled,
)
