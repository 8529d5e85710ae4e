"""The package's floor plan: parts that depend one way, and no import circle.

The graph is read from the source (every import statement, those inside
functions and under ``TYPE_CHECKING`` too), so a circle hidden behind a lazy
import fails here as well. The layers, lowest first, are those of
``docs/architecture.md``: a part may import from the parts below it and from
itself, never from a part beside or above it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emailpro_core

PACKAGE = Path(emailpro_core.__file__).parent
ROOT = "emailpro_core"

#: The parts, lowest first. Each set is one layer: its parts do not import each other.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_version", "i18n"}),
    frozenset({"_violation"}),
    frozenset({"errors"}),
    frozenset({"domains", "examples", "_apijson"}),
    frozenset({"naming", "password"}),
    frozenset({"routing"}),
    frozenset({"sources"}),
    frozenset({"spf", "dkim", "dmarc"}),
    frozenset({"records"}),
    frozenset({"checker"}),
    frozenset({"propagation"}),
    frozenset({"cli"}),
    frozenset({"testing"}),
    frozenset({"", "__main__"}),  # the package's own __init__ and python -m
)
LAYER_OF = {part: index for index, layer in enumerate(LAYERS) for part in layer}


def module_name(path: Path) -> str:
    """``emailpro_core.x.y`` for ``<package>/x/y.py`` (a package by its ``__init__``)."""
    parts = [ROOT, *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *(name.split(".") if name else [])])


def imports_of(module: str, source: str, is_package: bool, known: Iterable[str]) -> set[str]:
    """The modules of the package that ``source`` (the text of ``module``) imports."""
    known = set(known)
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == ROOT)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = _resolve(module, is_package, node.level, node.module)
            elif node.module and node.module.split(".")[0] == ROOT:
                target = node.module
            else:
                continue
            found.add(target)
            # `from .pkg import sub`: the submodule is imported too.
            found.update(f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known)
    return {m for m in found if m in known and m != module}


def package_graph() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", files)
        for name, path in files.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected components of two or more."""
    # Tarjan's algorithm, iterative: the graph is small, but recursion depth is not ours.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def part_of(module: str) -> str:
    """The part a module belongs to: ``emailpro_core.checker._runner`` → ``checker``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_breaches(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Imports from a part beside or above the importer's, as ``importer -> imported``."""
    found = []
    for module, targets in sorted(graph.items()):
        mine = part_of(module)
        for target in sorted(targets):
            theirs = part_of(target)
            if theirs != mine and LAYER_OF[theirs] >= LAYER_OF[mine]:
                found.append(f"{module} -> {target}")
    return found


def test_every_part_has_a_layer() -> None:
    assert {part_of(m) for m in package_graph()} <= set(LAYER_OF)


def test_no_import_circle() -> None:
    assert [] == cycles(package_graph())


def test_parts_depend_one_way() -> None:
    assert [] == layer_breaches(package_graph())


def test_private_modules_have_no_all() -> None:
    """Only what users import looks public: a private module has no ``__all__``."""
    public_looking = []
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        private = any(part.startswith("_") and part != "__init__" for part in name.split("."))
        if private and name != f"{ROOT}.__main__" and "__all__" in path.read_text("utf-8"):
            public_looking.append(name)
    assert [] == sorted(public_looking)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_cycles_examples(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert expected == sorted(cycles(graph))


@given(st.dictionaries(st.integers(0, 12), st.sets(st.integers(0, 12)), max_size=12))
def test_cycles_match_reachability(edges: dict[int, set[int]]) -> None:
    """Two nodes share a circle exactly when each reaches the other."""
    graph = {str(k): {str(v) for v in vs if v != k} for k, vs in edges.items()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    nodes = set(graph) | {v for vs in graph.values() for v in vs}
    reachable = {n: reach(n) for n in nodes}
    expected = set()
    for a in nodes:
        group = frozenset({a} | {b for b in reachable[a] if a in reachable[b]})
        if len(group) > 1:
            expected.add(group)
    assert expected == {frozenset(c) for c in cycles(graph)}


def test_a_new_circle_or_breach_is_caught() -> None:
    """The checks fail on the graph with one import added the wrong way."""
    graph = package_graph()
    graph[f"{ROOT}.errors"] = {*graph[f"{ROOT}.errors"], f"{ROOT}.checker"}
    assert f"{ROOT}.errors -> {ROOT}.checker" in layer_breaches(graph)
    assert any(f"{ROOT}.errors" in circle for circle in cycles(graph))
