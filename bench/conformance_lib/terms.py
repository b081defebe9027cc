"""RDF terms and the three kinds of query answer, independent of any RDF library.

Terms are small frozen dataclasses, so rows and triples of them hash and compare; plain
literals carry ``xsd:string`` (RDF 1.1) and language tags are kept in lower case, so two
spellings of the same term are the same value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    )
)
DECIMAL = XSD + "decimal"
FLOATING_TYPES = frozenset((XSD + "float", XSD + "double"))


@dataclass(frozen=True)
class Uri:
    """An IRI."""

    value: str

    def __str__(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True)
class BNode:
    """A blank node; its label only matters within one answer."""

    label: str

    def __str__(self) -> str:
        return f"_:{self.label}"


@dataclass(frozen=True)
class Lit:
    """A literal: lexical form, datatype IRI, language tag (lower case, or empty)."""

    lexical: str
    datatype: str = XSD_STRING
    lang: str = ""

    def __post_init__(self) -> None:
        if self.lang:
            object.__setattr__(self, "lang", self.lang.lower())
            object.__setattr__(self, "datatype", RDF_LANG_STRING)

    def __str__(self) -> str:
        text = '"' + self.lexical.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype != XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text


Term = Uri | BNode | Lit
#: One row of a result set: a term or None (unbound) per variable, in variable order.
Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer. ``ordered`` says the order of ``rows`` is part of the answer."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Term], ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class Boolean:
    """An ASK answer."""

    value: bool


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE answer: a set of triples."""

    triples: frozenset[tuple[Term, Term, Term]] = field(default_factory=frozenset)


Answer = Solutions | Boolean | Triples


def numeric_key(term: Lit) -> Lit:
    """The same literal with its numeric value written canonically, so that ``"2.0"`` and
    ``"2.00"`` (both ``xsd:decimal``) compare equal; other literals, and numerals that are
    not valid, come back unchanged. The datatype is kept: 2 and 2.0 stay different."""
    datatype, text = term.datatype, term.lexical.strip()
    try:
        if datatype in INTEGER_TYPES:
            return Lit(str(int(text)), datatype)
        if datatype == DECIMAL and "e" not in text.lower():
            value = Decimal(text)
            if not value.is_finite():
                return term
            return Lit("0" if value.is_zero() else format(value.normalize(), "f"), datatype)
        if datatype in FLOATING_TYPES:
            number = float(text.replace("INF", "inf"))
            return Lit("NaN" if math.isnan(number) else repr(number), datatype)
    except (ValueError, InvalidOperation):
        return term
    return term


def row_of(solution: dict[str, Term], variables: tuple[str, ...]) -> Row:
    """A solution as a row over ``variables`` (None where unbound)."""
    return tuple(solution.get(v) for v in variables)
