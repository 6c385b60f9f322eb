"""The AWS Bedrock runtime (``bedrock-runtime.<region>.amazonaws.com``), served at ``/bedrock``.

Routes, authentication (``auth.py``: SigV4 or a bearer API key), the error envelope and faults (``errors.py``),
the quirk and the catalogue (``fixtures/bedrock/models.json``, ``catalogue.py``); the operations' hooks are in
``operations.py``, documents and stream events in ``documents.py``.
"""

from contracts import registry
from mockserver.behaviour.quirks import Quirk
from mockserver.config import MockConfig, catalogue_path
from mockserver.engine.call import Provider
from mockserver.engine.routing import routes_of
from mockserver.providers.bedrock.auth import authenticate
from mockserver.providers.bedrock.catalogue import Catalogue
from mockserver.providers.bedrock.errors import FAULTS, render_error
from mockserver.providers.bedrock.operations import OPERATIONS

__all__ = ["PROVIDER"]

QUIRKS = (
    Quirk(
        "bedrock.stream_mode",
        ("catalogue", "no-tools", "on", "off"),
        "BR-DOCS (Llama 4 does not stream) vs earendil-works/pi#3739 (plain streaming works, tools refused)",
        "Llama 4 streaming: catalogue = each model's own switch in fixtures/bedrock/models.json",
    ),
)


def load(config: MockConfig) -> Catalogue:
    """Read ``fixtures/bedrock/models.json`` (data, not code)."""
    return Catalogue.load(catalogue_path(config, "bedrock"))


_FACTS = registry.provider("bedrock")
PROVIDER = Provider(
    name=_FACTS.name,
    mount=_FACTS.mount,
    upstream_base_url=_FACTS.upstream_url(),
    # {modelId} is one path segment; the SDK percent-encodes ':' and '/' in it (%3A, %2F), and the engine
    # decodes each segment after splitting, so an ARN stays one segment (wire-contracts §3.1).
    routes=routes_of(_FACTS),
    operations=OPERATIONS,
    load=load,
    authenticate=authenticate,
    render_error=render_error,
    faults=FAULTS,
    quirks=QUIRKS,
)
