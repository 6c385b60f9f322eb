"""Request validation with the JSON Schemas stored in ``contracts/schemas`` (compiled once, cached)."""

from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from contracts.schemas import validator

__all__ = ["SchemaProblem", "first_problem"]


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """The most relevant schema violation of a request, in terms a provider's message can use."""

    path: str
    """Dotted path of the offending field, e.g. ``messages.0.role`` ('' for the top level)."""
    keyword: str
    """The JSON Schema keyword that failed (``maximum``, ``type``, ``required``...)."""
    message: str
    value: Any
    limit: Any


def first_problem(provider: str, kind: str, document: Any) -> SchemaProblem | None:
    """Return the best-matching violation of ``<provider>/<kind>``, or None when the document is valid."""
    error: ValidationError | None = best_match(validator(provider, kind).iter_errors(document))
    if error is None:
        return None
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required" and isinstance(error.validator_value, list):
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        path = ".".join(filter(None, [path, missing[0] if missing else ""]))
    return SchemaProblem(path, str(error.validator), error.message, error.instance, error.validator_value)
