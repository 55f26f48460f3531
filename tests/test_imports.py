"""The package's modules import each other one way: no cycles, counting imports inside
functions and ``if TYPE_CHECKING:`` blocks (a cycle hidden in a function is still a
cycle: it only shows up later, at the first call).

The graph is read with ``ast``, nothing is imported. Importing ``a.b.c`` also runs the
``__init__`` of ``a`` and ``a.b``, so an import of a module counts as an import of its
packages too, except the importer's own packages (a package that imports its own
submodules is the normal case, not a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "summarize"


def _modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their own name)."""
    found: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its file."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()

    def add(name: str) -> None:
        # ``import summarize.a.b`` or ``from summarize.a.b import C``: the longest prefix
        # that is one of our modules (C may be a class, b a module).
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in modules:
                targets.add(candidate)
                return

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                base_parts = here[: len(here) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # ``from summarize.x import y`` where y is a submodule imports summarize.x.y.
                if f"{base}.{alias.name}" in modules:
                    add(f"{base}.{alias.name}")
                else:
                    add(base)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value)
    own = set(_ancestors(module))
    edges: set[str] = set()
    for target in targets:
        edges.update(t for t in [*_ancestors(target), target] if t not in own and t != module)
    return edges


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = _modules(root, package)
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (directly or not), Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def strongconnect(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return components


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle (a path a -> ... -> a) per group of modules that import each other."""
    cycles = []
    for component in strongly_connected(graph):
        members = set(component)
        start = component[0]
        # Shortest path back to start inside the component (breadth first).
        previous: dict[str, str] = {}
        frontier = [start]
        found = None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & members):
                    if w == start:
                        found = v
                        break
                    if w not in previous:
                        previous[w] = v
                        nxt.append(w)
                if found is not None:
                    break
            frontier = nxt
        path = [start]
        v = found
        while v is not None and v != start:
            path.insert(1, v)
            v = previous.get(v)
        cycles.append([*path, start])
    return cycles


def test_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg import sub\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "leaf.py").write_text("from .. import top\n")
    (pkg / "top.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg.other import Thing\n"
        "def late():\n    import pkg.sub.leaf\n"
    )
    (pkg / "other.py").write_text(
        "import importlib\ndef f():\n    return importlib.import_module('pkg.sub.leaf')\n"
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg"] == {"pkg.sub"}  # ``from pkg import sub``: the submodule
    assert graph["pkg.sub.leaf"] == {"pkg.top"}  # relative; its own packages are not edges
    # Inside a function and under TYPE_CHECKING; a module brings its package.
    assert graph["pkg.top"] == {"pkg.other", "pkg.sub", "pkg.sub.leaf"}
    assert graph["pkg.other"] == {"pkg.sub", "pkg.sub.leaf"}  # import_module("...")
    assert find_cycles(graph) == [["pkg.other", "pkg.sub.leaf", "pkg.top", "pkg.other"]]


def test_find_cycles_reports_a_cycle() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = import_graph()
    cycles = find_cycles(graph)
    if cycles:
        groups = strongly_connected(graph)
        pytest.fail(
            "import cycles in summarize/:\n"
            + "\n".join(
                f"  {' -> '.join(cycle)}\n    (modules in this loop: {', '.join(group)})"
                for cycle, group in zip(cycles, groups, strict=True)
            )
        )
