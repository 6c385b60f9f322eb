"""Compare the mock's schemas with the vendors' own specs: botocore's bedrock-runtime model, OpenRouter's OpenAPI.

Both comparisons walk a vendor shape and the schema location that describes it side by side and return
``Finding`` values, one per disagreement, keyed ``(shape, member, rule)`` so that a deliberate difference can be
listed with its reason (``tests/contracts/test_vendor_specs.py``). ``$ref`` chains are followed through
``registry`` (the project's schemas by default; a test passes one holding a doctored copy).

Bedrock rules (``compare_botocore``), for every body member (no ``location``: ``modelId`` travels in the path):

- ``missing`` / ``extra``: a member botocore knows and the schema lacks, or the other way round;
- ``type``: the JSON type (structure and map: object; list: array; string and blob: string; integer and long:
  integer; float and double: number; boolean); a ``document`` member must not restrict the type;
- ``required``: each member botocore requires and the schema does not, or the other way round;
- ``union``: a union is ``minProperties: 1, maxProperties: 1``, and only a union is;
- ``enum`` and the bounds: ``min``/``max`` are ``minimum``/``maximum`` for numbers and ``minLength``/``maxLength``,
  ``minItems``/``maxItems`` or ``minProperties``/``maxProperties`` for the sizes of strings, lists and maps
  (a size of at least 0 is no bound); a blob is base64 text, at least 1 byte is ``minLength: 1``; ``pattern`` is
  botocore's anchored: ``^`` + pattern + ``$`` (``\\$`` and ``$`` are the same character in a class).

OpenRouter rules (``compare_openapi``), per shape of the pinned facts: ``required`` (each name), ``missing`` /
``extra`` properties, and per property ``type`` (the JSON types admitted) and ``enum``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from referencing import Registry

from contracts import schemas

__all__ = ["FACTS", "Finding", "botocore_model", "compare_botocore", "compare_errors", "compare_openapi", "facts"]

FACTS = Path(__file__).parents[1] / "fixtures_data" / "openrouter_openapi_facts.json"

_JSON_TYPE = {"structure": "object", "map": "object", "list": "array", "string": "string", "blob": "string",
              "integer": "integer", "long": "integer", "float": "number", "double": "number",
              "boolean": "boolean"}  # fmt: skip
_SIZE_WORDS = {"string": ("minLength", "maxLength"), "blob": ("minLength", "maxLength"),
               "list": ("minItems", "maxItems"), "map": ("minProperties", "maxProperties")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement between a vendor shape and the schema describing it."""

    shape: str
    """The vendor shape holding the member, e.g. ``TokenUsage`` or ``ChatStreamChoice``."""
    member: str
    """The member (``""`` for the shape itself)."""
    rule: str
    """``missing``, ``extra``, ``type``, ``required``, ``union``, ``enum``, ``minLength``, ``pattern``..."""
    where: str
    """Where in a document, e.g. ``$.usage.serverToolUsage`` in ``bedrock/converse-response``."""
    detail: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What a listed exception names: (shape, member, rule)."""
        return self.shape, self.member, self.rule

    def __str__(self) -> str:
        return f"{self.where}: {self.shape}.{self.member or '*'} {self.rule}: {self.detail}"


class _Schemas:
    """Follow ``$ref``s through a registry of schema documents."""

    def __init__(self, registry: Registry[Any] | None) -> None:
        self.resolver = (registry or schemas.registry()).resolver()

    def contents(self, uri: str) -> Any:
        return self.resolver.lookup(uri).contents

    def resolve(self, uri: str) -> tuple[str, dict[str, Any]]:
        node = self.contents(uri)
        while isinstance(node, dict) and "$ref" in node:
            uri = urljoin(uri, node["$ref"])
            node = self.contents(uri)
        return uri, node if isinstance(node, dict) else {}


def _child(uri: str, *keys: str) -> str:
    return uri + "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in keys)


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("type")
    return {declared} if isinstance(declared, str) else set(declared or ())


def _unescaped(pattern: str) -> str:
    return pattern.replace("\\$", "$")


# -- Bedrock -------------------------------------------------------------------------------------------------------


def botocore_model() -> Any:
    """The installed botocore's bedrock-runtime service model."""
    import botocore.session

    return botocore.session.get_session().get_service_model("bedrock-runtime")


