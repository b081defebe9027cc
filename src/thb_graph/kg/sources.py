"""The source folders (ontology/, data/, shapes/, queries/, sources/): check that a source
folder holds a graph before building from it, and copy them out of the package for editing.

An installed package carries its own copy of the sources; a server started over a folder
without them would answer every query over an empty graph without a word, so building
refuses instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from thb_graph.errors import ConfigError

#: The folders a source folder holds, in the order they are copied.
SOURCE_FOLDERS = ("ontology", "data", "shapes", "queries", "sources")
#: The folders that must hold Turtle files for a graph to be built.
REQUIRED = ("ontology", "data")

HINT = "run `thb-graph init DIR` to get a copy of the sources, then pass --source-dir DIR"


def check_sources(source_dir: str | Path) -> None:
    """ConfigError unless ``source_dir`` has Turtle files in ontology/ and data/."""
    root = Path(source_dir)
    missing = [f"{name}/" for name in REQUIRED if not any((root / name).glob("*.ttl"))]
    if missing:
        raise ConfigError(
            f"no sources in {root}: {' and '.join(missing)} hold no .ttl file, "
            f"so the graph would be empty; {HINT}"
        )


def copy_sources(source_dir: str | Path, target: str | Path) -> list[Path]:
    """Copy the source folders of ``source_dir`` into ``target`` (new or empty); the folders
    written. ConfigError when ``target`` holds files or ``source_dir`` holds no sources."""
    check_sources(source_dir)
    root, out = Path(source_dir), Path(target)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"{out} is not an empty folder: choose a new one")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SOURCE_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, out / name, ignore=shutil.ignore_patterns("__*"))
            written.append(out / name)
    return written
