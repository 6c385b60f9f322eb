"""Validate one JSON document against its schema; report fields it does not know and values outside open enums."""

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any
from urllib.parse import urljoin

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from contracts import schemas
from contracts.checks import JSON, OPEN_ENUM, SCHEMA, SSE_DONE, SSE_SYNTAX, UNKNOWN_FIELD, Violation
from contracts.wire import sse

__all__ = ["check_document", "json_path", "parse_json", "sse_documents"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(prefix: str, parts: Iterable[str | int]) -> str:
    """Render path parts as a JSON path: ``$.choices[0]['amazon-bedrock-invocationMetrics']``."""
    out = [prefix]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


def parse_json(text: str | bytes, path: str = "$") -> tuple[Any, list[Violation]]:
    """Parse JSON text; leading whitespace is tolerated (OpenRouter keep-alive, wire-contracts §1.5)."""
    try:
        return json.loads(text), []
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [JSON(path, f"not valid JSON: {exc}")]


def check_document(provider: str, kind: str, document: Any, prefix: str = "$") -> list[Violation]:
    """Return schema errors (error), values outside open enums (warning) and unknown fields (info)."""
    validator = schemas.validator(provider, kind)
    found = [_schema_violation(error, prefix) for error in validator.iter_errors(document)]
    root = schemas.uri(provider, kind) + "#"
    opened: set[str] = set()
    for at, value, documented in _walk(root, document, ()):
        where = json_path(prefix, at)
        if documented is None:
            found.append(UNKNOWN_FIELD(where, f"unknown field {at[-1]!r}"))
        elif where not in opened:
            opened.add(where)
            shown = ", ".join(json.dumps(v) for v in documented[:8]) + (", ..." if len(documented) > 8 else "")
            found.append(OPEN_ENUM(where, f"{json.dumps(value)} is not a documented value ({shown}); "
                                          "the enum is open: reported, not drift"))  # fmt: skip
    return found


def _schema_violation(error: ValidationError, prefix: str) -> Violation:
    # anyOf/oneOf errors say only "not valid under any of the given schemas"; a branch error
    # that reaches deeper into the instance names the actual field and type.
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            error = deepest
    return SCHEMA(json_path(prefix, error.absolute_path), error.message)


@cache
def _subschema_validator(ref: str) -> Validator:
    return schemas.Validator({"$ref": ref}, registry=schemas.registry())


def _contents(ref: str) -> Any:
    return schemas.registry().resolver().lookup(ref).contents


def _child(ref: str, *keys: str | int) -> str:
    escaped = (str(k).replace("~", "~0").replace("/", "~1") for k in keys)
    return ref + "".join(f"/{k}" for k in escaped)


def _applicable(ref: str, instance: Any) -> Iterator[str]:
    """Yield every subschema location that applies to ``instance`` at this point."""
    schema = _contents(ref)
    if not isinstance(schema, dict):
        return
    yield ref
    if "$ref" in schema:
        yield from _applicable(urljoin(ref, schema["$ref"]), instance)
    for i, _ in enumerate(schema.get("allOf", [])):
        yield from _applicable(_child(ref, "allOf", i), instance)
    for keyword in ("anyOf", "oneOf"):
        for i, _ in enumerate(schema.get(keyword, [])):
            branch = _child(ref, keyword, i)
            if _subschema_validator(branch).is_valid(instance):
                yield from _applicable(branch, instance)
    if "if" in schema:
        taken = "then" if _subschema_validator(_child(ref, "if")).is_valid(instance) else "else"
        if taken in schema:
            yield from _applicable(_child(ref, taken), instance)


# A finding of the walk: (path, value, documented values), the last None for a key no schema declares.
_Found = tuple[tuple[str | int, ...], Any, list[Any] | None]


def _documented(value: Any, enum: list[Any]) -> bool:
    # JSON equality: true is not 1, 1 is 1.0.
    return any(isinstance(e, bool) == isinstance(value, bool) and e == value for e in enum)


def _walk(ref: str, instance: Any, at: tuple[str | int, ...]) -> Iterator[_Found]:
    """Yield values outside an open enum that applies, and object keys that no applicable schema declares."""
    refs = list(_applicable(ref, instance))
    for r in refs:
        schema = _contents(r)
        enum = schema.get("enum") if schema.get(schemas.OPEN_ENUM) is True else None
        # A value of the wrong type is the schema check's error instead.
        if isinstance(enum, list) and not _documented(instance, enum) and _subschema_validator(r).is_valid(instance):
            yield at, instance, enum
            break
    if isinstance(instance, dict):
        yield from _unknown_keys(refs, instance, at)
    elif isinstance(instance, list):
        for r in refs:
            schema = _contents(r)
            prefix_items = len(schema.get("prefixItems", []))
            for i, item in enumerate(instance):
                if i < prefix_items:
                    yield from _walk(_child(r, "prefixItems", i), item, (*at, i))
                elif isinstance(schema.get("items"), dict):
                    yield from _walk(_child(r, "items"), item, (*at, i))


def _unknown_keys(refs: list[str], instance: dict[str, Any], at: tuple[str | int, ...]) -> Iterator[_Found]:
    declared: dict[str, list[str]] = {}
    is_map, has_properties, closed = False, False, False
    for r in refs:
        schema = _contents(r)
        has_properties = has_properties or "properties" in schema
        # additionalProperties: false already turns extra keys into schema errors.
        closed = closed or schema.get("additionalProperties") is False
        # additionalProperties given as a schema (a map such as pricing) or patternProperties
        # means any key is expected there.
        is_map = is_map or isinstance(schema.get("additionalProperties"), dict) or "patternProperties" in schema
        for key in schema.get("properties", {}):
            declared.setdefault(key, []).append(_child(r, "properties", key))
        if isinstance(schema.get("additionalProperties"), dict):
            for key in instance:
                if key not in schema.get("properties", {}):
                    declared.setdefault(key, []).append(_child(r, "additionalProperties"))
    for key, value in instance.items():
        if key in declared:
            for child in declared[key]:
                yield from _walk(child, value, (*at, key))
        elif has_properties and not is_map and not closed:
            yield (*at, key), value, None


def sse_documents(
    raw: str | bytes, provider: str, kind: str, *, named: bool = False
) -> tuple[list[tuple[int, Any, dict[str, Any]]], list[Violation], int | None]:
    """An SSE transcript's JSON data events, each checked against ``<provider>/<kind>``.

    Returns (index, SSE event, document) per object event, the violations (syntax, data after ``[DONE]``, data
    that is not a JSON object, schema), and the index of ``[DONE]`` (None when missing); the stream grammars
    check the order on top.
    """
    parsed, found = sse.parse(raw, named=named)
    documents: list[tuple[int, Any, dict[str, Any]]] = []
    done_at: int | None = None
    for i, event in enumerate(parsed):
        at = f"$[{i}]"
        if done_at is not None:
            found.append(SSE_DONE(at, f"data after [DONE] (line {event.line})"))
            continue
        if event.data == "[DONE]":
            done_at = i
            continue
        document, problems = parse_json(event.data, at)
        if problems or not isinstance(document, dict):
            found.extend(problems or [SSE_SYNTAX(at, f"data on line {event.line} is not a JSON object")])
            continue
        found.extend(check_document(provider, kind, document, at))
        documents.append((i, event, document))
    return documents, found, done_at