def _body_members(shape: Any) -> dict[str, Any]:
    members = {n: m for n, m in shape.members.items() if not m.serialization.get("location")}
    if shape.serialization.get("eventstream"):
        # In-stream exceptions arrive as exception frames, checked against error.json (compare_errors).
        members = {n: m for n, m in members.items() if not m.metadata.get("exception")}
    return members


class _Botocore:
    def __init__(self, registry: Registry[Any] | None, extras: bool) -> None:
        self.schemas = _Schemas(registry)
        self.extras = extras
        self.seen: set[tuple[str, str]] = set()
        self.found: list[Finding] = []

    def add(self, owner: tuple[str, str], rule: str, where: str, detail: str) -> None:
        self.found.append(Finding(owner[0], owner[1], rule, where, detail))

    def walk(self, shape: Any, uri: str, where: str, owner: tuple[str, str]) -> None:
        uri, node = self.schemas.resolve(uri)
        if (shape.name, uri) in self.seen:
            return
        self.seen.add((shape.name, uri))
        if shape.metadata.get("document"):
            if "type" in node:
                self.add(owner, "type", where, f"a Document is any JSON value; the schema says type {node['type']}")
            return
        wanted = _JSON_TYPE[shape.type_name]
        if _types(node) != {wanted}:
            self.add(owner, "type", where, f"botocore {shape.type_name} ({shape.name}) is {wanted}; "
                                           f"the schema says {node.get('type')}")  # fmt: skip
        self.bounds(shape, node, where, owner)
        if shape.type_name == "structure":
            self.structure(shape, uri, node, where)
        elif shape.type_name == "list":
            if not isinstance(node.get("items"), dict):
                self.add(owner, "items", where, f"botocore {shape.name} holds {shape.member.name}; the schema no items")
                return
            self.walk(shape.member, _child(uri, "items"), where + "[]", owner)
        elif shape.type_name == "map":
            names = node.get("propertyNames", {})
            self.scalar_rules(shape.key, names if isinstance(names, dict) else {}, where + " keys", owner)
            if not isinstance(node.get("additionalProperties"), dict):
                self.add(owner, "values", where, f"botocore {shape.name} maps to {shape.value.name}; the schema no "
                                                 "additionalProperties")  # fmt: skip
                return
            self.walk(shape.value, _child(uri, "additionalProperties"), where + ".*", owner)
        else:
            self.scalar_rules(shape, node, where, owner)

    def bounds(self, shape: Any, node: dict[str, Any], where: str, owner: tuple[str, str]) -> None:
        md = shape.metadata
        if shape.type_name in ("list", "map"):
            low, high = _SIZE_WORDS[shape.type_name]  # a size of at least 0 is no bound
            checks = {low: (md.get("min") or None, node.get(low) or None), high: (md.get("max"), node.get(high))}
        elif _JSON_TYPE[shape.type_name] in ("integer", "number"):
            checks = {"minimum": (md.get("min"), node.get("minimum")), "maximum": (md.get("max"), node.get("maximum"))}
        else:
            return  # strings and blobs: scalar_rules; structures have no bounds
        for word, (want, got) in checks.items():
            if want != got:
                self.add(owner, word, where, f"botocore {shape.name} says {want}; the schema's {word} is {got}")

    def scalar_rules(self, shape: Any, node: dict[str, Any], where: str, owner: tuple[str, str]) -> None:
        if shape.type_name not in ("string", "blob"):
            return
        low = shape.metadata.get("min") or None
        if shape.type_name == "blob":
            if node.get("contentEncoding") != "base64":
                self.add(owner, "contentEncoding", where, f"botocore blob ({shape.name}) is base64 text")
            low = 1 if low else None  # at least 1 byte is at least 1 base64 character
        checks = {
            "minLength": (low, node.get("minLength") or None),
            "maxLength": (shape.metadata.get("max"), node.get("maxLength")),
            "pattern": (f"^{shape.metadata['pattern']}$" if "pattern" in shape.metadata else None,
                        _unescaped(node["pattern"]) if "pattern" in node else None),
            "enum": (sorted(shape.enum) if getattr(shape, "enum", None) else None,
                     sorted(node["enum"]) if "enum" in node else None),
        }  # fmt: skip
        for rule, (want, got) in checks.items():
            if want != got:
                self.add(owner, rule, where, f"botocore {shape.name} {rule} {want}; the schema says {got}")

    def structure(self, shape: Any, uri: str, node: dict[str, Any], where: str) -> None:
        members = _body_members(shape)
        union = bool(shape.metadata.get("union"))
        if (node.get("minProperties"), node.get("maxProperties")) != ((1, 1) if union else (None, None)):
            state = "a union: exactly one member" if union else "not a union"
            says = f"minProperties {node.get('minProperties')}, maxProperties {node.get('maxProperties')}"
            self.add((shape.name, ""), "union", where, f"botocore {shape.name} is {state}; the schema says {says}")
        properties = node.get("properties", {})
        required = set(node.get("required", ()))
        wanted = {n for n in shape.required_members if n in members}
        for name in sorted(wanted ^ required):
            says = "requires it, the schema does not" if name in wanted else "does not require it, the schema does"
            self.add((shape.name, name), "required", f"{where}.{name}", f"botocore {says}")
        for name, member in members.items():
            if name not in properties:
                self.add((shape.name, name), "missing", f"{where}.{name}",
                         f"botocore has {shape.name}.{name} ({member.name}); the schema lacks it")  # fmt: skip
                continue
            self.walk(member, _child(uri, "properties", name), f"{where}.{name}", (shape.name, name))
        if self.extras:
            for name in sorted(set(properties) - set(members)):
                self.add((shape.name, name), "extra", f"{where}.{name}", f"botocore {shape.name} has no member {name}")


