"""Terms and RDF syntax shared by the store backends.

Conversion between pyoxigraph and rdflib terms, and one RDF parser (pyoxigraph's, for every
format) that reports syntax errors with line and column and never fetches remote contexts.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph import formats
from thb_graph.errors import (
    BadRequestError,
    QueryRejectedError,
    QuerySyntaxError,
    RdfSyntaxError,
    StoreError,
    UnsupportedMediaTypeError,
)

Quad = tuple[Node, Node, Node, Node | None]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_POSITION = re.compile(r"(?:error at|line) (\d+)[: ](?:column )?(\d+)")


def to_rdflib(term: object) -> Node:
    """The rdflib term for a pyoxigraph term (``xsd:string`` literals become plain).

    Lexical forms are kept as the store has them (``"01"^^xsd:integer`` stays "01").
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise StoreError(f"unsupported RDF term in a result: {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise BadRequestError(f"unsupported RDF term: {term!r}")


def graph_node(iri: str) -> ox.NamedNode:
    """A pyoxigraph named node for a graph IRI given by a client."""
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise BadRequestError(f"not a valid graph IRI: {iri!r}") from e


def rdf_format(media_type: str) -> ox.RdfFormat:
    """The pyoxigraph format of a media type (parameters such as charset ignored)."""
    known = formats.by_media_type(media_type, formats.GRAPH_ANSWERS)
    base = media_type.split(";", 1)[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(known.media_type if known is not None else base)
    if fmt is None or fmt == ox.RdfFormat.STREAMING_JSON_LD:
        raise UnsupportedMediaTypeError(f"unsupported RDF media type: {media_type}")
    return fmt


def syntax_position(message: str) -> tuple[int | None, int | None]:
    """Line and column from an oxigraph error message ("error at 3:7: ...")."""
    match = _POSITION.search(message)
    if not match:
        return None, None
    return int(match.group(1)), int(match.group(2))


def query_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """A QuerySyntaxError from pyoxigraph's SyntaxError, with line and column when known."""
    message = str(error.msg if error.msg else error)
    line, column = syntax_position(message)
    return QuerySyntaxError(f"SPARQL syntax error: {message}", line=line, column=column)


#: A ``\\u``/``\\U`` escape as rdflib's SPARQL parser reads it (before the grammar).
_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)


def bad_escape(text: str) -> QuerySyntaxError | None:
    """A QuerySyntaxError at the first ``\\u``/``\\U`` escape of ``text`` that names no
    character (a surrogate, or beyond U+10FFFF), else None. rdflib raises a bare ValueError
    for the second and lets the first through to fail as it is written out."""
    if "\\" not in text:
        return None
    for match in _ESCAPE.finditer(text):
        point = int(match.group(1), 16)
        if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return QuerySyntaxError(
                f"syntax error at line {line}, column {column}: the escape {match.group(0)} "
                "is not a Unicode character (surrogates and code points past U+10FFFF"
                " are not)",
                line=line,
                column=column,
            )
    return None


def escape_error(text: str, error: Exception) -> QuerySyntaxError:
    """The syntax error for rdflib's bare ValueError while expanding escapes."""
    return bad_escape(text) or QuerySyntaxError(f"SPARQL syntax error: {error}")


def evaluation_error(
    error: Exception, text: str = ""
) -> QuerySyntaxError | QueryRejectedError | StoreError:
    """The domain error for what pyoxigraph raises while it parses or evaluates a query's
    text: a ValueError is a malformed term in the text (a language tag...), a RuntimeError
    about a custom function is a call this store cannot make (placed in ``text`` when it can
    be found there); anything else is the store's."""
    message = str(error)
    if isinstance(error, ValueError):
        return QuerySyntaxError(f"SPARQL syntax error: {message}")
    called = _CUSTOM_FUNCTION.search(message)
    if called is None:
        return StoreError(f"the query failed: {message}")
    line, column = _call_position(text, called.group(1))
    where = f" at line {line}, column {column}" if line else ""
    rejected = QueryRejectedError(
        f"unknown function <{called.group(1)}>{where}: this endpoint cannot call it"
    )
    rejected.line, rejected.column = line, column  # type: ignore[attr-defined]
    return rejected


_CUSTOM_FUNCTION = re.compile(r"custom function <([^>]*)> is not supported")


def _call_position(text: str, iri: str) -> tuple[int | None, int | None]:
    """Line and column of the call of ``iri`` in ``text``: written in full, or as a
    prefixed name ending in its local name."""
    local = re.split(r"[#/:]", iri)[-1]
    found = text.find(f"<{iri}>")
    if found < 0 and local:
        match = re.search(rf"[\w.-]*:{re.escape(local)}\s*\(", text)
        found = match.start() if match else -1
    if found < 0:
        return None, None
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def rdf_syntax_error(error: SyntaxError, what: str = "RDF") -> RdfSyntaxError:
    """An RdfSyntaxError from pyoxigraph's SyntaxError, with line and column when known."""
    message = str(error.msg if error.msg else error)
    line, column = error.lineno, error.offset
    if line is None:
        line, column = syntax_position(message)
    return RdfSyntaxError(f"{what} syntax error: {message}", line=line, column=column)


def parse_quads(
    data: bytes,
    media_type: str,
    graph: str | None = None,
    *,
    base_iri: str | None = None,
    keep_blank_labels: bool = False,
) -> list[Quad]:
    """Parse ``data`` into rdflib quads; triples go to ``graph`` (None: the default graph).
    Blank nodes are named afresh unless ``keep_blank_labels`` (a store's own dump, parsed
    in parts that must agree on them)."""
    fmt = rdf_format(media_type)
    target = URIRef(graph) if graph else None
    try:
        rename = not keep_blank_labels
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=rename))
    except SyntaxError as e:
        raise rdf_syntax_error(e, fmt.name) from e
    out: list[Quad] = []
    for q in quads:
        name = q.graph_name
        g = to_rdflib(name) if not isinstance(name, ox.DefaultGraph) else target
        out.append((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), g))
    return out
