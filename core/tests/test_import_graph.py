"""The project's modules import each other without a cycle (issue #15, point 4).

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
between the project's own modules, at module level and inside functions alike, so an
import moved into a function to hide a cycle is still an edge. Tests and migrations are
left out (nothing imports them); a module's package ``__init__`` counts as its own node.
"""

import ast
import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", ".git", "migrations", "tests", "static", "locale", "jinja2"}


def _module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS and not name.startswith(".")]
        for name in files:
            path = Path(folder) / name
            parts = path.relative_to(ROOT).with_suffix("").parts
            if path.suffix != ".py" or parts == ("conftest",):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                modules[".".join(parts)] = path
    return modules


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement may refer to: the module, and ``module.name`` for each name."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def import_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports anywhere in its body."""
    modules = _module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets.update(_imported(node, module, path.name == "__init__.py"))
        graph[module] = {target for target in targets if target in modules and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
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
            visit(node)
    return sorted(found)


def test_the_graph_sees_the_apps_and_their_imports():
    graph = import_graph()
    assert {"access.policy", "cases.services", "handover.services", "journal.models"} <= set(graph)
    assert "cases.models" in graph["access.policy"]
    assert "journal.services" in graph["cases.services"]


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    source = {"a": "import b\n", "b": "def later():\n    from a import thing\n"}
    graph = {}
    for module, text in source.items():
        targets = set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets.update(_imported(node, module, False))
        graph[module] = {target for target in targets if target in source and target != module}
    assert cycles(graph) == [["a", "b"]]


def test_no_import_cycle_between_the_projects_modules():
    found = cycles(import_graph())
    assert found == [], "Import cycles (each a set of modules that import each other):\n" + "\n".join(
        " <-> ".join(component) for component in found
    )
