"""Load and compile the JSON Schemas (Draft 2020-12) stored beside this module.

One keyword of our own: ``"x-open-enum": true`` beside an ``enum`` marks the list as documented but open (the
provider says it may send other values, or is known to). Validation then holds the value to the schema's ``type``
only, and ``contracts.document`` reports a value outside the list as a warning (check ``enum.open``), not drift.
Only response schemas use it: an enum in a request schema is what the provider refuses (contracts/schemas/README.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema loads on first use: the mock's request path never needs it to answer (issue #12)
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator as SchemaValidator
    from referencing import Registry

__all__ = ["BASE_URI", "OPEN_ENUM", "SCHEMA_DIR", "Validator", "kinds", "load", "registry", "uri", "validator"]

OPEN_ENUM = "x-open-enum"
"""The keyword that marks an ``enum`` as documented but open."""


def _enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    from jsonschema import Draft202012Validator

    if schema.get(OPEN_ENUM) is True:
        return  # the value is held to the schema's type; document.py reports values outside the list
    yield from Draft202012Validator.VALIDATORS["enum"](validator, enums, instance, schema)


@cache
def _validator_class() -> Any:
    """Draft 2020-12 with ``x-open-enum`` understood (``Validator``)."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"enum": _enum})


def __getattr__(name: str) -> Any:
    if name == "Validator":
        return _validator_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(SCHEMA_DIR.glob("*/*.json")):
        provider, kind = path.parent.name, path.stem
        resource = Resource.from_contents(load(provider, kind), default_specification=DRAFT202012)
        resources.append((uri(provider, kind), resource))
    return Registry().with_resources(resources)


@cache
def validator(provider: str, kind: str) -> SchemaValidator:
    """Return a compiled validator for ``<provider>/<kind>.json``, built once per process."""
    from jsonschema import Draft202012Validator

    schema = load(provider, kind)
    Draft202012Validator.check_schema(schema)
    if "$id" not in schema:
        # Files without $id still resolve their relative refs against their own location.
        schema = {"$id": uri(provider, kind), **schema}
    checker: SchemaValidator = _validator_class()(
        schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return checker


def kinds(provider: str) -> list[str]:
    """List the schema kinds stored for a provider."""
    return sorted(p.stem for p in (SCHEMA_DIR / provider).glob("*.json"))
