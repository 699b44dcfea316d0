"""The data package layer and the import structure: data flows one way, no module cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from course import package
from tests.conftest import REPO

COURSE = REPO / "course"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = COURSE) -> dict[str, set[str]]:
    """Map each course module to the course modules it imports, anywhere in its body.

    Imports inside functions count too: a lazy import still ties two modules together, and the
    cycle between ``course.data`` and ``course.checks`` was one. ``from course import x`` counts
    as importing ``course.x`` when that is a module, else ``course`` itself.
    """
    files = {_module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    targets.add(child if child in files else node.module)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of two or more modules (each one a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _without_package_init(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    # ``course/__init__.py`` re-exports from course.data; ``from course import data`` elsewhere
    # names the submodule, so the package itself is not a step in any data path.
    return {k: v - {"course"} for k, v in graph.items() if k != "course"}


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_cycle_finder_finds_cycles(graph, cycles):
    """Does the cycle finder report a two-module and a three-module cycle, and nothing else?"""
    assert find_cycles(graph) == cycles


def test_the_old_data_checks_cycle_would_be_found(tmp_path):
    """Is a lazy import inside a function (the old data → checks import) seen as an edge?"""
    root = tmp_path / "course"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "data.py").write_text("def load():\n    from course import checks\n")
    (root / "checks.py").write_text("from course.data import load\n")
    graph = _without_package_init(import_graph(root))
    assert find_cycles(graph) == [["course.checks", "course.data"]]


def test_data_layers_import_one_way():
    """Does package import no course layer, checks only package, and data only the two below?"""
    graph = import_graph()
    assert graph["course.package"] <= {"course.paths"}
    assert "course.data" not in graph["course.checks"]
    assert graph["course.checks"] & {"course.data", "course.build", "course.media"} == set()
    assert graph["course.data"] <= {"course.package", "course.checks", "course.paths"}


def test_no_import_cycle_among_the_data_modules():
    """Is there no import cycle among package, paths, text, checks, data, media and build?"""
    data_layer = {
        "course.package",
        "course.paths",
        "course.text",
        "course.checks",
        "course.data",
        "course.media",
        "course.build",
    }
    graph = _without_package_init(import_graph())
    sub = {k: v & data_layer for k, v in graph.items() if k in data_layer}
    assert find_cycles(sub) == []


def test_no_import_cycle_anywhere_in_course():
    """Is there no import cycle among any of the course modules?"""
    assert find_cycles(_without_package_init(import_graph())) == []


def test_loading_a_table_does_not_import_frictionless():
    """Can a table whose fingerprint is recorded be loaded without importing frictionless?"""
    code = (
        "import sys\n"
        "from course import data\n"
        "assert 'frictionless' not in sys.modules, 'imported at import time'\n"
        "data.events()\n"
        "assert 'frictionless' not in sys.modules, 'imported to load a recorded table'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_unknown_table_error_lists_the_tables():
    """Does the package layer name the valid tables when asked for one that does not exist?"""
    with pytest.raises(KeyError, match="events"):
        package.resource_descriptor("battles")
