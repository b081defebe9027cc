"""Build step: copy the sources (ontology/, data/, shapes/, queries/, sources/) into the
package as ``thb_graph/bundle/``, so an installed wheel serves the graph from any folder.

The folders stay where they are in the repository (they are edited there); the wheel and
the sdist carry a copy. All other metadata is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SOURCE_FOLDERS = ("ontology", "data", "shapes", "queries", "sources")


class BuildWithSources(build_py):  # type: ignore[misc]
    """build_py that also copies the source folders into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        bundle = Path(self.build_lib) / "thb_graph" / "bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        for name in SOURCE_FOLDERS:
            if not (ROOT / name).is_dir():
                raise SystemExit(f"cannot build: the source folder {name}/ is missing")
            shutil.copytree(ROOT / name, bundle / name)


setup(cmdclass={"build_py": BuildWithSources})
