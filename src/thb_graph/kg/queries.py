"""The named example queries of ``queries/*.rq``, with their title and description.

Each file starts with comment lines ``# title: ...`` and ``# description: ...`` (a
description may go on over further ``#`` lines); the rest is the query, shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from thb_graph.errors import ConfigError


@dataclass(frozen=True)
class Example:
    """One named query."""

    name: str
    title: str
    description: str
    query: str


def parse_example(name: str, text: str) -> Example:
    """The example in ``text`` (the content of ``name.rq``)."""
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        key, sep, value = body.partition(":")
        if sep and key.strip().lower() in ("title", "description"):
            current = key.strip().lower()
            fields[current] = [value.strip()]
        elif current and body:
            fields[current].append(body)
    title = " ".join(fields.get("title", [])) or name
    description = " ".join(fields.get("description", []))
    return Example(name=name, title=title, description=description, query=text)


def load_examples(folder: Path) -> list[Example]:
    """Every ``*.rq`` of ``folder``, sorted by file name (none when the folder is missing)."""
    if not folder.is_dir():
        return []
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"cannot read the example query {path}: {e}") from e
        examples.append(parse_example(path.stem, text))
    return examples
