"""Judging single values in Python exactly as pyshacl does: ill-typed literals, the text a
pattern is matched against, comparisons of literals."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from pyshacl.rdfutil.compare import compare_literal
from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.namespaces import RDF, XSD

#: The Python types pyshacl expects of the values of these datatypes.
_VALUE_TYPES: dict[URIRef, type] = {
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: datetime.date,
    XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}


def ill_typed(value: Node, datatype: Node) -> bool:
    """True when pyshacl would find ``value`` (of ``datatype``) ill-typed."""
    if not isinstance(value, Literal):
        return False
    if getattr(value, "ill_typed", None) is True:
        return True
    kind = _VALUE_TYPES.get(URIRef(str(datatype)))
    return kind is not None and not isinstance(value.value, kind)


def pattern_text(v: Node) -> str:
    """The text a sh:pattern is matched against, as pyshacl writes it."""
    strings = (None, RDF.langString, XSD.string)
    if isinstance(v, Literal) and v.value is not None and v.datatype in strings:
        return str(v.value)
    return str(v)


def compares(value: Node, bound: Node, accept: Callable[[int], bool]) -> bool:
    """Whether ``value`` compares with ``bound`` as ``accept`` wants, as pyshacl judges it."""
    if not isinstance(value, Literal) or not isinstance(bound, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        return accept(compare_literal(value, bound))  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        return False
