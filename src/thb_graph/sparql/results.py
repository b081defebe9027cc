"""Serialise a QueryResult in the media type negotiation chose.

SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV, written directly (no rdflib
round trip). Graphs (CONSTRUCT/DESCRIBE): N-Triples and N-Quads written directly, Turtle and
TriG (a triple set is the default graph of a TriG document), JSON-LD and RDF/XML by rdflib.

Truncation (the cap, ``max_result_rows``, cut the rows of a SELECT or the triples of a
CONSTRUCT/DESCRIBE) is signalled in the body where the format has a place for it without
leaving its standard: the ``link`` member of the JSON ``head`` and the ``<link href>`` element
of the XML ``head`` (both defined by the results formats for "further metadata about the
results") hold :data:`TRUNCATED_LINK` followed by the cap; Turtle, N-Triples, TriG and
N-Quads start with a ``#`` comment. CSV, TSV, JSON-LD and RDF/XML have no such place: only the
``X-THB-Truncated`` header (set by the web layer for every format) tells.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from thb_graph.errors import UnknownFormatError
from thb_graph.kg.store.base import QueryResult
from thb_graph.namespaces import PREFIXES

#: The link put in results heads when rows were cut: ``TRUNCATED_LINK + "?max-rows=N"``.
TRUNCATED_LINK = "urn:x-thb-graph:results-truncated"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def serialise(result: QueryResult, media_type: str, *, cap: int | None = None) -> bytes:
    """``result`` as bytes of ``media_type`` (a canonical table entry)."""
    writer = _WRITERS.get(media_type)
    if writer is None or (result.kind == "graph") != (media_type in _GRAPH_WRITERS):
        raise UnknownFormatError(f"{media_type} does not fit a {result.kind} result")
    return writer(result, cap)


def truncation_link(cap: int | None) -> str:
    """The IRI that marks a truncated result in the ``link`` of a results head."""
    return f"{TRUNCATED_LINK}?max-rows={cap}" if cap is not None else TRUNCATED_LINK


# ---- SELECT / ASK -----------------------------------------------------------------------


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    raise UnknownFormatError(f"a {type(term).__name__} term has no SPARQL JSON form")


def to_json(result: QueryResult, cap: int | None = None) -> bytes:
    """SPARQL 1.1 Query Results JSON Format."""
    head: dict[str, object] = {}
    body: dict[str, object]
    if result.kind == "ask":
        body = {"head": head, "boolean": bool(result.boolean)}
    else:
        head["vars"] = list(result.variables)
        names = result.variables
        bindings = result.json_bindings()
        if bindings is None:
            bindings = [
                {n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
                for row in result.rows
            ]
        body = {"head": head, "results": {"bindings": bindings}}
    if result.truncated:
        head["link"] = [truncation_link(cap)]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, Literal):
        attrs = ""
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype and term.datatype != XSD.string:
            attrs = f" datatype={quoteattr(str(term.datatype))}"
        return f"<literal{attrs}>{escape(str(term))}</literal>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    raise UnknownFormatError(f"a {type(term).__name__} term has no SPARQL XML form")


def to_xml(result: QueryResult, cap: int | None = None) -> bytes:
    """SPARQL Query Results XML Format (Second Edition)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{SPARQL_RESULTS_NS}">']
    out.append("<head>")
    out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    if result.truncated:
        out.append(f"<link href={quoteattr(truncation_link(cap))}/>")
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        names = result.variables
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(names, row, strict=True):
                if term is not None:
                    out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.append("</result>\n")
        out.append("</results>")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_field(term: Node | None) -> str:
    if term is None:
        return ""
    text = f"_:{term}" if isinstance(term, BNode) else str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(result: QueryResult, cap: int | None = None) -> bytes:
    """SPARQL 1.1 Query Results CSV (lexical values only, RFC 4180 quoting, CRLF)."""
    if result.kind == "ask":
        return f"_askResult\r\n{'true' if result.boolean else 'false'}\r\n".encode()
    lines = [",".join(_csv_field(URIRef(v)) for v in result.variables)]
    lines.extend(",".join(_csv_field(t) for t in row) for row in result.rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def to_tsv(result: QueryResult, cap: int | None = None) -> bytes:
    """SPARQL 1.1 Query Results TSV (terms in their Turtle/N-Triples form)."""
    if result.kind == "ask":
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines.extend("\t".join("" if t is None else nt_term(t) for t in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---- graphs -----------------------------------------------------------------------------

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (also its TSV form)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    raise UnknownFormatError(f"a {type(term).__name__} term has no N-Triples form")


def _comment(result: QueryResult, cap: int | None) -> str:
    """The leading comment of a cut graph in a line-based format (empty when whole)."""
    if not result.truncated:
        return ""
    return f"# truncated: more than {cap} triples, the rest was cut\n"


def to_ntriples(result: QueryResult, cap: int | None = None) -> bytes:
    """N-Triples (also valid N-Quads: every triple is in the default graph)."""
    lines = [f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in result.triples]
    return (_comment(result, cap) + "".join(lines)).encode("utf-8")


def _graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add(triple)
    return graph


def to_turtle(result: QueryResult, cap: int | None = None) -> bytes:
    """Turtle with the project's prefixes (also valid TriG: the default graph only)."""
    body = _graph(result.triples).serialize(format="turtle", encoding="utf-8")
    return _comment(result, cap).encode("utf-8") + body


def to_jsonld(result: QueryResult, cap: int | None = None) -> bytes:
    """JSON-LD, compacted with the project's prefixes as context."""
    graph = _graph(result.triples)
    return graph.serialize(format="json-ld", context=dict(PREFIXES), encoding="utf-8")


def to_rdfxml(result: QueryResult, cap: int | None = None) -> bytes:
    """RDF/XML."""
    return _graph(result.triples).serialize(format="xml", encoding="utf-8")


Writer = Callable[[QueryResult, int | None], bytes]

_GRAPH_WRITERS: dict[str, Writer] = {
    "text/turtle": to_turtle,
    "application/n-triples": to_ntriples,
    "application/ld+json": to_jsonld,
    "application/rdf+xml": to_rdfxml,
    "application/trig": to_turtle,
    "application/n-quads": to_ntriples,
}
_WRITERS: dict[str, Writer] = {
    "application/sparql-results+json": to_json,
    "application/sparql-results+xml": to_xml,
    "text/csv": to_csv,
    "text/tab-separated-values": to_tsv,
    **_GRAPH_WRITERS,
}
