"""The Bedrock model catalogue (``fixtures/bedrock/models.json``) and model-id resolution."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.errors import ProviderError
from mockserver.providers.bedrock.errors import validation

__all__ = ["MODEL_ID_PATTERN", "Catalogue", "Model", "ResolvedModel"]

# BR-MODEL InvokeModelIdentifier.pattern (botocore does not enforce it client-side; the service does).
MODEL_ID_PATTERN = (
    r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/"
    r"[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:"
    r"imported-model/[a-z0-9]{12})|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/"
    r"[a-z0-9]{12})|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|"
    r"([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)$|"
    r"(^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?))$|"
    r"(^arn:aws:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)|"
    r"(^arn:aws(-[^:]+)?:bedrock:([0-9a-z-]{1,20}):([0-9]{12}):(default-)?prompt-router/[a-zA-Z0-9-:.]+$)"
)
_MODEL_ID = re.compile(MODEL_ID_PATTERN)
_ARN = re.compile(r"arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(?P<account>[0-9]{12})?:(?P<kind>[a-z-]+)/(?P<rest>.+)")

# [obs] Mintplex-Labs/anything-llm#4690 and others; note the typographic apostrophe (U+2019) in "isn't".
ON_DEMAND = (
    "Invocation of model ID {id} with on-demand throughput isn\u2019t supported. Retry your request with "
    "the ID or ARN of an inference profile that contains this model."
)
INVALID = "The provided model identifier is invalid."  # [obs] wire-contracts §3.1


@dataclass(frozen=True, slots=True)
class Model:
    """One catalogue entry."""

    id: str
    name: str
    family: str
    geo_prefixes: tuple[str, ...]
    on_demand: bool
    context_window: int
    max_output_tokens: int
    input_modalities: tuple[str, ...]
    streaming: str


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model id from the path, resolved to its catalogue entry."""

    requested: str
    """The id as the client sent it (profile id or ARN), decoded."""
    profile_id: str
    """The inference-profile id it names, e.g. ``us.meta.llama4-maverick-17b-instruct-v1:0``."""
    model: Model


class Catalogue:
    """The models the mock serves, indexed by foundation-model id."""

    def __init__(self, models: list[Model], data: dict[str, dict[str, Any]] | None = None) -> None:
        self.models = {m.id: m for m in models}
        self.data = data or {}
        """Per foundation-model id, the entry's ``pacing`` and ``rate_limits`` (mockserver/pacing.py, limits.py)."""

    @classmethod
    def load(cls, path: Path) -> "Catalogue":
        """Read ``models.json``; a missing file gives an empty catalogue."""
        if not path.is_file():
            return cls([])
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        entries = document.get("models", [])
        data = {str(e["id"]): {k: e[k] for k in ("pacing", "rate_limits") if k in e} for e in entries}
        return cls([_model(entry) for entry in entries], data)

    def data_for(self, model_id: str) -> dict[str, Any]:
        """Pacing and quota data for a foundation-model id, inference-profile id (``us.…``) or ARN; {} if unknown."""
        try:
            return self.data.get(self.resolve(model_id, allow_foundation=True).model.id, {})
        except ProviderError:
            return {}

    def resolve(self, model_id: str, *, allow_foundation: bool = False) -> ResolvedModel:
        """Resolve a path model id or raise the ValidationException Bedrock gives for it."""
        if not 1 <= len(model_id) <= 2048 or not _MODEL_ID.fullmatch(model_id):
            raise validation(
                f"1 validation error detected: Value '{model_id}' at 'modelId' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {MODEL_ID_PATTERN}"
            )
        bare = model_id
        arn = _ARN.fullmatch(model_id)
        if arn is not None:
            if arn["kind"] not in ("inference-profile", "foundation-model"):
                raise validation(INVALID)
            bare = arn["rest"]
        if bare in self.models:  # a foundation-model id, bare or as an ARN
            model = self.models[bare]
            if not (model.on_demand or allow_foundation):
                raise validation(ON_DEMAND.format(id=bare))
            return ResolvedModel(model_id, bare, model)
        geo, _, rest = bare.partition(".")
        profiled = self.models.get(rest)
        if profiled is None or geo not in profiled.geo_prefixes:
            raise validation(INVALID)
        return ResolvedModel(model_id, bare, profiled)


def _model(entry: dict[str, Any]) -> Model:
    return Model(
        id=str(entry["id"]),
        name=str(entry.get("name", entry["id"])),
        family=str(entry.get("family", entry["id"])),
        geo_prefixes=tuple(entry.get("geo_prefixes", ["us"])),
        on_demand=bool(entry.get("on_demand", False)),
        context_window=int(entry.get("context_window", 128000)),
        max_output_tokens=int(entry.get("max_output_tokens", 8192)),
        input_modalities=tuple(entry.get("input_modalities", ["text"])),
        streaming=str(entry.get("streaming", "on")),
    )
