"""The package keeps its layers: every module, every import, no cycles, no Flask below web."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import thb_graph
from layers import ENTRY_POINTS, check, modules_of, part_of

ROOT = Path(thb_graph.__file__).parent


def test_every_module_respects_the_layers() -> None:
    problems = check(ROOT, "thb_graph")
    assert not problems, "\n".join(map(str, problems))


def test_the_walk_sees_every_package() -> None:
    parts = {part_of(m, "thb_graph") for m in modules_of(ROOT, "thb_graph")}
    assert {"kg", "writes", "pages", "sparql", "export", "web", "cli", "config"} <= parts


def _fake(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


FIXTURE = {
    "__init__.py": "",
    "errors.py": "",
    "kg/__init__.py": "",
    "kg/engine.py": "from pkg import errors\n",
    "sparql/__init__.py": "",
    "sparql/run.py": "from pkg.kg import engine\n",
    "web/__init__.py": "import flask\nfrom pkg.sparql import run\n",
}


def test_the_checker_passes_a_clean_tree(tmp_path: Path) -> None:
    assert check(_fake(tmp_path, FIXTURE), "pkg") == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"kg/up.py": "from pkg.sparql.run import x\n"}, "up: kg -> sparql"),
        ({"kg/lazy.py": "def f():\n    from pkg.web import app\n"}, "up: kg -> web"),
        ({"export/__init__.py": "", "export/d.py": "from pkg.sparql import run\n"}, "sideways"),
        ({"sparql/bad.py": "from flask import Flask\n"}, "imports flask below"),
        ({"kg/a.py": "from pkg.kg import b\n", "kg/b.py": "from . import a\n"}, "import cycle"),
    ],
)
def test_the_checker_finds_what_the_layers_forbid(
    tmp_path: Path, extra: dict[str, str], expected: str
) -> None:
    problems = check(_fake(tmp_path, {**FIXTURE, **extra}), "pkg")
    assert any(expected in str(p) for p in problems), problems


def test_below_the_entry_points_nothing_loads_flask_werkzeug_or_click() -> None:
    """Import every module below web and cli in one fresh interpreter: none pulls them in."""
    below = sorted(
        m for m in modules_of(ROOT, "thb_graph") if part_of(m, "thb_graph") not in ENTRY_POINTS
    )
    assert len(below) > 60
    code = (
        "import importlib, sys\n"
        f"for m in {below!r}: importlib.import_module(m)\n"
        "print(','.join(sorted(m for m in ('flask', 'werkzeug', 'click') if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
