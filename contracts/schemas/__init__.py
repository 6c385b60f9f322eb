"""Load and compile the JSON Schemas (Draft 2020-12) stored beside this module."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["BASE_URI", "SCHEMA_DIR", "kinds", "load", "registry", "uri", "validator"]

SCHEMA_DIR = Path(__file__).parent
# Every file is registered under this base so that "chat-response.json#/$defs/usage" and
# "../openrouter/chat-chunk.json#/..." resolve between files; the host is reserved (.invalid).
BASE_URI = "https://llama-mockkit.invalid/schemas/"


@cache
def load(provider: str, kind: str) -> dict[str, Any]:
    """Return the schema document ``<provider>/<kind>.json``."""
    path = SCHEMA_DIR / provider / f"{kind}.json"
    if not path.is_file():
        raise KeyError(f"no schema {provider}/{kind}; known: {', '.join(kinds(provider))}")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def uri(provider: str, kind: str) -> str:
    """Return the URI a schema file is registered under (its ``$id`` when it has one)."""
    return str(load(provider, kind).get("$id", f"{BASE_URI}{provider}/{kind}.json"))


@cache
def registry() -> Registry[Any]:
    """Return a registry holding every stored schema, for cross-file ``$ref``s."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*/*.json")):
        provider, kind = path.parent.name, path.stem
        resource = Resource.from_contents(load(provider, kind), default_specification=DRAFT202012)
        resources.append((uri(provider, kind), resource))
    return Registry().with_resources(resources)


@cache
def validator(provider: str, kind: str) -> Draft202012Validator:
    """Return a compiled validator for ``<provider>/<kind>.json``, built once per process."""
    schema = load(provider, kind)
    Draft202012Validator.check_schema(schema)
    if "$id" not in schema:
        # Files without $id still resolve their relative refs against their own location.
        schema = {"$id": uri(provider, kind), **schema}
    return Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def kinds(provider: str) -> list[str]:
    """List the schema kinds stored for a provider."""
    return sorted(p.stem for p in (SCHEMA_DIR / provider).glob("*.json"))
