"""The library's layers: each module imports only its own layer and the ones below.

Imports are read with ``ast`` from the source files (nothing is imported). The
rule is the table of ARCHITECTURE.md; a new module must be placed in a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "divide"

#: Layer → module names (a package name covers its submodules unless a longer
#: name is listed elsewhere).
LAYERS = {
    "core": [
        "divide",
        "divide.errors",
        "divide.i18n",
        "divide.formatting",
        "divide.safe_text",
        "divide.spreadsheet",
        "divide.territory",
        "divide.registry",
        "divide.knowledge",
        "divide.indicators",
        "divide.plausibility",
        "divide.classify",
        "divide.assets",
    ],
    "readers": [
        "divide.build.readers",
        "divide.build.geography",
        "divide.build.harmonise",
    ],
    "atlas": ["divide.atlas"],
    "engines": ["divide.distance", "divide.illectronisme", "divide.territory_types"],
    "build": ["divide.build"],
    "analyses": [
        "divide.search",
        "divide.series",
        "divide.typology",
        "divide.supply",
        "divide.fragility",
        "divide.compare",
        "divide.profile",
        "divide.recommend",
        "divide.audacities",
        "divide.uploads",
    ],
    "presentation": [
        "divide.maps",
        "divide.national_map",
        "divide.story",
        "divide.sheet",
        "divide.export",
    ],
    "cli": ["divide.cli"],
}
#: What each layer may import (besides itself).
MAY_IMPORT = {
    "core": set(),
    "readers": {"core"},
    "atlas": {"core"},
    "engines": {"core", "readers", "atlas"},
    "build": {"core", "readers", "atlas", "engines"},
    "analyses": {"core", "readers", "atlas", "engines"},
    "presentation": {"core", "readers", "atlas", "engines", "analyses"},
    "cli": set(LAYERS),
}
#: Third-party modules a function may import (heavy, needed by one rare path),
#: each with a comment saying why on the line or the line above.
HEAVY = {"scipy", "pyogrio", "openpyxl", "duckdb"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> str:
    best, found = -1, None
    for layer, prefixes in LAYERS.items():
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), layer
    assert found is not None, f"{name} is in no layer of tests/test_layers.py"
    return found


def imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import of ``name``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef
            )
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, inside) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    up = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*up, base] if base else up)
                found.append((base, child.lineno, inside))
                for alias in child.names:  # `from divide import atlas`
                    if f"{base}.{alias.name}" in MODULES:
                        found.append((f"{base}.{alias.name}", child.lineno, inside))
            visit(child, inside)

    visit(tree, False)
    return found


def project(target: str) -> str | None:
    """The project module ``target`` names (the longest known prefix), or None."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_only_its_layer_and_below(name):
    layer = layer_of(name)
    allowed = MAY_IMPORT[layer] | {layer}
    wrong = []
    for target, line, _ in imports(name):
        assert target.split(".")[0] != "streamlit", f"{name}:{line} imports streamlit"
        module = project(target) if target.startswith("divide") else None
        if module and layer_of(module) not in allowed:
            wrong.append(
                f"{name}:{line} ({layer}) imports {module} ({layer_of(module)})"
            )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_function_level_imports_only_for_heavy_dependencies(name):
    lines = MODULES[name].read_text(encoding="utf-8").splitlines()
    for target, line, inside in imports(name):
        if not inside or name == "divide.cli":
            continue
        assert target.split(".")[0] in HEAVY, (
            f"{name}:{line} imports {target} inside a function: import it at the "
            "top (only heavy optional dependencies may wait)"
        )
        said = lines[line - 1] + lines[line - 2]
        assert "#" in said, f"{name}:{line}: say why {target} is imported late"


def test_no_import_circle():
    graph = {
        name: {
            m
            for target, _, _ in imports(name)
            if target.startswith("divide") and (m := project(target)) and m != name
        }
        for name in MODULES
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " → ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
    assert set(state) == set(MODULES)


def test_every_layer_is_used_and_known():
    assert set(MAY_IMPORT) == set(LAYERS)
    used = {layer_of(name) for name in MODULES}
    assert used == set(LAYERS)
