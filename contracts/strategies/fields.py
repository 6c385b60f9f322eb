"""Walking the request schemas: their fields, the smallest valid request, and the words requests are made of."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

from contracts import registry, schemas
from contracts.document import json_path
from contracts.validate import UsageError

__all__ = [
    "REQUEST_KINDS", "Parameter", "base_request", "check_kind", "parameters", "resolve", "set_path", "texts",
    "types_of",
]  # fmt: skip

# The request schemas that can be walked, per provider: the request kinds of the registry's operations.
REQUEST_KINDS: dict[str, tuple[str, ...]] = {
    p.name: tuple(dict.fromkeys(op.request for op in p.operations if op.request is not None))
    for p in registry.PROVIDERS
}

_WORDS = ("hello", "count", "to", "three", "weather", "in", "Paris", "say", "hi", "briefly", "Llama", "why")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One field of a request schema: where it sits, the schema governing it, and whether it is required."""

    path: tuple[str, ...]
    schema: Mapping[str, Any]
    """The field's schema with a top-level ``$ref`` resolved."""
    required: bool
    parent: tuple[str, ...] | None
    """Path of the enclosing object parameter (``None`` at the top level)."""

    @property
    def where(self) -> str:
        """The field as a JSON path, e.g. ``$.inferenceConfig.temperature``."""
        return json_path("$", self.path)


def check_kind(provider: str, kind: str) -> None:
    """Raise ``UsageError`` unless ``kind`` is a request kind of ``provider``."""
    if kind not in REQUEST_KINDS.get(provider, ()):
        known = "; ".join(f"{p}: {', '.join(k)}" for p, k in REQUEST_KINDS.items())
        raise UsageError(f"no request strategy for {provider}/{kind}; known: {known}")


def resolve(provider: str, kind: str, schema: Any) -> dict[str, Any]:
    """Follow ``$ref`` chains (file-local or cross-file) to the schema they name."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        resolver = schemas.registry().resolver(base_uri=schemas.uri(provider, kind))
        schema = resolver.lookup(schema["$ref"]).contents
        seen += 1
        if seen > 20:
            raise UsageError(f"$ref loop in {provider}/{kind}")
    return schema if isinstance(schema, dict) else {}


@cache
def parameters(provider: str, kind: str) -> tuple[Parameter, ...]:
    """Walk a request schema: every property, and the properties of nested configuration objects."""
    check_kind(provider, kind)

    def walk(schema: dict[str, Any], prefix: tuple[str, ...], parent: tuple[str, ...] | None) -> Iterator[Parameter]:
        required = set(schema.get("required", ()))
        for name, sub in schema.get("properties", {}).items():
            resolved = resolve(provider, kind, sub)
            path = (*prefix, name)
            yield Parameter(path, resolved, name in required, parent)
            if "object" in types_of(resolved) and resolved.get("properties"):
                yield from walk(resolved, path, path)

    return tuple(walk(schemas.load(provider, kind), (), None))


def types_of(schema: Mapping[str, Any]) -> set[str]:
    """The JSON types a schema declares with ``type`` (empty when it declares none)."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    return set(declared) if isinstance(declared, list) else set()


def base_request(provider: str, kind: str, text: str = "hello", *, model: str | None = None) -> dict[str, Any]:
    """Return the smallest valid request: the schema's required fields, with ``text`` as the user's turn."""
    check_kind(provider, kind)
    model = model or registry.provider(provider).default_model
    if (provider, kind) == ("bedrock", "invoke-request"):
        # Llama 3/4 chat template (BR-DOCS model-parameters-meta; wire-contracts §3.3).
        prompt = (f"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{text}<|eot_id|>"
                  "<|start_header_id|>assistant<|end_header_id|>\n\n")  # fmt: skip
        return {"prompt": prompt}
    if (provider, kind) == ("bedrock", "converse-request"):
        return {"messages": [{"role": "user", "content": [{"text": text}]}]}
    if kind == "completions-request":
        return {"model": model, "prompt": text}
    if kind == "responses-request":
        return {"model": model, "input": text}  # OR-DOCS responses/basic-usage.mdx: a string input
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def texts() -> st.SearchStrategy[str]:
    """A strategy for short user turns made of plain words."""
    return st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)


def set_path(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``document[path[0]][path[1]]...`` to ``value``, creating the enclosing objects."""
    target = document
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
