"""Turn JSON Schema violations into Bedrock's own validation messages.

InvokeModel bodies are checked by a JSON-Schema validator with everit-style messages
("extraneous key [x] is not permitted", "#/temperature: 1.5 is not less or equal to 1"), wrapped as
"Malformed input request: …, please reformat your input and try again." ([obs] langchain-aws#62,
#44; repost.aws bedrock-validation-exception-errors). Converse uses Coral constraint messages:
"1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to satisfy
constraint: Member must have value less than or equal to 1" ([obs] wire-contracts §3.1).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema loads with the first refusal (behaviour/validation.py)
    from jsonschema import ValidationError

from mockserver.behaviour.validation import is_valid, violations

__all__ = ["converse_violations", "invoke_violations", "tool_schema_problem"]

_EVERIT_TYPES = {
    "string": "String",
    "number": "Number",
    "integer": "Integer",
    "boolean": "Boolean",
    "array": "JSONArray",
    "object": "JSONObject",
    "null": "Null",
}


def _everit_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Integer" if isinstance(value, int) else "Number"
    names: dict[type, str] = {str: "String", list: "JSONArray", dict: "JSONObject"}
    return names.get(type(value), "Null")


def _pointer(error: ValidationError) -> str:
    return "#" + "".join(f"/{part}" for part in error.absolute_path)


def invoke_violations(body: Any) -> str | None:
    """The 'Malformed input request' message for an invalid Llama native body, or None when valid."""
    if not isinstance(body, dict):
        return (
            f"Malformed input request: #: expected type: JSONObject, found: {_everit_type(body)}, "
            "please reformat your input and try again."
        )
    if is_valid("bedrock", "invoke-request", body):
        return None
    parts: list[str] = []
    errors = sorted(
        violations("bedrock", "invoke-request", body),
        key=lambda e: ({"required": 0, "additionalProperties": 1}.get(str(e.validator), 2), list(e.path)),
    )
    for error in errors:
        where, kind = _pointer(error), error.validator
        if kind == "required":
            parts += [f"{where}: required key [{key}] not found" for key in error.validator_value if key not in body]
        elif kind == "additionalProperties":
            allowed = error.schema.get("properties", {})
            parts += [
                f"{where}: extraneous key [{key}] is not permitted" for key in error.instance if key not in allowed
            ]
        elif kind == "maximum":
            parts.append(f"{where}: {_num(error.instance)} is not less or equal to {_num(error.validator_value)}")
        elif kind == "minimum":
            parts.append(f"{where}: {_num(error.instance)} is not greater or equal to {_num(error.validator_value)}")
        elif kind == "type":
            want = _EVERIT_TYPES.get(str(error.validator_value), str(error.validator_value))
            parts.append(f"{where}: expected type: {want}, found: {_everit_type(error.instance)}")
        else:
            parts.append(f"{where}: {error.message}")
    if not parts:
        return None
    text = "".join(parts)
    # A lone root-level violation has no "#: " prefix in the observed Meta message (langchain-aws#62).
    text = text.removeprefix("#: ")
    return f"Malformed input request: {text}, please reformat your input and try again."


def _num(value: Any) -> str:
    return json.dumps(value)


def _coral_path(error: ValidationError, extra: str | None = None) -> str:
    parts: list[str] = []
    for part in error.absolute_path:
        parts.append(f"{part + 1}.member" if isinstance(part, int) else str(part))
    if extra:
        parts.append(extra)
    return ".".join(parts)


def _coral_value(value: Any, number: bool) -> str:
    if value is None:
        return "null"
    if number and isinstance(value, int | float) and not isinstance(value, bool):
        return f"'{float(value)}'"  # Java prints float members as 2.0, not 2
    if isinstance(value, str):
        return f"'{value}'"
    return f"'{json.dumps(value, separators=(',', ':'))}'"


def _constraint(error: ValidationError) -> str:
    kind, want = error.validator, error.validator_value
    bound = json.dumps(want)
    texts = {
        "maximum": f"Member must have value less than or equal to {bound}",
        "minimum": f"Member must have value greater than or equal to {bound}",
        "minLength": f"Member must have length greater than or equal to {bound}",
        "maxLength": f"Member must have length less than or equal to {bound}",
        "minItems": f"Member must have length greater than or equal to {bound}",
        "maxItems": f"Member must have length less than or equal to {bound}",
        "pattern": f"Member must satisfy regular expression pattern: {str(want).strip('^$')}",
        "enum": f"Member must satisfy enum value set: [{', '.join(map(str, want))}]" if isinstance(want, list) else "",
        "type": f"Member must be of type {want}",  # assumed: Coral usually fails these at deserialisation
    }
    if kind in ("minProperties", "maxProperties"):
        return "Member must have exactly one member set"  # assumed wording for unions
    return texts.get(str(kind), str(error.message))


def converse_violations(body: Any) -> str | None:
    """The Coral 'N validation error(s) detected' message for an invalid Converse body, or None."""
    if not isinstance(body, dict):
        return (
            "1 validation error detected: Value null at 'messages' failed to satisfy constraint: "
            "Member must not be null"
        )
    if is_valid("bedrock", "converse-request", body):
        return None
    items: list[tuple[str, str]] = []
    for error in violations("bedrock", "converse-request", body):
        if error.validator == "required":
            for key in error.validator_value:
                if isinstance(error.instance, dict) and key not in error.instance:
                    path = _coral_path(error, key)
                    text = f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
                    items.append((path, text))
            continue
        number = error.schema.get("type") == "number" if isinstance(error.schema, dict) else False
        path = _coral_path(error)
        items.append(
            (
                path,
                f"Value {_coral_value(error.instance, number)} at '{path}' failed to satisfy constraint: "
                f"{_constraint(error)}",
            )
        )
    if not items:
        return None
    items.sort()
    count = len(items)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(text for _, text in items)


def tool_schema_problem(body: dict[str, Any]) -> str | None:
    """A tool whose ``inputSchema.json`` is not an object schema (BR-MODEL ToolInputSchema: "The top level schema
    type must be object"); the wording is assumed, in the service's "The value at <path>" style."""
    tools = (body.get("toolConfig") or {}).get("tools") or []
    for index, tool in enumerate(tools):
        schema = ((tool.get("toolSpec") or {}).get("inputSchema") or {}).get("json", {})
        kind = schema.get("type", "object") if isinstance(schema, dict) else None
        if kind != "object":
            where = f"toolConfig.tools.{index}.toolSpec.inputSchema.json.type"
            return f"The value at {where} must be one of the following: object."
    return None
