"""Request validation with the JSON Schemas stored in ``contracts/schemas`` (compiled once, cached).

Explaining a failure costs more than finding it: jsonschema builds an error for every failing item (an ``anyOf``
over a 120 KB list took 9 s and 500 MB). So explanations are bounded: documents of more than ``MAX_EXPLAINED``
values are explained by fastjsonschema's first error (linear, compiled), and at most ``MAX_ERRORS`` errors are
ever read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from contracts.schemas import load, validator

if TYPE_CHECKING:  # loaded on the first refusal: answering a valid request needs neither (issue #12)
    from jsonschema.exceptions import ValidationError

__all__ = ["MAX_ERRORS", "MAX_EXPLAINED", "SchemaProblem", "first_problem", "is_valid", "violations", "zod_message"]

MAX_EXPLAINED = 5000
"""Values (scalars, arrays, objects) in a document jsonschema explains in full; larger ones get the first error."""
MAX_ERRORS = 100
"""Errors read from jsonschema for one explanation (best match, or Bedrock's listing)."""


@cache
def _compiled(provider: str, kind: str) -> Callable[[Any], Any]:
    # The same schema file compiled to Python by fastjsonschema: ~3x faster than jsonschema on the request
    # path (make bench). No "format" keyword is used in request schemas, so formats are off to match jsonschema.
    import fastjsonschema

    compiled: Callable[[Any], Any] = fastjsonschema.compile(load(provider, kind), use_formats=False)
    return compiled


@cache
def _checker(provider: str, kind: str) -> Any:
    # jsonschema-rs (compiled Rust, draft 2020-12 as the schemas are): ~1 ms to build where fastjsonschema takes
    # ~100 ms, and ~10x faster per document. It only says yes or no; a no is explained by jsonschema (or, for
    # large documents, fastjsonschema), and a no they cannot explain counts as valid, as before: its ECMA regexes
    # are the stricter ones (``$`` before a final newline, ``\s`` on U+001C..U+001F), so it never passes what
    # jsonschema refuses.
    return jsonschema_rs.validator_for(load(provider, kind), validate_formats=False)


def is_valid(provider: str, kind: str, document: Any) -> bool:
    """Whether ``document`` satisfies ``<provider>/<kind>`` (fast path; jsonschema explains failures)."""
    try:
        return bool(_checker(provider, kind).is_valid(document))
    except (ValueError, TypeError, OverflowError):  # a value Rust cannot hold (an integer past 64 bits)
        from fastjsonschema import JsonSchemaException

        try:
            _compiled(provider, kind)(document)
        except JsonSchemaException:
            return False
        return True


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


def _larger_than(document: Any, limit: int) -> bool:
    """Whether ``document`` holds more than ``limit`` values (iterative, stops as soon as it knows)."""
    seen, stack = 0, [document]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _first_error(provider: str, kind: str, document: Any) -> Iterator[ValidationError]:
    """fastjsonschema's first error as a jsonschema error (its path's array indexes made ints again)."""
    from fastjsonschema import JsonSchemaValueException
    from jsonschema.exceptions import ValidationError

    try:
        _compiled(provider, kind)(document)
    except JsonSchemaValueException as exc:
        path: list[str | int] = []
        node = document
        for part in (exc.path or [])[1:]:  # [0] is fastjsonschema's name for the root, "data"
            key: str | int = int(part) if isinstance(node, list) and str(part).isdigit() else str(part)
            path.append(key)
            if isinstance(node, list) and isinstance(key, int):
                node = node[key] if key < len(node) else None
            else:
                node = node.get(key) if isinstance(node, dict) else None
        message = exc.message.removeprefix(exc.name or "").strip()  # "data.temperature must be ..." -> "must be ..."
        yield ValidationError(
            message, validator=exc.rule or "", path=path, instance=exc.value,
            schema=exc.definition if isinstance(exc.definition, dict) else {}, validator_value=exc.rule_definition,
            type_checker=validator(provider, kind).TYPE_CHECKER,  # best_match ranks by it
        )  # fmt: skip


def violations(provider: str, kind: str, document: Any) -> Iterator[ValidationError]:
    """At most ``MAX_ERRORS`` violations of ``<provider>/<kind>`` (one only for a document too large to explain)."""
    if _larger_than(document, MAX_EXPLAINED):
        return _first_error(provider, kind, document)
    return itertools.islice(validator(provider, kind).iter_errors(document), MAX_ERRORS)


def first_problem(provider: str, kind: str, document: Any) -> SchemaProblem | None:
    """Return the best-matching violation of ``<provider>/<kind>``, or None when the document is valid."""
    if is_valid(provider, kind, document):
        return None
    from jsonschema.exceptions import best_match

    error: ValidationError | None = best_match(violations(provider, kind, document))
    if error is None:
        return None
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required" and isinstance(error.validator_value, list):
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        path = ".".join(filter(None, [path, missing[0] if missing else ""]))
    return SchemaProblem(path, str(error.validator), error.message, error.instance, error.validator_value)


def _json_type(value: Any) -> str:
    names = {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def zod_message(problem: SchemaProblem) -> str:
    """Word a schema problem the way zod does (both OpenAI-compatible providers validate bodies with zod)."""
    keyword, limit, value = problem.keyword, problem.limit, problem.value
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"Number must be less than {'or equal to ' if keyword == 'maximum' else ''}{limit}"
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"Number must be greater than {'or equal to ' if keyword == 'minimum' else ''}{limit}"
    if keyword == "type":
        expected = limit if isinstance(limit, str) else next((t for t in limit if t != "null"), "value")
        return f"Expected {expected}, received {_json_type(value)}"
    if keyword == "enum":
        options = " | ".join(f"'{o}'" for o in limit)
        return f"Invalid enum value. Expected {options}, received '{value}'"
    if keyword == "const":
        return f"Invalid literal value, expected {limit!r}"
    if keyword == "required":
        return "Required"
    if keyword == "minItems":
        return f"Array must contain at least {limit} element(s)"
    if keyword == "maxItems":
        return f"Array must contain at most {limit} element(s)"
    if keyword == "maxLength":
        return f"String must contain at most {limit} character(s)"
    if keyword == "additionalProperties":
        return f"Unrecognized key(s) in object: {problem.message.split('(')[-1].rstrip(')')}"
    return problem.message
