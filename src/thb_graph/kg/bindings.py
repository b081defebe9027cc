"""Safe insertion of RDF terms into SPARQL text.

The Store interface takes query text only, so terms that come from a request (an entity IRI,
a class) are written into the query by these functions and nowhere else: IRIs are checked
against the characters an IRI reference may not contain, literals are escaped. A value that
cannot be written safely raises :class:`BadRequestError`; nothing is ever concatenated raw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph.errors import BadRequestError
from thb_graph.kg.iris import checked_iri

#: Characters an IRIREF may not contain (SPARQL 1.1 grammar, production [139]).
_LANG_OK = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def iri_term(iri: str) -> str:
    """``<iri>``, or BadRequestError when the IRI holds characters an IRI may not hold."""
    return f"<{checked_iri(iri, 'the IRI')}>"


def literal_term(literal: Literal) -> str:
    """A literal in SPARQL syntax with its language tag or datatype, safely escaped."""
    text = "".join(_LITERAL_ESCAPES.get(ch, ch) for ch in str(literal))
    if literal.language:
        if not _LANG_OK.match(literal.language):
            raise BadRequestError(f"not a language tag: {literal.language[:50]!r}")
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None:
        return f'"{text}"^^{iri_term(str(literal.datatype))}'
    return f'"{text}"'


def term(node: Node | str) -> str:
    """Any IRI (``URIRef`` or ``str``) or literal in SPARQL syntax; blank nodes are refused."""
    if isinstance(node, Literal):
        return literal_term(node)
    if isinstance(node, BNode):
        raise BadRequestError("blank nodes cannot be written into a query")
    if isinstance(node, URIRef | str):
        return iri_term(str(node))
    raise BadRequestError(f"cannot write {type(node).__name__} into a query")


def values(variable: str, nodes: Iterable[Node | str]) -> str:
    """A ``VALUES ?variable { ... }`` block for ``nodes`` (an empty block matches nothing)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
        raise BadRequestError(f"not a variable name: {variable!r}")
    return f"VALUES ?{variable} {{ {' '.join(term(n) for n in nodes)} }}"


def one_of(variable: str, nodes: Iterable[Node | str]) -> str:
    """``?variable IN ( ... )``, for a FILTER (an empty list matches nothing)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
        raise BadRequestError(f"not a variable name: {variable!r}")
    return f"?{variable} IN ({', '.join(term(n) for n in nodes)})"
