"""The engine never pulls in the web or command-line layers."""

from __future__ import annotations

import subprocess
import sys

import pytest

ENGINE_MODULES = [
    "thb_graph.kg",
    "thb_graph.kg.build",
    "thb_graph.kg.validate",
    "thb_graph.kg.infer",
    "thb_graph.kg.load",
    "thb_graph.kg.stats",
    "thb_graph.kg.store",
    "thb_graph.kg.store.memory",
    "thb_graph.kg.store.oxigraph",
    "thb_graph.export",
    # what the pages are made of, and writes
    "thb_graph.kg.bindings",
    "thb_graph.kg.context",
    "thb_graph.kg.describe",
    "thb_graph.kg.display",
    "thb_graph.kg.entity",
    "thb_graph.kg.figures",
    "thb_graph.kg.labels",
    "thb_graph.kg.ontology_doc",
    "thb_graph.kg.overview",
    "thb_graph.kg.profiles",
    "thb_graph.kg.timeline",
    "thb_graph.kg.transaction",
    "thb_graph.kg.write_commit",
    "thb_graph.kg.write_lock",
    "thb_graph.kg.write_plan",
]


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_module_imports_no_flask_werkzeug_or_click(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(','.join(sorted(m for m in ('flask', 'werkzeug', 'click') if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
