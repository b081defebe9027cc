"""What the competency tests share: the named queries' folder, the France graph's IRIs, and
helpers that read the expected answer out of result rows (dicts of rdflib terms)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

#: Runs ``queries/NAME.rq`` over the France graph (the ``ask`` fixture of conftest.py).
Ask = Callable[[str], list[dict[str, Node]]]

QUERIES = Path(__file__).resolve().parents[2] / "queries"
ID = "https://w3id.org/thb-graph/id/"
PROFILE = URIRef(ID + "source/france-country-profile")


def check_query_header(name: str) -> None:
    """``queries/NAME.rq`` starts with its ``# title: PCQ-`` and ``# description:`` lines,
    then the title and description in French."""
    lines = (QUERIES / f"{name}.rq").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# title: PCQ-")
    assert lines[1].startswith("# description: ") and len(lines[1]) > 40
    assert lines[2].startswith("# title@fr: PCQ-")
    assert lines[3].startswith("# description@fr: ") and len(lines[3]) > 40


def texts(rows: list[dict[str, Node]], key: str) -> set[str]:
    """The distinct string values of ``key`` over ``rows``."""
    return {str(row[key]) for row in rows if key in row}


def texts_in_order(rows: list[dict[str, Node]], key: str) -> list[str]:
    """The string values of ``key`` in ``rows``, in row order, skipping unbound cells."""
    return [str(row[key]) for row in rows if key in row]


def only(rows: list[dict[str, Node]], key: str) -> Node:
    """The single value ``key`` takes over ``rows`` (fails if there are several or none)."""
    values = {row[key] for row in rows if key in row}
    assert len(values) == 1, f"{key}: expected one value, got {values}"
    return next(iter(values))


def the_one(rows: list[dict[str, Node]]) -> dict[str, Node]:
    """The single row of a result that must have exactly one."""
    assert len(rows) == 1, rows
    return rows[0]


def integer(value: int) -> Literal:
    """``value`` as the xsd:integer literal the graph must hold."""
    return Literal(value, datatype=XSD.integer)


def by(rows: list[dict[str, Node]], key: str) -> dict[str, dict[str, Node]]:
    """``rows`` indexed by the string value of ``key`` (which must be unique per row)."""
    index = {str(row[key]): row for row in rows}
    assert len(index) == len(rows), f"{key} is not unique over the rows"
    return index
