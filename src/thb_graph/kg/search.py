"""A full-text index of names: word-start matching in any language, in milliseconds.

An SQLite FTS5 table (Python's ``sqlite3``, in memory) of ``(text, iri, lang, predicate)``
rows, tokenised with ``unicode61 remove_diacritics 2``: case and accents fold ("securite"
finds "Sécurité"), every query word matches the *start* of a word of the name ("loi"
finds "loi" and "lois", never "exploitation"; "Directive 2011/36" finds "Directive
2011/36/EU"), and all the words must match.

Rows are inserted best first (a caller-given weight, then shorter names), so the answer
comes in rowid order without sorting every match: a common word at a million triples
costs what its first page costs.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: Marks around the matched words of a snippet (control characters no name contains).
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class Name:
    """One name to index: whose it is, in which language, through which predicate, and its
    weight (lower ranks first: 0 for a thing's names, more for parts and alternatives)."""

    iri: str
    text: str
    lang: str | None
    predicate: str
    weight: int = 0


@dataclass(frozen=True)
class Match:
    """A name that matched, with the matched words marked (``MARK_START``/``MARK_END``)."""

    iri: str
    text: str
    lang: str | None
    predicate: str
    weight: int
    marked: str

    def segments(self) -> list[tuple[str, bool]]:
        """The name as (text, matched) pieces, for showing the matched words."""
        out: list[tuple[str, bool]] = []
        for piece in re.split(f"({MARK_START}.*?{MARK_END})", self.marked):
            if piece.startswith(MARK_START):
                out.append((piece.strip(MARK_START + MARK_END), True))
            elif piece:
                out.append((piece, False))
        return out


def query_words(text: str) -> list[str]:
    """The words of a search text, folded as the index folds them."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.findall(r"\w+", bare.casefold())


_SELECT = (
    "SELECT iri, text, lang, predicate, weight, "
    "highlight(names, 0, char(2), char(3)) "
    "FROM names WHERE names MATCH ? ORDER BY rowid"
)


class TextIndex:
    """Names in an in-memory FTS5 table; ``search`` is safe from any thread."""

    def __init__(self, names: Iterable[Name]) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE names USING fts5(text, iri UNINDEXED, lang UNINDEXED, "
            "predicate UNINDEXED, weight UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
        ordered = sorted(names, key=lambda n: (n.weight, len(n.text), n.text, n.iri))
        self._db.executemany(
            "INSERT INTO names (text, iri, lang, predicate, weight) VALUES (?, ?, ?, ?, ?)",
            ((n.text, n.iri, n.lang or "", n.predicate, n.weight) for n in ordered),
        )
        self._db.commit()
        self.size = len(ordered)

    def search(self, text: str, *, limit: int = 100) -> list[Match]:
        """Up to ``limit`` things whose one name starts a word with every word of ``text``,
        best first, each with its best matching name."""
        words = query_words(text)
        if not words:
            return []
        expression = " ".join(f'"{w}"*' for w in words)
        found: dict[str, Match] = {}
        with self._lock:
            rows = self._db.execute(
                _SELECT,
                (expression,),
            )
            for iri, name, lang, predicate, weight, marked in rows:
                if iri not in found:
                    found[iri] = Match(iri, name, lang or None, predicate, int(weight), marked)
                    if len(found) >= limit:
                        break
        # a name that is exactly the text goes first ("OCRTEH" before figures naming it)
        exact = [m for m in found.values() if query_words(m.text) == words]
        return exact + [m for m in found.values() if query_words(m.text) != words]

    def count(self, text: str, *, cap: int = 10_000) -> int:
        """How many names match (up to ``cap``)."""
        words = query_words(text)
        if not words:
            return 0
        expression = " ".join(f'"{w}"*' for w in words)
        with self._lock:
            (n,) = self._db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM names WHERE names MATCH ? LIMIT ?)",
                (expression, cap),
            ).fetchone()
        return int(n)

    def close(self) -> None:
        self._db.close()


__all__ = ["MARK_END", "MARK_START", "Match", "Name", "TextIndex", "query_words"]
