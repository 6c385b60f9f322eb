"""The AWS Bedrock runtime (``bedrock-runtime.<region>.amazonaws.com``), served at ``/bedrock``.

Routes, authentication (``auth.py``: SigV4 or a bearer API key), the error envelope and faults (``errors.py``),
the quirk and the catalogue (``fixtures/bedrock/models.json``, ``catalogue.py``); the operations' hooks are in
``operations.py``, documents and stream events in ``documents.py``.
"""

from contracts import registry
from mockserver.behaviour.quirks import Quirk
from mockserver.config import MockConfig, catalogue_path
from mockserver.engine.call import Provider
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


PROVIDER = Provider(
    facts=registry.provider("bedrock"),
    operations=OPERATIONS,
    load=load,
    authenticate=authenticate,
    render_error=render_error,
    faults=FAULTS,
    quirks=QUIRKS,
)
