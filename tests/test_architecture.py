"""The layer rules, read from the code's own imports (every import: module level, in functions, TYPE_CHECKING).

Layers, lowest first; a module may import its own layer or lower ones, never a higher one:

0. ``contracts``: schemas, registry, wire codecs, checks; never imports ``mockserver``.
1. values: ``mockserver.{http,parsing,errors,config,clock}``, plain values every layer shares.
2. ``mockserver.behaviour``: provider-neutral fixtures, replies, generation, quirks, controls, quotas, pacing.
3. ``mockserver.engine``: the pipeline and its types; knows the Provider type, never a concrete provider.
4. ``mockserver.providers``: one folder per provider; they share only ``providers.openai_compat``.
5. transports and assembly: ``mockserver.{core,app,inprocess,pytest_plugin,record}``.
6. ``mockserver.{cli,serving,__main__}``.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("contracts", "mockserver")
LAYERS: list[tuple[str, ...]] = [
    ("contracts",),
    ("mockserver.http", "mockserver.parsing", "mockserver.stamp", "mockserver.errors", "mockserver.config",
     "mockserver.clock"),
    ("mockserver.behaviour",),
    ("mockserver.engine",),
    ("mockserver.providers",),
    ("mockserver.core", "mockserver.app", "mockserver.inprocess", "mockserver.pytest_plugin", "mockserver.record"),
    ("mockserver.cli", "mockserver.serving", "mockserver.__main__"),
]
WEB_AND_CLIENTS = ("starlette", "uvicorn", "httpx", "httpx2", "respx", "moto", "botocore", "boto3", "requests")
PROVIDER_LOGIC = ("mockserver.behaviour", "mockserver.engine", "mockserver.providers", "mockserver.http",
                  "mockserver.parsing", "mockserver.stamp", "mockserver.errors", "mockserver.config",
                  "mockserver.clock")  # fmt: skip
MAX_LINES = 300


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports (``from a import b`` counts as ``a.b`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            yield from submodules or [base]


def _layer(module: str) -> int:
    if module in PACKAGES:  # a package's face re-exports from anywhere below it; nothing imports it
        return len(LAYERS)
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_architecture.py")


GRAPH = {name: sorted({m for m in _imports(name, path) if m in MODULES and m != name})
         for name, path in MODULES.items()}  # fmt: skip


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_downwards(module: str) -> None:
    upward = [m for m in GRAPH[module] if _layer(m) > _layer(module)]
    assert upward == [], f"{module} (layer {_layer(module)}) imports higher layers: {upward}"


def test_contracts_never_imports_mockserver() -> None:
    found = {name: [m for m in _imports(name, path) if m.split(".")[0] == "mockserver"]
             for name, path in MODULES.items() if name.startswith("contracts")}  # fmt: skip
    assert {k: v for k, v in found.items() if v} == {}


def test_provider_logic_imports_no_web_framework_or_client_library() -> None:
    found = {
        name: [m for m in _imports(name, path) if m.split(".")[0] in WEB_AND_CLIENTS]
        for name, path in MODULES.items()
        if any(name == p or name.startswith(p + ".") for p in PROVIDER_LOGIC)
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_providers_share_only_the_openai_compatible_layer() -> None:
    def provider_of(module: str) -> str | None:
        parts = module.split(".")
        return parts[2] if len(parts) > 2 and parts[:2] == ["mockserver", "providers"] else None

    crossing = [
        (name, m)
        for name in MODULES
        for m in GRAPH[name]
        if provider_of(name) and provider_of(m) and provider_of(m) not in (provider_of(name), "openai_compat")
    ]
    assert crossing == []


def test_the_engine_knows_no_concrete_provider() -> None:
    engine = [(n, m) for n in MODULES if n.startswith("mockserver.engine") for m in GRAPH[n]
              if m.startswith("mockserver.providers")]  # fmt: skip
    assert engine == []


def test_there_is_no_import_cycle() -> None:
    # Tarjan's strongly connected components over the module graph; any component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it (style.md: modules of 60-300 lines)"
