"""pyoxigraph query results as the Store interface's ``QueryResult``: read no further than
the row cap; rows turned into rdflib terms only when someone reads them.

Why lazily: making an rdflib term costs about as much as Oxigraph's finding it (measured:
2,259 rows of three columns took 23 ms to convert and 19 ms more to write as JSON from rdflib
terms, beside 70 ms of evaluation). The SPARQL endpoint writes JSON results from the
pyoxigraph terms directly (``json_bindings``); pages and other Python callers read ``rows``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from thb_graph.errors import StoreError
from thb_graph.kg.store.base import LazyRows, QueryResult
from thb_graph.kg.store.terms import to_rdflib


def to_query_result(result: Any, max_rows: int | None) -> QueryResult:
    """``result`` (a boolean, triples or solutions) with at most ``max_rows`` rows."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return _graph_result(result, max_rows)
    variables = tuple(v.value for v in result.variables)
    width = len(variables)
    rows: list[tuple[Any, ...]] = []
    truncated = False
    for solution in result:
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append(tuple(solution[i] for i in range(width)))
    return OxigraphRows(variables, rows, truncated)


class OxigraphRows(LazyRows):
    """The solutions of a SELECT as pyoxigraph terms, turned into rdflib terms on first use."""

    def terms_of(self, native: Sequence[tuple[Any, ...]]) -> list[tuple[Node | None, ...]]:
        """The rows as rdflib terms."""
        return [tuple(None if t is None else to_rdflib(t) for t in row) for row in native]

    def json_bindings(self) -> list[dict[str, dict[str, str]]]:
        """The rows in the form of SPARQL JSON results, written from the pyoxigraph terms."""
        names = self.variables
        return [
            {name: _json_term(t) for name, t in zip(names, row, strict=True) if t is not None}
            for row in self._native
        ]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NAMED, _LITERAL = ox.NamedNode, ox.Literal


def _json_term(term: Any) -> dict[str, str]:
    kind = type(term)
    if kind is _NAMED:
        return {"type": "uri", "value": term.value}
    if kind is _LITERAL:
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif (datatype := term.datatype.value) != _XSD_STRING:
            out["datatype"] = datatype
        return out
    if kind is ox.BlankNode:
        return {"type": "bnode", "value": term.value}
    raise StoreError(f"unsupported RDF term in a result: {term!r}")


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
