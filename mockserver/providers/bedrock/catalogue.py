"""The Bedrock model catalogue (``fixtures/bedrock/models.json``) and model-id resolution."""

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from mockserver.behaviour.catalogue import Model, model_of
from mockserver.providers.bedrock.errors import validation

__all__ = ["MODEL_ID_PATTERN", "Catalogue", "foundation_id", "geo_prefixes", "on_demand", "streaming"]

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


def foundation_id(model: Model) -> str:
    """The foundation-model id behind a resolved model, e.g. ``meta.llama4-maverick-17b-instruct-v1:0``."""
    return str(model.entry["id"])


def geo_prefixes(model: Model) -> tuple[str, ...]:
    """The inference-profile prefixes (``us``, ``eu``...) that route to this model."""
    return tuple(model.entry.get("geo_prefixes", ["us"]))


def on_demand(model: Model) -> bool:
    """Whether the bare foundation-model id may be invoked (Llama 4 needs an inference profile)."""
    return bool(model.entry.get("on_demand", False))


def streaming(model: Model) -> str:
    """The model's streaming mode from its capability rows: ``on``, ``off`` or ``no-tools``.

    The ``streaming`` and ``streaming_tools`` rows of the matrix decide; quirk ``bedrock.stream_mode`` may
    override them per server or request.
    """
    rows = model.capabilities
    if "streaming" in rows and not rows["streaming"].supported:
        return "off"
    if "streaming_tools" in rows and not rows["streaming_tools"].supported:
        return "no-tools"
    return "on"


class Catalogue:
    """The models the mock serves, indexed by foundation-model id."""

    def __init__(self, models: list[Model]) -> None:
        self.models = {m.id: m for m in models}

    @classmethod
    def load(cls, path: Path) -> "Catalogue":
        """Read ``models.json``; a missing file gives an empty catalogue."""
        if not path.is_file():
            return cls([])
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cls([_model(entry) for entry in document.get("models", [])])

    def resolve(self, model_id: str, *, allow_foundation: bool = False) -> Model:
        """The model a path model id names (its ``id`` the profile id sent), or Bedrock's ValidationException."""
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
            if not (on_demand(model) or allow_foundation):
                raise validation(ON_DEMAND.format(id=bare))
            return replace(model, id=bare)
        geo, _, rest = bare.partition(".")
        profiled = self.models.get(rest)
        if profiled is None or geo not in geo_prefixes(profiled):
            raise validation(INVALID)
        return replace(profiled, id=bare)


def _model(entry: dict[str, Any]) -> Model:
    mock: dict[str, Any] = {k: entry[k] for k in ("pacing", "rate_limits", "capabilities") if k in entry}
    return model_of(
        entry,
        id=str(entry["id"]),
        family=str(entry.get("family", entry["id"])),
        context_window=int(entry.get("context_window", 128000)),
        max_output_tokens=int(entry.get("max_output_tokens", 8192)),
        mock=mock,
    )
