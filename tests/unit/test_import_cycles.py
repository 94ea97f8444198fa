"""No import cycle between console/ modules.

Only the imports that run when a module is imported count: module-level statements, including those in
``try``/``if`` blocks and class bodies. Imports inside functions (the lazy ones) and under
``if TYPE_CHECKING:`` (typing only) do not. A cycle makes import order matter: whichever module of the
ring is imported first sees the others half-initialised.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "console"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_time_nodes(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module body runs (not in functions, not for typing only)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from import_time_nodes(node.body)
            yield from import_time_nodes(node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            for block in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                yield from import_time_nodes(block)
        elif isinstance(node, ast.With | ast.For | ast.While | ast.ClassDef):
            yield from import_time_nodes(node.body)


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The console modules ``name`` imports at import time."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in import_time_nodes(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        if node.level:  # relative: from the module's package, one level up per extra dot
            package = name.split(".") if is_package else name.split(".")[:-1]
            base = ".".join(package[: len(package) - (node.level - 1)] + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            found.add(submodule if submodule in known else base)
    return {target for target in found if target in known and target != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def a_path(graph: dict[str, set[str]], ring: list[str]) -> list[str]:
    """One concrete loop through a component (for the failure message): start -> ... -> start."""
    members = set(ring)
    start = ring[0]
    seen = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*seen[node], start]
            if target not in seen:
                seen[target] = [*seen[node], target]
                todo.append(target)
    return ring


def test_the_graph_sees_the_imports() -> None:
    """The scan itself: it finds console's modules and their usual imports (an empty graph proves nothing)."""
    graph = import_graph()
    assert len(graph) > 50
    assert "console.core.errors" in graph["console.http.client"]
    assert sum(map(len, graph.values())) > 100


def test_no_import_cycle_between_console_modules() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles (module-level imports):\n" + "\n".join(
        " -> ".join(a_path(graph, ring)) for ring in found)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert a_path(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_function_and_type_checking_imports_do_not_count() -> None:
    source = ("from typing import TYPE_CHECKING\nimport console.core\nif TYPE_CHECKING:\n    import console.ui\n"
              "try:\n    import console.http\nexcept ImportError:\n    pass\n"
              "def f():\n    import console.services\n")
    names = {alias.name for node in import_time_nodes(ast.parse(source).body) for alias in node.names}
    assert names == {"TYPE_CHECKING", "console.core", "console.http"}
