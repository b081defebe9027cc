"""The named example queries of ``queries/*.rq``, with their title and description.

Each file starts with comment lines ``# title: ...`` and ``# description: ...`` (a
description may go on over further ``#`` lines), and may give them in French too
(``# title@fr: ...``, ``# description@fr: ...``); the rest is the query, shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from thb_graph.errors import ConfigError


@dataclass(frozen=True)
class Example:
    """One named query."""

    name: str
    title: str
    description: str
    query: str
    #: Titles and descriptions in other languages: {"fr": (title, description)}; either
    #: may be "" where the file gives only the other.
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)

    def title_language(self, lang: str) -> str:
        """The language :meth:`in_language` gives the title in."""
        return lang if self.translations.get(lang, ("", ""))[0] else "en"

    def description_language(self, lang: str) -> str:
        """The language :meth:`in_language` gives the description in."""
        return lang if self.translations.get(lang, ("", ""))[1] else "en"

    def in_language(self, lang: str) -> Example:
        """The example with its title and description in ``lang`` where the file gives
        them (English otherwise)."""
        title, description = self.translations.get(lang, ("", ""))
        return replace(self, title=title or self.title, description=description or self.description)


#: The header keys read, with the language they are in ("" for English).
_KEYS = {"title": ("title", ""), "description": ("description", "")} | {
    f"{key}@{lang}": (key, lang) for key in ("title", "description") for lang in ("fr",)
}


def parse_example(name: str, text: str) -> Example:
    """The example in ``text`` (the content of ``name.rq``)."""
    fields: dict[tuple[str, str], list[str]] = {}
    current: tuple[str, str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        key, sep, value = body.partition(":")
        if sep and key.strip().lower() in _KEYS:
            current = _KEYS[key.strip().lower()]
            fields[current] = [value.strip()]
        elif current and body:
            fields[current].append(body)

    def read(key: str, lang: str = "") -> str:
        return " ".join(fields.get((key, lang), []))

    translations = {
        lang: (read("title", lang), read("description", lang))
        for _, lang in set(fields) - {("title", ""), ("description", "")}
    }
    return Example(
        name=name,
        title=read("title") or name,
        description=read("description"),
        query=text,
        translations=translations,
    )


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
