"""OpenRouter (https://openrouter.ai/api/v1), served at ``/openrouter/api/v1``."""

from mockserver.core import Call, ProviderSpec
from mockserver.http import MockResponse
from mockserver.providers.openrouter.errors import OpenRouterError
from mockserver.providers.openrouter.handlers import HANDLERS
from mockserver.providers.openrouter.responder import OpenRouterState
from mockserver.providers.openrouter.routes import ROUTES

__all__ = ["PROVIDER"]


def _not_found(call: Call, path_known: bool) -> MockResponse:
    if path_known:
        return OpenRouterError(405, "Method Not Allowed").to_response()
    return OpenRouterError(404, "Not Found").to_response()


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
)
