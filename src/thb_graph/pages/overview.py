"""What the graph holds, for the home page and the class pages: counts per class, sources,
dated things, the largest breakdowns, members of a class, and the named example queries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.iris import Iris
from thb_graph.kg.queries import Example, load_examples
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, QB, RDF, RDFS, SKOS, THB
from thb_graph.pages import figures
from thb_graph.pages.display import date_sort_key, format_date
from thb_graph.pages.entity import Breakdown, Figure, Namer, Term, Triple
from thb_graph.pages.labels import LabelIndex, fold

TIMELINE_LIMIT = 500


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@dataclass
class ClassCount:
    """A class and how many things are stated to be of it."""

    cls: Term
    count: int


def class_counts(store: Store, iris: Iris, namer: Namer) -> list[ClassCount]:
    """Asserted classes of the data (not the ontology, not inference), largest first."""
    query = (
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s "
        f"{bindings.term(RDF.type)} ?c }} FILTER(?g != {bindings.iri_term(iris.inferred_graph)}"
        f" && ?g != {bindings.iri_term(iris.ontology_graph)} && isIRI(?c)) }} GROUP BY ?c"
    )
    rows = _iri_counts(store, query)
    return [ClassCount(c, n) for c, n in _named_largest_first(store, namer, rows)]


@dataclass
class SourceUse:
    """A source document and how many things cite it."""

    source: Term
    citing: int


def sources(store: Store, namer: Namer) -> list[SourceUse]:
    """Every source document with the number of things citing it (``dct:source``)."""
    query = (
        f"SELECT ?src (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x {bindings.term(DCTERMS.source)} "
        "?src . FILTER(isIRI(?src)) } GROUP BY ?src"
    )
    rows = _iri_counts(store, query)
    declared = store.query(
        f"SELECT DISTINCT ?src WHERE {{ ?src {bindings.term(RDF.type)} "
        f"{bindings.term(THB.SourceDocument)} }}"
    )
    seen = {s for s, _ in rows}
    rows.extend((s, 0) for (s,) in declared.rows if isinstance(s, URIRef) and s not in seen)
    return [SourceUse(s, n) for s, n in _named_largest_first(store, namer, rows)]


def _iri_counts(store: Store, query: str) -> list[tuple[URIRef, int]]:
    """The (IRI, count) rows of a two-column counting query; rows keyed otherwise dropped."""
    return [(k, _int(n)) for k, n in store.query(query).rows if isinstance(k, URIRef)]


def _named_largest_first(
    store: Store, namer: Namer, rows: list[tuple[URIRef, int]]
) -> list[tuple[Term, int]]:
    """The rows with their IRIs named, largest count first, then by name."""
    namer.want(k for k, _ in rows)
    namer.resolve(store)
    named = [(namer.term(k), n) for k, n in rows]
    named.sort(key=lambda row: (-row[1], row[0].text))
    return named


@dataclass
class Dated:
    """A thing with a date (``thb:date``), for the home timeline."""

    date: str
    date_text: str
    thing: Term
    kind: Term | None


def dated_things(store: Store, iris: Iris, namer: Namer) -> list[Dated]:
    """Everything with a ``thb:date``, in time order, with its asserted class."""
    query = (
        f"SELECT DISTINCT ?x ?d WHERE {{ ?x {bindings.term(THB.date)} ?d . "
        f"FILTER(isIRI(?x) && isLiteral(?d)) }} LIMIT {TIMELINE_LIMIT}"
    )
    rows = [(x, d) for x, d in store.query(query).rows if isinstance(d, Literal)]
    kinds: dict[str, URIRef] = {}
    if rows:
        type_query = (
            "SELECT ?x ?t WHERE { "
            + bindings.values("x", sorted({x for x, _ in rows if isinstance(x, URIRef)}))
            + f" GRAPH ?g {{ ?x {bindings.term(RDF.type)} ?t }} "
            f"FILTER(?g != {bindings.iri_term(iris.inferred_graph)}) }}"
        )
        for x, t in store.query(type_query).rows:
            if isinstance(t, URIRef):
                kinds.setdefault(str(x), t)
    namer.want(x for x, _ in rows)
    namer.want(kinds.values())
    namer.resolve(store)
    out = [
        Dated(
            date=date_sort_key(str(d)),
            date_text=format_date(str(d), namer.lang),
            thing=namer.term(x),  # type: ignore[arg-type]
            kind=namer.term(kinds[str(x)]) if str(x) in kinds else None,
        )
        for x, d in rows
    ]
    out.sort(key=lambda e: (e.date, e.thing.text))
    return out


def largest_breakdowns(store: Store, namer: Namer, limit: int = 2) -> list[Breakdown]:
    """The totals with the most parts, each as a breakdown (headline charts)."""
    query = (
        f"SELECT ?total (COUNT(DISTINCT ?part) AS ?n) WHERE {{ ?part {bindings.term(THB.partOf)} "
        f"?total . FILTER(isIRI(?total)) }} GROUP BY ?total ORDER BY DESC(?n) ?total LIMIT {limit}"
    )
    out = []
    for total, _ in store.query(query).rows:
        if isinstance(total, URIRef):
            found = breakdown_of(store, namer, str(total))
            if found is not None:
                out.append(found)
    return out


def breakdown_of(store: Store, namer: Namer, total: str) -> Breakdown | None:
    """The breakdown of the total figure ``total`` (None when it has no parts)."""
    result = store.query(f"SELECT ?p ?o WHERE {{ {bindings.iri_term(total)} ?p ?o }}")
    own = figures.own_props((p, o) for p, o in result.rows if isinstance(p, URIRef))  # type: ignore[misc]
    parts = figures.fetch_parts(store, total)
    datasets = {str(d) for props in (own, *parts.values()) for d in props.get(QB.dataSet, [])}
    units = figures.fetch_units(store, datasets)
    figures.want_names(namer, {total: own, **parts}, units)
    namer.resolve(store)
    triples: list[Triple] = []
    figure = figures.build_figure(total, own, namer, units, triples, is_self=True)
    return figures.build_breakdown(figure, own, parts, namer, units, triples)


def class_members(store: Store, cls: str) -> list[str]:
    """IRIs of every member of ``cls`` (asserted or inferred)."""
    query = (
        f"SELECT DISTINCT ?s WHERE {{ ?s {bindings.term(RDF.type)} {bindings.iri_term(cls)} . "
        "FILTER(isIRI(?s)) }"
    )
    return [str(s) for (s,) in store.query(query).rows if s is not None]


def sort_by_label(members: list[str], index: LabelIndex, lang: str) -> list[str]:
    """Members sorted by their label in ``lang`` (accents and case ignored)."""
    return sorted(members, key=lambda m: (fold(index.label(m, lang).text), m))


@dataclass(frozen=True)
class ExampleQuery:
    """A named query from ``queries/*.rq``: its title, description and text."""

    name: str
    title: str
    description: str
    text: str
    title_lang: str = "en"


def example_queries(folder: Path, lang: str = "en") -> list[ExampleQuery]:
    """The named queries of ``folder`` in ``lang`` where they are given in it, read as the
    query editor reads them (:func:`~thb_graph.kg.queries.load_examples`); one without a
    ``# title:`` line is called after its file name, with spaces for dashes and
    underscores."""
    shown = [example.in_language(lang) for example in load_examples(folder)]
    return [
        ExampleQuery(e.name, _title(e), e.description, e.query, e.title_language(lang))
        for e in shown
    ]


def _title(example: Example) -> str:
    if example.title != example.name:  # load_examples falls back to the bare file name
        return example.title
    return example.name.replace("-", " ").replace("_", " ")


def asserted_types(
    store: Store, iris: Iris, things: list[str], namer: Namer
) -> dict[str, list[Term]]:
    """The classes each thing is stated to have (inferred ones left out)."""
    if not things:
        return {}
    query = (
        "SELECT ?x ?t WHERE { "
        + bindings.values("x", things)
        + f" GRAPH ?g {{ ?x {bindings.term(RDF.type)} ?t }} "
        f"FILTER(isIRI(?t) && ?g != {bindings.iri_term(iris.inferred_graph)}) }}"
    )
    found: dict[str, list[URIRef]] = {}
    for x, t in store.query(query).rows:
        if isinstance(t, URIRef) and t not in found.setdefault(str(x), []):
            found[str(x)].append(t)
    namer.want(t for ts in found.values() for t in ts)
    namer.resolve(store)
    return {x: [namer.term(t) for t in ts] for x, ts in found.items()}


def definition(store: Store, iri: str, lang: str) -> Term | None:
    """The definition of a term (``skos:definition``, else ``rdfs:comment``) in ``lang``,
    else in English, else None."""
    query = (
        f"SELECT ?p ?d WHERE {{ {bindings.iri_term(iri)} ?p ?d . FILTER(isLiteral(?d) && "
        f"{bindings.one_of('p', (SKOS.definition, RDFS.comment))}) }}"
    )
    found = [(p, d) for p, d in store.query(query).rows if isinstance(d, Literal)]
    for wanted in (lang, "en", None):
        for predicate in (SKOS.definition, RDFS.comment):
            for p, d in found:
                if p == predicate and (d.language == wanted or wanted is None):
                    return Term(d, str(d), d.language)
    return None


def key_figures(store: Store, namer: Namer, limit: int = 8) -> list[Figure]:
    """The latest top-level figure of each dataset (not a part of a total, not derived),
    datasets with the most figures first."""
    query = (
        f"SELECT ?obs ?ds ?y WHERE {{ ?obs {bindings.term(QB.dataSet)} ?ds . "
        f"?obs {bindings.term(RDF.type)} {bindings.term(QB.Observation)} . "
        f"OPTIONAL {{ ?obs {bindings.term(THB.refPeriod)}/{bindings.term(THB.year)} ?y }} "
        f"FILTER NOT EXISTS {{ ?obs {bindings.term(THB.partOf)} ?total }} "
        f"FILTER NOT EXISTS {{ ?obs {bindings.term(THB.isDerived)} true }} }}"
    )
    by_dataset: dict[str, list[tuple[str, str]]] = {}
    for obs, ds, year in store.query(query).rows:
        if isinstance(obs, URIRef) and isinstance(ds, URIRef):
            by_dataset.setdefault(str(ds), []).append((str(year or ""), str(obs)))
    ranked = sorted(by_dataset.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    chosen = [max(rows)[1] for _, rows in ranked]
    props = figures.fetch_figure_props(store, chosen)
    units = figures.fetch_units(store, {ds for ds, _ in ranked})
    figures.want_names(namer, props, units)
    namer.resolve(store)
    triples: list[Triple] = []
    return [
        figures.build_figure(obs, props[obs], namer, units, triples)
        for obs in chosen
        if obs in props
    ]
