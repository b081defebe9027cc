"""A class page as a table: one row per member with its key properties (date or period,
place, source, types and, for figures, the value with its caveats), sortable, with facets
(year, place, source, type) that filter it, and the same rows for CSV and JSON.

Everything is read in a few batched queries; a class larger than :data:`MAX_TABLE_ROWS` is
tabled on its first members only, and the page says so.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg import bindings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, ELI, QB, RDF, THB
from thb_graph.pages import figures
from thb_graph.pages.entity import Figure, Namer, Term
from thb_graph.pages.labels import fold
from thb_graph.pages.overview import asserted_types

MAX_TABLE_ROWS = 5000
DATE_PREDICATES = (THB.date, ELI.date_document, THB.refPeriod, THB.year, THB.asOf)
PLACE_PREDICATES = (THB.refArea, THB.jurisdiction, DCTERMS.spatial)
KEY_PREDICATES = (*DATE_PREDICATES, *PLACE_PREDICATES, DCTERMS.source, RDF.type)
FACETS = ("year", "place", "source", "type")
SORTS = ("name", "value", "date", "place", "source", "type")
_YEAR = re.compile(r"(1[89]\d\d|2[01]\d\d)")


@dataclass
class Row:
    """One member as the table shows it."""

    thing: Term
    types: list[Term] = field(default_factory=list)
    date: Term | None = None
    year: str = ""
    places: list[Term] = field(default_factory=list)
    sources: list[Term] = field(default_factory=list)
    figure: Figure | None = None

    def facet_values(self, key: str) -> list[tuple[str, str]]:
        """(filter value, text) of this row under the facet ``key``."""
        if key == "year":
            return [(self.year, self.year)] if self.year else []
        terms = {"place": self.places, "source": self.sources, "type": self.types}[key]
        return [(t.iri, t.text) for t in terms if t.iri]


@dataclass
class FacetValue:
    """One value of a facet: what it filters on, its name, how many rows have it."""

    value: str
    text: str
    count: int
    selected: bool = False


@dataclass
class ClassTable:
    """The rows after filtering and sorting, the facets, and what was asked."""

    rows: list[Row]
    facets: dict[str, list[FacetValue]]
    total: int
    capped: bool
    has_figures: bool
    sort: str
    descending: bool
    filters: dict[str, str]


def _props(store: Store, members: list[str]) -> dict[str, dict[URIRef, list[Node]]]:
    found: dict[str, dict[URIRef, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(members), 200):
        batch = members[start : start + 200]
        query = (
            "SELECT ?x ?p ?o WHERE { "
            + bindings.values("x", batch)
            + f" ?x ?p ?o . FILTER({bindings.one_of('p', KEY_PREDICATES)}) }}"
        )
        for x, p, o in store.query(query).rows:
            if isinstance(p, URIRef) and o is not None and o not in found[str(x)][p]:
                found[str(x)][p].append(o)
    return found


def _year(text: str) -> str:
    match = _YEAR.search(text)
    return match.group(1) if match else ""


def build_rows(store: Store, iris: Iris, members: list[str], namer: Namer) -> list[Row]:
    """Every member with its key properties named."""
    props = _props(store, members)
    observations = [m for m in members if QB.Observation in props.get(m, {}).get(RDF.type, [])]
    figure_props = figures.fetch_figure_props(store, observations)
    datasets = {str(d) for p in figure_props.values() for d in p.get(QB.dataSet, [])}
    units = figures.fetch_units(store, datasets)
    namer.want(URIRef(m) for m in members)
    for p in props.values():
        for objs in p.values():
            namer.want(objs)
    figures.want_names(namer, figure_props, units)
    namer.resolve(store)
    types = asserted_types(store, iris, members, namer)
    rows = []
    for member in members:
        mine = props.get(member, {})
        row = Row(namer.term(URIRef(member)), types=types.get(member, []))
        for predicate in DATE_PREDICATES:
            values = mine.get(predicate, [])
            if values:
                row.date = namer.term(values[0])
                lexical = str(values[0]) if isinstance(values[0], Literal) else row.date.text
                row.year = _year(lexical) or _year(row.date.text)
                break
        row.places = [namer.term(o) for p in PLACE_PREDICATES for o in mine.get(p, [])]
        row.sources = [namer.term(o) for o in mine.get(DCTERMS.source, [])]
        if member in figure_props:
            row.figure = figures.build_figure(member, figure_props[member], namer, units, [])
        rows.append(row)
    return rows


def _sort_key(sort: str) -> object:
    def key(row: Row) -> tuple[object, ...]:
        name = fold(row.thing.text)
        if sort == "value":
            number = row.figure.number if row.figure and row.figure.number is not None else None
            return (number is None, number if number is not None else Decimal(0), name)
        if sort == "date":
            return (not row.year, row.year, row.date.text if row.date else "", name)
        if sort in ("place", "source", "type"):
            terms = {"place": row.places, "source": row.sources, "type": row.types}[sort]
            first = fold(terms[0].text) if terms else ""
            return (not first, first, name)
        return (name,)

    return key


def class_table(
    rows: list[Row], *, filters: dict[str, str], sort: str, descending: bool, capped: bool
) -> ClassTable:
    """Filter ``rows`` by the facet values asked, sort them, and count the facets (each
    facet counted over the rows the other filters leave)."""

    def keep(row: Row, skip: str | None = None) -> bool:
        return all(
            any(v == wanted for v, _ in row.facet_values(k))
            for k, wanted in filters.items()
            if k != skip
        )

    facets: dict[str, list[FacetValue]] = {}
    for key in FACETS:
        counts: Counter[tuple[str, str]] = Counter()
        for row in rows:
            if keep(row, skip=key):
                counts.update(set(row.facet_values(key)))
        values = [FacetValue(v, text, n, filters.get(key) == v) for (v, text), n in counts.items()]
        values.sort(key=lambda f: (-f.count, f.text) if key != "year" else (f.value,))
        if len(values) > 1 or any(f.selected for f in values):
            facets[key] = values
    shown = [row for row in rows if keep(row)]
    shown.sort(key=_sort_key(sort), reverse=descending)  # type: ignore[arg-type]
    return ClassTable(
        rows=shown,
        facets=facets,
        total=len(rows),
        capped=capped,
        has_figures=any(r.figure for r in rows),
        sort=sort,
        descending=descending,
        filters=filters,
    )


def row_record(row: Row) -> dict[str, object]:
    """A row as plain data (for CSV and JSON): IRIs kept beside names."""
    record: dict[str, object] = {
        "iri": row.thing.iri,
        "name": row.thing.text,
        "type": "; ".join(t.text for t in row.types),
        "date": row.date.text if row.date else "",
        "year": row.year,
        "place": "; ".join(t.text for t in row.places),
        "source": "; ".join(t.text for t in row.sources),
    }
    if row.figure is not None:
        f = row.figure
        record.update(
            value=f.value,
            number="" if f.number is None else str(f.number),
            unit=f.unit.text if f.unit else "",
            caveats="; ".join(f.caveats),
            interpretation=f.interpretation,
            quote=f.evidence,
        )
    return record
