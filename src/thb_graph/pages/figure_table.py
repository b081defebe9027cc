"""Every counted figure of the graph as one table (value, unit, period, place, source, quote,
caveats): the CSV for people who do not read RDF, and the rows of the figures' class table.

The caveat columns come from the data (``thb:interpretation``, ``thb:approximate``, bounds,
``thb:isDerived``/``thb:derivedFrom``), never from text written per figure.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from rdflib import URIRef

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import QB, RDF
from thb_graph.pages import figures
from thb_graph.pages.entity import Figure, Namer, Triple

MAX_FIGURES = 20_000
CSV_COLUMNS = (
    "figure", "label", "value", "number", "unit", "period", "place", "other_dimensions",
    "source", "reported_by", "quote", "approximate", "range", "derived", "interpretation",
)  # fmt: skip


@dataclass
class FigureTable:
    """The figures, sorted by label, with the statements they were read from."""

    figures: list[Figure]
    triples: list[Triple]


def all_figures(store: Store, namer: Namer, limit: int = MAX_FIGURES) -> FigureTable:
    """Every ``qb:Observation`` of the store as a Figure."""
    query = (
        f"SELECT DISTINCT ?obs WHERE {{ ?obs {bindings.term(RDF.type)} "
        f"{bindings.term(QB.Observation)} . FILTER(isIRI(?obs)) }} LIMIT {limit}"
    )
    found = [str(o) for (o,) in store.query(query).rows if isinstance(o, URIRef)]
    props = figures.fetch_figure_props(store, found)
    datasets = {str(d) for p in props.values() for d in p.get(QB.dataSet, [])}
    units = figures.fetch_units(store, datasets)
    figures.want_names(namer, props, units)
    namer.resolve(store)
    triples: list[Triple] = []
    built = [figures.build_figure(iri, props[iri], namer, units, triples) for iri in props]
    built.sort(key=lambda f: (f.label.text.casefold(), f.iri))
    return FigureTable(built, triples)


def _texts(terms: list[object]) -> str:
    return "; ".join(getattr(t, "text", str(t)) for t in terms)


def figure_row(figure: Figure) -> dict[str, str]:
    """One CSV row of a figure (IRIs of the figure and its source kept for joining)."""
    return {
        "figure": figure.iri,
        "label": figure.label.text,
        "value": figure.value,
        "number": "" if figure.number is None else str(figure.number),
        "unit": figure.unit.text if figure.unit else "",
        "period": _texts(list(figure.period)),
        "place": _texts(list(figure.place)),
        "other_dimensions": "; ".join(f"{d.text}: {v.text}" for d, v in figure.dimensions),
        "source": "; ".join(f"{s.text} <{s.iri}>" if s.iri else s.text for s in figure.sources),
        "reported_by": _texts(list(figure.attributed_to)),
        "quote": figure.evidence,
        "approximate": "yes" if figure.approximate else "",
        "range": "range" if figure.is_range else ("bound" if figure.is_bound else ""),
        "derived": "yes" if figure.derived else "",
        "interpretation": figure.interpretation,
    }


def figures_csv(table: FigureTable) -> bytes:
    """The table as UTF-8 CSV (RFC 4180) with a header row and no comment lines, so that
    every CSV reader opens it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for figure in table.figures:
        writer.writerow(figure_row(figure))
    return out.getvalue().encode("utf-8")
