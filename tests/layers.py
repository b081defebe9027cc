"""The layer checker behind tests/test_layers.py: reads the source, runs nothing.

Every module of a package is parsed with ``ast``; each import (at module level or inside a
function: a lazy import is still a dependency) is resolved to the module it names. A module
belongs to the layer of its top-level part (``thb_graph.kg.store.base`` -> ``kg``). An
import is allowed only into a strictly lower layer or within the same part; anything else
goes up a layer or sideways. Import cycles between modules are reported too, as are
Flask, Werkzeug and click below the entry points.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

#: The layers, top first; parts on one line may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("__main__",),
    ("cli",),
    ("web",),
    ("writes", "pages"),
    ("sparql", "export", "synth"),
    ("kg",),
    ("__init__",),
    ("config",),
    ("formats",),
    ("errors", "namespaces"),
]
#: Only these parts may import a web framework or a command-line toolkit.
ENTRY_POINTS = frozenset({"web", "cli", "__main__"})
FRAMEWORKS = frozenset({"flask", "werkzeug", "click"})


@dataclass(frozen=True)
class Problem:
    """One import the layers forbid, or one cycle."""

    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def rank_of(part: str) -> int:
    """The height of a part (higher imports lower); unknown parts are an error."""
    for height, parts in enumerate(reversed(LAYERS)):
        if part in parts:
            return height
    raise KeyError(f"part {part!r} is in no layer: add it to LAYERS")


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module below ``root`` (the package folder), by dotted name."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join([package, *parts])] = path
    return found


def imports_of(name: str, path: Path, known: set[str], package: str) -> list[tuple[str, int]]:
    """The modules ``name`` imports (resolved within the package where it can) with lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                out.append((full if full in known else target, node.lineno))
    return [(m, line) for m, line in out if m != package or m in known]


def part_of(module: str, package: str) -> str:
    """The top-level part of a module of the package (``__init__`` for the package itself)."""
    rest = module.split(".")[1:]
    return rest[0] if rest else "__init__"


def check(root: Path, package: str) -> list[Problem]:
    """Every import of the package that breaks the layers, and every import cycle."""
    modules = modules_of(root, package)
    known = set(modules)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    problems: list[Problem] = []
    for name, path in modules.items():
        mine = part_of(name, package)
        for target, line in imports_of(name, path, known, package):
            top = target.split(".")[0]
            if top in FRAMEWORKS and mine not in ENTRY_POINTS:
                problems.append(Problem(name, line, f"imports {top} below the entry points"))
            if top != package:
                continue
            if target in known:
                graph[name].add(target)
            theirs = part_of(target, package)
            if theirs == mine:
                continue
            if rank_of(theirs) >= rank_of(mine):
                way = "up" if rank_of(theirs) > rank_of(mine) else "sideways"
                problems.append(
                    Problem(name, line, f"imports {target} ({way}: {mine} -> {theirs})")
                )
    problems += [
        Problem(c[0], 0, "import cycle: " + " -> ".join([*c, c[0]])) for c in cycles(graph)
    ]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
