"""The AWS Bedrock runtime provider: InvokeModel, Converse (and their streams) and CountTokens for Llama 4."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mockserver.config import MockConfig, catalogue_path
from mockserver.core import ProviderSpec
from mockserver.http import MockResponse
from mockserver.behaviour.limits import Breach
from mockserver.providers.bedrock.catalogue import Catalogue
from mockserver.providers.bedrock.errors import CORAL_NS, BedrockError
from mockserver.providers.bedrock.handlers import HANDLERS
from mockserver.providers.bedrock.routes import ROUTES

if TYPE_CHECKING:
    from mockserver.core import Call

__all__ = ["PROVIDER"]


def _not_found(call: "Call", path_known: bool) -> MockResponse:
    # Assumed: the Coral front door answers an unrouted path with UnknownOperationException (404).
    return BedrockError("UnknownOperationException", namespace=CORAL_NS).to_response()


def _internal_error(call: "Call") -> MockResponse:
    return BedrockError("InternalServerException").to_response()


def _too_large(call: "Call") -> MockResponse:
    # BR-MODEL Body max 25,000,000 bytes; the service's wording for larger bodies is assumed.
    limit = call.config.max_body_bytes
    return BedrockError("ValidationException", f"Request body size exceeds the maximum of {limit} bytes.").to_response()


def _make_state(config: MockConfig) -> Catalogue:
    return Catalogue.load(catalogue_path(config, "bedrock"))


def _model_data(call: "Call") -> Mapping[str, Any]:
    catalogue: Catalogue = call.state
    return catalogue.data_for(call.model or "")


def _throttled(call: "Call", breach: Breach) -> BedrockError:
    # BR-MODEL ThrottlingException (429); message [3p] widely reproduced; no rate-limit headers (wire-contracts 3.8).
    return BedrockError("ThrottlingException")


PROVIDER = ProviderSpec(
    name="bedrock",
    mount="/bedrock",
    upstream_base_url="https://bedrock-runtime.us-east-1.amazonaws.com",
    routes=ROUTES,
    handlers=HANDLERS,
    not_found=_not_found,
    internal_error=_internal_error,
    too_large=_too_large,
    make_state=_make_state,
    model_data=_model_data,
    throttled=_throttled,
)
