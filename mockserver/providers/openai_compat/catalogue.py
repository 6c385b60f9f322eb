"""An OpenAI-style ``models.json`` (``{"data": [entry, ...]}``, each entry with a ``mock`` section) as typed models."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.behaviour.catalogue import Model, model_of
from mockserver.config import MockConfig, catalogue_path

__all__ = ["Catalogue", "load_catalogue"]

Limit = Callable[[Mapping[str, Any]], int]
Cells = Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]]
"""The capability rows an entry's own fields state (e.g. OpenRouter's ``supported_parameters``)."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The models one provider serves, by id, in catalogue order."""

    models: Mapping[str, Model]

    def get(self, model_id: str) -> Model | None:
        """The model with this id, if the provider has it."""
        return self.models.get(model_id)

    def public(self) -> list[dict[str, Any]]:
        """The entries as the provider lists them: without the mock's own ``mock`` section."""
        return [{k: v for k, v in m.entry.items() if k != "mock"} for m in self.models.values()]


def load_catalogue(
    config: MockConfig, provider: str, *, context: Limit, max_output: Limit, capabilities: Cells
) -> Catalogue:
    """Read ``<fixtures>/<provider>/models.json``; the callables find the limits and the capability rows.

    Rows written in the entry's ``mock.capabilities`` win over the ones derived from its served fields.
    """
    entries = json.loads(catalogue_path(config, provider).read_text(encoding="utf-8"))["data"]
    models = {
        str(e["id"]): model_of(
            e, id=str(e["id"]), family=str(e["mock"]["family"]), context_window=context(e),
            max_output_tokens=max_output(e),
            mock=e["mock"] | {"capabilities": capabilities(e) | e["mock"].get("capabilities", {})},
        )
        for e in entries
    }  # fmt: skip
    return Catalogue(models)
