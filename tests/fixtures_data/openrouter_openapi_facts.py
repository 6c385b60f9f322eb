"""Re-extract ``openrouter_openapi_facts.json`` from a copy of OpenRouter's OpenAPI spec (not run by the tests).

    .venv/bin/python tests/fixtures_data/openrouter_openapi_facts.py \\
        ../shared/reference/openrouter-docs-2026-08-22/openapi.yaml 2026-08-22

The tests never read the spec itself: ``tests/contracts/test_vendor_specs.py`` compares the mock's OpenRouter
schemas with the facts pinned here. For ``POST /chat/completions`` the script records which schema answers each
status and media type, then, for each shape in ``SHAPES`` and every inline object inside one (named
``Parent.property``), the required list and each property's JSON types, enum and the shape it names.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SHAPES", "extract", "main"]

OUT = Path(__file__).with_name("openrouter_openapi_facts.json")
OPERATION = ("/chat/completions", "post")
# The shapes the mock's chat-response, chat-chunk and error schemas describe (and the enums they use).
SHAPES = (
    "ChatResult", "ChatChoice", "ChatAssistantMessage", "ChatToolCall", "ChatFinishReasonEnum", "ChatUsage",
    "CostDetails", "ServerToolUseDetails", "ChatStreamChunk", "ChatStreamChoice", "ChatStreamDelta",
    "ChatStreamToolCall", "ApiErrorType", "OpenRouterMetadata", "EndpointsMetadata", "RouterAttempt",
    "PipelineStage", "RoutingStrategy",
    # The Responses and Messages doors (POST /responses, POST /messages): the result bases, usage and errors.
    "BaseResponsesResult", "ResponsesErrorField", "BaseMessagesResult", "AnthropicUsage",
    "AnthropicMessagesErrorResponse",
)  # fmt: skip


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _types(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """The JSON types a property admits: its ``type``, its ``anyOf``/``oneOf`` branches, or its ``$ref``'s."""
    if "$ref" in schema:
        return _types(components[_name(schema["$ref"])], components)
    if "allOf" in schema:
        return sorted({t for part in schema["allOf"] for t in _types(part, components)})
    declared = schema.get("type")
    if declared is not None:
        return sorted([declared] if isinstance(declared, str) else declared)
    branches = schema.get("anyOf") or schema.get("oneOf") or []
    return sorted({t for branch in branches for t in _types(branch, components)})


def _enum(schema: dict[str, Any], components: dict[str, Any]) -> list[Any] | None:
    if "$ref" in schema:
        return _enum(components[_name(schema["$ref"])], components)
    for part in schema.get("allOf", []):
        found = _enum(part, components)
        if found is not None:
            return found
    return list(schema["enum"]) if "enum" in schema else None


def _refers(schema: dict[str, Any]) -> str | None:
    if "$ref" in schema:
        return _name(schema["$ref"])
    refs = [_name(part["$ref"]) for part in schema.get("allOf", []) if "$ref" in part]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict) and "$ref" in schema["items"]:
        refs.append(_name(schema["items"]["$ref"]) + "[]")
    return refs[0] if refs else None


def _shape(name: str, schema: dict[str, Any], components: dict[str, Any], out: dict[str, Any]) -> None:
    facts: dict[str, Any] = {"type": _types(schema, components)}
    enum = _enum(schema, components)
    if enum is not None:
        facts["enum"] = enum
    if "properties" in schema:
        facts["required"] = sorted(schema.get("required", []))
        facts["properties"] = {}
        for prop, sub in sorted(schema["properties"].items()):
            entry: dict[str, Any] = {"type": _types(sub, components)}
            prop_enum = _enum(sub, components)
            if prop_enum is not None:
                entry["enum"] = prop_enum
            target = _refers(sub)
            if target is not None:
                entry["shape"] = target
            elif "properties" in sub:  # an inline object: recorded as a shape of its own
                entry["shape"] = f"{name}.{prop}"
                _shape(f"{name}.{prop}", sub, components, out)
            elif isinstance(sub.get("items"), dict) and "properties" in sub["items"]:
                entry["shape"] = f"{name}.{prop}[]"
                _shape(f"{name}.{prop}[]", sub["items"], components, out)
            facts["properties"][prop] = entry
    out[name] = facts


def extract(spec: dict[str, Any], source: str, date: str) -> dict[str, Any]:
    """The facts: the operation's response shapes and every shape in ``SHAPES`` (plus the error shapes)."""
    components = spec["components"]["schemas"]
    path, method = OPERATION
    responses: dict[str, str] = {}
    for status, response in spec["paths"][path][method]["responses"].items():
        for media, content in response.get("content", {}).items():
            schema = content["schema"]
            name = _name(schema["$ref"])
            if media == "text/event-stream":  # ChatStreamingResponse wraps each event's data
                name = _name(components[name]["properties"]["data"]["$ref"])
            responses[f"{status} {media}"] = name
    shapes: dict[str, Any] = {}
    errors = sorted({name for key, name in responses.items() if not key.startswith("200 ")})
    for name in (*SHAPES, *errors):
        _shape(name, components[name], components, shapes)
    for name in errors:  # each XResponse names its XResponseErrorData
        data = _name(components[name]["properties"]["error"]["$ref"])
        _shape(data, components[data], components, shapes)
    return {
        "source": {
            "file": source,
            "date": date,
            "spec": f"{spec['info']['title']} {spec['info']['version']} (OpenAPI {spec['openapi']})",
            "operation": f"{method.upper()} {path}",
            "extracted_by": "tests/fixtures_data/openrouter_openapi_facts.py",
            "how": "yaml.safe_load of the spec; each shape's JSON types (type, anyOf/oneOf branches, or the $ref'd "
            "shape's), enum, required list and properties; inline objects become shapes named Parent.property",
        },
        "responses": dict(sorted(responses.items())),
        "shapes": dict(sorted(shapes.items())),
    }


def main(argv: list[str]) -> int:
    """Write the facts file from ``argv[0]`` (the spec) dated ``argv[1]``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, date = Path(argv[0]), argv[1]
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    source = f"openrouter-docs-{date}/{spec_path.name}"
    OUT.write_text(json.dumps(extract(spec, source, date), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