def compare_botocore(
    shape_name: str, kind: str, *, registry: Registry[Any] | None = None, extras: bool = True
) -> list[Finding]:
    """Every disagreement between botocore's ``shape_name`` and the schema ``bedrock/<kind>.json``.

    Args:
        shape_name: a structure of the bedrock-runtime model, e.g. ``ConverseRequest``.
        kind: the schema describing it, e.g. ``converse-request``.
        registry: the schemas to read (defaults to the project's).
        extras: report schema members botocore lacks (off for a botocore older than the schemas).
    """
    walker = _Botocore(registry, extras)
    shape = botocore_model().shape_for(shape_name)
    walker.walk(shape, schemas.uri("bedrock", kind) + "#", "$", (shape_name, ""))
    return walker.found


def compare_errors(*, registry: Registry[Any] | None = None, extras: bool = True) -> list[Finding]:
    """Every disagreement between the members of all bedrock-runtime exceptions and ``bedrock/error.json``."""
    walker = _Botocore(registry, extras)
    uri, node = walker.schemas.resolve(schemas.uri("bedrock", "error") + "#")
    members: dict[str, Any] = {}
    for error in botocore_model().error_shapes:
        for name, member in error.members.items():
            if members.setdefault(name, member).name != member.name:
                raise AssertionError(f"exceptions disagree on {name}: {members[name].name} and {member.name}")
    properties = node.get("properties", {})
    for name, member in sorted(members.items()):
        if name not in properties:
            walker.add(("exceptions", name), "missing", f"$.{name}", f"a bedrock-runtime exception has {name}")
        else:
            walker.walk(member, _child(uri, "properties", name), f"$.{name}", ("exceptions", name))
    if extras:
        for name in sorted(set(properties) - set(members)):
            walker.add(("exceptions", name), "extra", f"$.{name}", f"no bedrock-runtime exception has {name}")
    return walker.found


# -- OpenRouter ----------------------------------------------------------------------------------------------------


def facts() -> dict[str, Any]:
    """The pinned facts taken from OpenRouter's OpenAPI spec (see tests/fixtures_data/openrouter_openapi_facts.py)."""
    loaded: dict[str, Any] = json.loads(FACTS.read_text(encoding="utf-8"))
    return loaded


