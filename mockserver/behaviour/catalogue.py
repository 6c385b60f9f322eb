"""The one typed catalogue record every provider's ``models.json`` is read into.

The files keep each provider's own served shape (OpenRouter's ``/models`` document, AI/ML API's list,
Bedrock's model table); what the engine enforces — context window, output limit, quotas, pacing and capabilities — is
read from here, so each limit works the same on every provider that declares it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.behaviour.capabilities import Capability, capabilities_of
from mockserver.behaviour.limits import Rule, rules_of
from mockserver.behaviour.pacing import Speed, speed_of

__all__ = ["Model", "model_of"]


@dataclass(frozen=True, slots=True)
class Model:
    """A model as the engine sees it; ``entry`` is the provider's own record, for its renderers."""

    id: str
    """The id the request named it by (for Bedrock the inference-profile id, e.g. ``us.meta.…``)."""
    family: str
    """What fixtures match on across providers, e.g. ``llama-4-maverick``."""
    context_window: int
    max_output_tokens: int
    rate_limits: tuple[Rule, ...] = ()
    speed: Speed | None = None
    capabilities: Mapping[str, Capability] = field(default_factory=dict)
    """The model's row of the capability matrix, by feature (``behaviour/capabilities.py``)."""
    entry: Mapping[str, Any] = field(default_factory=dict)


def model_of(
    entry: Mapping[str, Any],
    *,
    id: str,
    family: str,
    context_window: int,
    max_output_tokens: int,
    mock: Mapping[str, Any],
) -> Model:
    """Build the typed record; ``mock`` holds the catalogue's ``pacing``, ``rate_limits`` and ``capabilities``."""
    return Model(
        id=id,
        family=family,
        context_window=int(context_window),
        max_output_tokens=int(max_output_tokens),
        rate_limits=tuple(rules_of(mock)),
        speed=speed_of(mock),
        capabilities=capabilities_of(mock),
        entry=entry,
    )
