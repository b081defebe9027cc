"""Answer pages: each named query of ``queries/*.rq`` asked as a question and answered in
words a reader can quote: IRIs named by their labels (linked to their local pages), typed
literals written as dates and numbers, one column per variable with a readable heading.

A column ``?xLabel`` next to ``?x`` is folded into it (the label is what ``?x`` shows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from thb_graph.kg.queries import Example, load_examples
from thb_graph.kg.store.base import Store
from thb_graph.pages.entity import Namer, Term

MAX_ANSWER_ROWS = 500
_NUMBERED = re.compile(r"^\s*[A-Z]{2,6}-\d+[a-z]?\s*[:.\u2013-]?\s*")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: Columns holding a quotation of the source.
QUOTE_COLUMNS = ("evidence", "quote", "text", "claimText")


@dataclass(frozen=True)
class Question:
    """A named query as a question: its address name, its words, the query."""

    name: str
    title: str
    description: str
    query: str
    description_lang: str = "en"
    title_lang: str = "en"


@dataclass
class Column:
    """A column of an answer: the variable and its heading."""

    var: str
    heading: str
    is_quote: bool = False


@dataclass
class Answer:
    """The rows of a question's answer, every cell a Term (or None when unbound)."""

    question: Question
    columns: list[Column]
    rows: list[list[Term | None]]
    truncated: bool
    boolean: bool | None = None


def plain_title(title: str) -> str:
    """The title without its internal number (``PCQ-09 Victims...`` -> ``Victims...``)."""
    return _NUMBERED.sub("", title).strip() or title


def heading(var: str) -> str:
    """``totalCount`` -> ``Total count``; ``asOf`` -> ``As of``."""
    words = _CAMEL.sub(" ", var).replace("_", " ").lower().strip()
    return words[:1].upper() + words[1:]


def as_question(example: Example, lang: str = "en") -> Question:
    """The question of a named query, in ``lang`` where the query file gives it."""
    shown = example.in_language(lang)
    return Question(
        example.name,
        plain_title(shown.title),
        shown.description,
        example.query,
        example.description_language(lang),
        example.title_language(lang),
    )


def questions(folder: Path, lang: str = "en") -> list[Question]:
    """Every named query of ``folder`` as a question, in file order."""
    return [as_question(e, lang) for e in load_examples(folder)]


def shown_columns(variables: tuple[str, ...]) -> list[Column]:
    """The columns shown: every variable but ``xLabel`` when ``x`` is there too."""
    present = set(variables)
    return [
        Column(v, heading(v), v in QUOTE_COLUMNS)
        for v in variables
        if not (v.endswith("Label") and v[: -len("Label")] in present)
    ]


def answer(store: Store, question: Question, namer: Namer) -> Answer:
    """Run the question's query and name what it returns."""
    result = store.query(question.query, max_rows=MAX_ANSWER_ROWS)
    if result.kind == "ask":
        return Answer(question, [], [], False, boolean=bool(result.boolean))
    columns = shown_columns(result.variables)
    index = {v: i for i, v in enumerate(result.variables)}
    for row in result.rows:
        namer.want(row)
    namer.resolve(store)
    rows = [
        [None if row[index[c.var]] is None else namer.term(row[index[c.var]])  # type: ignore[arg-type]
         for c in columns]
        for row in result.rows
    ]  # fmt: skip
    return Answer(question, columns, rows, result.truncated)