def _steps(path: str) -> Iterator[str]:
    """``$.choices[].message`` -> ``choices``, ``[]``, ``message``."""
    for part in path.removeprefix("$").split("."):
        if not part:
            continue
        name = part.removesuffix("[]")
        if name:
            yield name
        yield from ["[]"] * (part.count("[]"))


class _Located:
    """A schema location seen as one value: its JSON types, enum, required list and properties, over branches."""

    def __init__(self, found: _Schemas, uri: str) -> None:
        self.found = found
        self.uris: list[str] = []
        self.types: set[str] = set()
        self.enum: list[Any] | None = None
        self._gather(uri)

    def _gather(self, uri: str) -> None:
        uri, node = self.found.resolve(uri)
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            for i, _ in enumerate(branches):
                self._gather(_child(uri, "anyOf" if "anyOf" in node else "oneOf", str(i)))
            return
        self.uris.append(uri)
        if "const" in node:
            self.enum = [*(self.enum or []), node["const"]]
        if "enum" in node:
            self.enum = [*(self.enum or []), *node["enum"]]
        types = _types(node)
        if not types and self.enum is not None:
            names = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
            types = {names[type(v)] for v in self.enum}
        self.types |= types

    def nodes(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for uri in self.uris:
            yield self.found.resolve(uri)

    @property
    def required(self) -> set[str]:
        return {name for _, node in self.nodes() for name in node.get("required", ())}

    @property
    def properties(self) -> dict[str, str]:
        """Property name -> the location describing it."""
        return {n: _child(uri, "properties", n) for uri, node in self.nodes() for n in node.get("properties", {})}

    def step(self, name: str) -> _Located:
        if name == "[]":
            for uri, node in self.nodes():
                if "items" in node:
                    return _Located(self.found, _child(uri, "items"))
            raise KeyError(f"no items at {self.uris}")
        return _Located(self.found, self.properties[name])


def locate(kind: str, path: str, *, registry: Registry[Any] | None = None) -> _Located:
    """The location in ``openrouter/<kind>.json`` describing the instance path ``path`` (``$.choices[].delta``)."""
    here = _Located(_Schemas(registry), schemas.uri("openrouter", kind) + "#")
    for step in _steps(path):
        here = here.step(step)
    return here


def _same_enum(spec: list[Any] | None, ours: list[Any] | None) -> bool:
    if spec is None or ours is None:
        return spec is ours
    return {json.dumps(v) for v in spec} == {json.dumps(v) for v in ours}


def compare_openapi(shape: str, kind: str, path: str, *, registry: Registry[Any] | None = None) -> list[Finding]:
    """Every disagreement between the pinned facts of ``shape`` and the schema location ``kind`` ``path``."""
    spec = facts()["shapes"][shape]
    here = locate(kind, path, registry=registry)
    where = f"openrouter/{kind} {path}"
    found: list[Finding] = []
    if set(spec["type"]) != here.types:
        found.append(Finding(shape, "", "type", where, f"spec {spec['type']}; the schema {sorted(here.types)}"))
    if not _same_enum(spec.get("enum"), here.enum):
        found.append(Finding(shape, "", "enum", where, f"spec {spec.get('enum')}; the schema {here.enum}"))
    for name in sorted(set(spec.get("required", ())) ^ here.required):
        says = "requires it, the schema does not" if name in spec["required"] else "does not, the schema does"
        found.append(Finding(shape, name, "required", f"{where}.{name}", f"the spec {says}"))
    properties = here.properties
    for name, prop in spec.get("properties", {}).items():
        at = f"{where}.{name}"
        if name not in properties:
            found.append(Finding(shape, name, "missing", at, f"the spec has {shape}.{name}; the schema lacks it"))
            continue
        there = _Located(here.found, properties[name])
        if set(prop["type"]) != there.types:
            found.append(Finding(shape, name, "type", at, f"spec {prop['type']}; the schema {sorted(there.types)}"))
        if not _same_enum(prop.get("enum"), there.enum):
            found.append(Finding(shape, name, "enum", at, f"spec {prop.get('enum')}; the schema {there.enum}"))
    for name in sorted(set(properties) - set(spec.get("properties", {}))):
        found.append(Finding(shape, name, "extra", f"{where}.{name}", f"the spec's {shape} has no {name}"))
    return found
