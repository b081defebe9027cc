"""pyoxigraph query results as the Store interface's ``QueryResult``: rdflib terms for the
rows returned only, read no further than the row cap."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from thb_graph.kg.store.base import QueryResult
from thb_graph.kg.store.terms import to_rdflib


def to_query_result(result: Any, max_rows: int | None) -> QueryResult:
    """``result`` (a boolean, triples or solutions) with at most ``max_rows`` rows."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return _graph_result(result, max_rows)
    variables = tuple(v.value for v in result.variables)
    width = len(variables)
    rows: list[tuple[Node | None, ...]] = []
    truncated = False
    for solution in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(
            tuple(None if (term := solution[i]) is None else to_rdflib(term) for i in range(width))
        )
    return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)


def _graph_result(result: Iterable[Any], max_rows: int | None) -> QueryResult:
    """The distinct triples of a CONSTRUCT/DESCRIBE, read until ``max_rows`` of them are kept
    (the rest is never converted; ``truncated`` says there was more)."""
    seen: dict[Any, None] = {}
    for triple in result:
        if triple in seen:
            continue
        if max_rows is not None and len(seen) >= max_rows:
            return QueryResult(kind="graph", triples=_triples(seen), truncated=True)
        seen[triple] = None
    return QueryResult(kind="graph", triples=_triples(seen))


def _triples(result: Iterable[Any]) -> list[Any]:
    return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in result]
