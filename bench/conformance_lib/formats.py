"""Read answers: expected result files of the test suites, and the endpoint's replies.

SPARQL results XML, JSON and TSV and every RDF syntax are read with pyoxigraph (a parser
independent of the project's writers); CSV with the standard library, its cells kept as
plain strings (the format drops term types; ``_:x`` cells are blank nodes). An RDF file is a
result set when it uses the DAWG result-set vocabulary (``rs:ResultSet``), else a graph.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from conformance_lib.terms import Answer, BNode, Boolean, Lit, Solutions, Term, Triples, Uri

RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

RESULT_MEDIA_TYPES = {
    ".srx": "application/sparql-results+xml",
    ".srj": "application/sparql-results+json",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
}
RDF_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
}
_RESULT_FORMATS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


class AnswerSyntaxError(Exception):
    """A result file or a reply does not parse."""


def term_of(node: Any) -> Term:
    """Our term for a pyoxigraph term."""
    if isinstance(node, ox.NamedNode):
        return Uri(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if isinstance(node, ox.Literal):
        return Lit(node.value, node.datatype.value, node.language or "")
    raise AnswerSyntaxError(f"unsupported term in an answer: {node!r}")


def read_expected(path: Path) -> Answer:
    """The answer a result file holds (``.srx .srj .tsv .csv``, or RDF)."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in RESULT_MEDIA_TYPES:
        return parse_answer(data, RESULT_MEDIA_TYPES[suffix])
    if suffix in RDF_MEDIA_TYPES:
        return parse_rdf_answer(data, RDF_MEDIA_TYPES[suffix], base_iri=path.resolve().as_uri())
    raise AnswerSyntaxError(f"{path.name}: unknown result file type")


def parse_answer(data: bytes, media_type: str) -> Answer:
    """Parse results or RDF of ``media_type`` (parameters such as charset ignored)."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "text/csv":
        return parse_csv(data)
    if base in _RESULT_FORMATS:
        try:
            parsed = ox.parse_query_results(data, _RESULT_FORMATS[base])
            if isinstance(parsed, ox.QueryBoolean):
                return Boolean(bool(parsed))
            names = tuple(v.value for v in parsed.variables)
            rows = tuple({n: term_of(s[n]) for n in names if s[n] is not None} for s in parsed)
        except (SyntaxError, ValueError) as e:
            raise AnswerSyntaxError(f"{base}: {e}") from e
        return Solutions(names, rows)
    if base in RDF_MEDIA_TYPES.values():
        return Triples(frozenset(parse_triples(data, base)))
    raise AnswerSyntaxError(f"cannot read answers in {media_type}")


def parse_triples(
    data: bytes, media_type: str, base_iri: str | None = None
) -> list[tuple[Term, Term, Term]]:
    """The triples of an RDF document (blank nodes renamed apart)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise AnswerSyntaxError(f"cannot read RDF in {media_type}")
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True))
    except (SyntaxError, ValueError) as e:
        raise AnswerSyntaxError(f"{media_type}: {e}") from e
    return [(term_of(q.subject), term_of(q.predicate), term_of(q.object)) for q in quads]


def parse_csv(data: bytes) -> Solutions:
    """SPARQL CSV: a header of variable names, then rows of lexical values (empty: unbound)."""
    try:
        lines = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as e:
        raise AnswerSyntaxError(f"text/csv: {e}") from e
    if not lines:
        raise AnswerSyntaxError("text/csv: no header line")
    names = tuple(lines[0])
    rows = []
    for line in lines[1:]:
        if len(line) != len(names):
            raise AnswerSyntaxError(f"text/csv: a row has {len(line)} cells, not {len(names)}")
        rows.append({n: _csv_term(v) for n, v in zip(names, line, strict=True) if v != ""})
    return Solutions(names, tuple(rows))


def _csv_term(cell: str) -> Term:
    return BNode(cell[2:]) if cell.startswith("_:") else Lit(cell)


def parse_rdf_answer(data: bytes, media_type: str, *, base_iri: str | None = None) -> Answer:
    """An RDF document as a result set (DAWG ``rs:`` vocabulary) or else as a graph."""
    triples = parse_triples(data, media_type, base_iri)
    results = [s for s, p, o in triples if p == Uri(RDF_TYPE) and o == Uri(RS + "ResultSet")]
    if not results:
        return Triples(frozenset(triples))
    return _result_set(triples, results[0])


def _result_set(triples: list[tuple[Term, Term, Term]], root: Term) -> Answer:
    by_subject: dict[Term, list[tuple[str, Term]]] = {}
    for s, p, o in triples:
        if isinstance(p, Uri):
            by_subject.setdefault(s, []).append((p.value, o))

    def values(node: Term, name: str) -> list[Term]:
        return [o for p, o in by_subject.get(node, []) if p == RS + name]

    boolean = values(root, "boolean")
    if boolean:
        first = boolean[0]
        return Boolean(isinstance(first, Lit) and first.lexical.strip() in ("true", "1"))
    names = tuple(sorted(_text(v) for v in values(root, "resultVariable")))
    solutions = []
    for solution in values(root, "solution"):
        row: dict[str, Term] = {}
        for binding in values(solution, "binding"):
            variable, value = values(binding, "variable"), values(binding, "value")
            if variable and value:
                row[_text(variable[0])] = value[0]
        index = values(solution, "index")
        solutions.append((int(_text(index[0])) if index else None, row))
    ordered = any(i is not None for i, _ in solutions)
    if ordered:
        solutions.sort(key=lambda pair: pair[0] if pair[0] is not None else -1)
    return Solutions(names, tuple(row for _, row in solutions), ordered=ordered)


def _text(term: Term) -> str:
    return term.lexical if isinstance(term, Lit) else str(term)
