"""The data structure of an entity page, shared by the HTML template and the RDF serialiser.

Everything a page shows is a :class:`Term` (an IRI with its label, or a literal made
readable); every statement a page shows is also recorded in :attr:`Description.triples`, so
the RDF twin of a page holds exactly what the page says, plus the names of what it mentions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.pages.display import external_name, format_literal
from thb_graph.pages.labels import Label, fetch_names, name_from_iri, pick_label

Triple = tuple[Node, Node, Node]


@dataclass
class Term:
    """A value as shown: an IRI with its label, a literal in readable form, or a blank node
    with its own statements (``nested``)."""

    node: Node
    text: str
    lang: str | None = None
    is_iri: bool = False
    local: bool = False
    described: bool = False
    inferred: bool = False
    nested: list[PropertyGroup] = field(default_factory=list)

    @property
    def iri(self) -> str:
        """The IRI (empty for literals and blank nodes)."""
        return str(self.node) if self.is_iri else ""

    @property
    def is_blank(self) -> bool:
        """True for a blank node."""
        return isinstance(self.node, BNode)


@dataclass
class PropertyGroup:
    """The values of one predicate, outgoing (this -> value) or incoming (value -> this)."""

    predicate: Term
    values: list[Term]
    incoming: bool = False


@dataclass
class Section:
    """A titled run of property groups ("names", "facts", "provenance"...)."""

    key: str
    groups: list[PropertyGroup]


@dataclass
class Incoming:
    """One page of the statements that point at the entity."""

    total: int
    page: int
    pages: int
    page_size: int
    groups: list[PropertyGroup]


@dataclass
class Figure:
    """A counted figure with what a citation needs: period, place, source, who reported it."""

    iri: str
    label: Term
    value: str
    number: Decimal | None
    unit: Term | None = None
    period: list[Term] = field(default_factory=list)
    place: list[Term] = field(default_factory=list)
    dimensions: list[tuple[Term, Term]] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    attributed_to: list[Term] = field(default_factory=list)
    evidence: str = ""
    approximate: bool = False
    derived: bool = False
    is_self: bool = False
    interpretation: str = ""
    is_range: bool = False
    is_bound: bool = False

    @property
    def caveats(self) -> list[str]:
        """The caveat keys of this figure, from the data: ``interpretation``,
        ``approximate``, ``range``, ``bound``, ``derived`` (badges, CSV columns)."""
        marks = (
            ("interpretation", bool(self.interpretation)),
            ("approximate", self.approximate),
            ("range", self.is_range),
            ("bound", self.is_bound),
            ("derived", self.derived),
        )
        return [key for key, on in marks if on]


@dataclass
class BreakdownRow:
    """One part of a total: its category, its number, the part's own figure."""

    category: Term
    number: Decimal
    value: str
    part: Figure
    share: str = ""


@dataclass
class Breakdown:
    """The parts of a total figure (``thb:partOf``), split along one dimension."""

    total: Figure
    dimension: Term | None
    rows: list[BreakdownRow]
    parts_sum: Decimal
    parts_sum_text: str


@dataclass
class TimelineEntry:
    """A dated thing related to the entity (or the entity itself)."""

    date: str
    date_text: str
    subject: Term
    predicate: Term
    is_self: bool = False


@dataclass
class Change:
    """One accepted write that said something about the entity, as its page shows it."""

    activity: str
    operation: str
    agent_name: str
    started: str
    date_text: str
    added: int
    removed: int


@dataclass
class Highlight:
    """One line of the type-aware summary: a UI key and its values."""

    key: str
    values: list[Term]


@dataclass
class Description:
    """Everything an entity page shows."""

    iri: str
    label: Label
    lang: str
    types: list[Term] = field(default_factory=list)
    definitions: list[Term] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    incoming: Incoming | None = None
    profile: str | None = None
    highlights: list[Highlight] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    breakdown: Breakdown | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)
    history: list[Change] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)
    names: dict[str, list[tuple[URIRef, Literal]]] = field(default_factory=dict)

    def shown_triples(self) -> list[Triple]:
        """Every statement the page shows, and every name of what it mentions."""
        out = list(self.triples)
        for iri, pairs in self.names.items():
            out.extend((URIRef(iri), p, lit) for p, lit in pairs)
        return out


class Namer:
    """Turns nodes into Terms once the names of every IRI involved are known."""

    def __init__(self, iris: Iris, lang: str, fallback: str = "en") -> None:
        self.iris = iris
        self.lang = lang
        self.fallback = fallback
        self.names: dict[str, list[tuple[URIRef, Literal]]] = {}
        self.fixed: dict[str, dict[str, str]] = {}
        self._wanted: set[str] = set()

    def want(self, nodes: Iterable[Node | None]) -> None:
        """Remember IRIs whose names :meth:`resolve` must fetch."""
        self._wanted.update(str(n) for n in nodes if isinstance(n, URIRef))

    def resolve(self, store: Store) -> None:
        """Fetch the names of every IRI wanted so far."""
        missing = self._wanted.difference(self.names)
        if missing:
            found = fetch_names(store, missing)
            for iri in missing:
                self.names[iri] = found.get(iri, [])

    def label(self, iri: str) -> Label:
        """The label of ``iri`` in the chosen language."""
        names = self.names.get(iri, [])
        label = pick_label(iri, names, self.lang, self.fallback)
        fixed = self.fixed.get(iri)
        if fixed and (label.from_iri or label.lang not in (self.lang, None)):
            text = fixed.get(self.lang) or fixed.get(self.fallback)
            if text:
                return Label(text, self.lang)
        return label

    def unit(self, node: Node) -> str:
        """A short name for a unit or currency: its label, else its code ('EUR')."""
        label = self.label(str(node))
        return name_from_iri(str(node)) if label.from_iri else label.text

    def term(self, node: Node, *, inferred: bool = False) -> Term:
        """A Term for ``node``."""
        if isinstance(node, URIRef):
            iri = str(node)
            local = self.iris.is_local(iri)
            described = bool(self.names.get(iri))
            label = self.label(iri)
            text = label.text
            if label.from_iri and not local and not described:
                text = external_name(iri) if external_name(iri) != iri else name_from_iri(iri)
            return Term(node, text, label.lang, True, local, described, inferred)
        if isinstance(node, Literal):
            return Term(node, format_literal(node, self.lang), node.language, inferred=inferred)
        if isinstance(node, BNode):
            return Term(node, "", inferred=inferred)
        return Term(node, str(node), inferred=inferred)
