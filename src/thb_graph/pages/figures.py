"""Figures (``qb:Observation``) around an entity, each with its citation, and the breakdown
of a total into its parts (``thb:partOf``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, PROV, QB, THB
from thb_graph.pages.display import format_number, to_decimal
from thb_graph.pages.entity import Breakdown, BreakdownRow, Figure, Namer, Triple
from thb_graph.pages.profiles import DIMENSIONS, MEASURES

#: What a figure's citation reads from an observation.
FIGURE_PREDICATES = (
    *MEASURES, THB.currency, *DIMENSIONS, THB.year, DCTERMS.source, PROV.wasAttributedTo,
    THB.evidence, THB.interpretation, THB.approximate, THB.isDerived, THB.derivedFrom,
    QB.dataSet, THB.partOf,
)  # fmt: skip
MAX_FIGURE_ROWS = 5000

Props = dict[URIRef, list[Node]]


def _rows_by_subject(rows: list[tuple[Node | None, ...]]) -> dict[str, Props]:
    found: dict[str, Props] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in rows:
        ok = isinstance(subject, URIRef) and isinstance(predicate, URIRef) and obj is not None
        if ok and obj not in found[str(subject)][predicate]:  # type: ignore[index]
            found[str(subject)][predicate].append(obj)  # type: ignore[index,arg-type]
    return found


def fetch_linked_figures(store: Store, iri: str) -> dict[str, Props]:
    """The observations that link to or from ``iri`` (parts of a total excepted), with the
    statements a citation needs."""
    me = bindings.iri_term(iri)
    observation = bindings.term(QB.Observation)
    query = (
        "SELECT DISTINCT ?obs WHERE { "
        f"{{ {me} ?l ?obs . ?obs a {observation} . }} UNION "
        f"{{ ?obs ?l {me} . ?obs a {observation} . FILTER(?l != {bindings.term(THB.partOf)}) }} "
        f"}} LIMIT {MAX_FIGURE_ROWS}"
    )
    found = [str(o) for (o,) in store.query(query).rows if isinstance(o, URIRef)]
    return fetch_figure_props(store, found)


def fetch_figure_props(store: Store, observations: list[str]) -> dict[str, Props]:
    """The statements a citation needs of each observation, in batches (VALUES + IN filter,
    which both engines run by looking up each subject)."""
    found: dict[str, Props] = {}
    for start in range(0, len(observations), 200):
        batch = observations[start : start + 200]
        query = (
            "SELECT ?obs ?p ?o WHERE { "
            + bindings.values("obs", batch)
            + f" ?obs ?p ?o . FILTER({bindings.one_of('p', FIGURE_PREDICATES)}) }}"
        )
        found.update(_rows_by_subject(store.query(query).rows))
    return found


def own_props(statements: Iterable[tuple[URIRef, Node]]) -> Props:
    """The statements of an observation a citation needs, from its outgoing statements."""
    props: Props = defaultdict(list)
    for predicate, obj in statements:
        if predicate in FIGURE_PREDICATES and obj not in props[predicate]:
            props[predicate].append(obj)
    return props


def fetch_parts(store: Store, iri: str) -> dict[str, Props]:
    """The parts of the total figure ``iri`` with their statements."""
    query = (
        f"SELECT DISTINCT ?part WHERE {{ ?part {bindings.term(THB.partOf)} "
        f"{bindings.iri_term(iri)} . FILTER(isIRI(?part)) }} LIMIT {MAX_FIGURE_ROWS}"
    )
    parts = [str(p) for (p,) in store.query(query).rows if isinstance(p, URIRef)]
    return fetch_figure_props(store, parts)


def fetch_units(store: Store, datasets: set[str]) -> dict[str, Node]:
    """The statistical unit of each dataset (victims, cases, euros...)."""
    if not datasets:
        return {}
    query = (
        "SELECT ?ds ?u WHERE { "
        + bindings.values("ds", sorted(datasets))
        + f" ?ds {bindings.term(THB.statisticalUnit)} ?u }}"
    )
    return {str(ds): u for ds, u in store.query(query).rows if u is not None}


def want_names(namer: Namer, figures: dict[str, Props], units: dict[str, Node]) -> None:
    """Register every IRI the figures mention."""
    namer.want(URIRef(i) for i in figures)
    for props in figures.values():
        namer.want(props)
        for objs in props.values():
            namer.want(objs)
    namer.want(units.values())


def _true(values: list[Node]) -> bool:
    return any(isinstance(v, Literal) and str(v).strip() in ("true", "1") for v in values)


def figure_value(props: Props, namer: Namer) -> tuple[str, Decimal | None]:
    """The readable number of a figure and the number a chart draws."""
    lang = namer.lang

    def first(p: URIRef) -> Decimal | None:
        for v in props.get(p, []):
            if isinstance(v, Literal) and (n := to_decimal(v)) is not None:
                return n
        return None

    low, high = first(THB.countMin), first(THB.countMax)
    if (count := first(THB["count"])) is not None:
        return format_number(count, lang), count
    if low is not None and high is not None:
        return f"{format_number(low, lang)}\u2013{format_number(high, lang)}", high
    if (amount := first(THB.amount)) is not None:
        currency = props.get(THB.currency, [])
        code = namer.unit(currency[0]) if currency else ""
        return f"{format_number(amount, lang)} {code}".strip(), amount
    if (share := first(THB.percentage)) is not None:
        return f"{format_number(share, lang)}\u00a0%", share
    bound = low if low is not None else high
    if bound is not None:
        sign = "\u2265" if low is not None else "\u2264"
        return f"{sign} {format_number(bound, lang)}", bound
    return "", None


def build_figure(
    iri: str,
    props: Props,
    namer: Namer,
    units: dict[str, Node],
    triples: list[Triple],
    *,
    is_self: bool = False,
) -> Figure:
    """A Figure from an observation's statements; the statements used go into ``triples``."""
    subject = URIRef(iri)
    value, number = figure_value(props, namer)
    datasets = [str(d) for d in props.get(QB.dataSet, [])]
    unit = next((units[d] for d in datasets if d in units), None)
    figure = Figure(iri=iri, label=namer.term(subject), value=value, number=number)
    says_its_unit = (
        not props.get(THB["count"]) and not props.get(THB.countMin) and not props.get(THB.countMax)
    )  # an amount carries its currency, a percentage its sign
    figure.unit = namer.term(unit) if unit is not None and not says_its_unit else None
    figure.period = [namer.term(v) for v in props.get(THB.refPeriod) or props.get(THB.year, [])]
    figure.place = [namer.term(v) for v in props.get(THB.refArea, [])]
    figure.dimensions = [
        (namer.term(p), namer.term(v))
        for p in DIMENSIONS
        if p not in (THB.refArea, THB.refPeriod)
        for v in props.get(p, [])
    ]
    figure.sources = [namer.term(v) for v in props.get(DCTERMS.source, [])]
    figure.attributed_to = [namer.term(v) for v in props.get(PROV.wasAttributedTo, [])]
    quotes = [v for v in props.get(THB.evidence, []) if isinstance(v, Literal)]
    quotes.sort(key=lambda q: (q.language or "") != namer.lang)
    figure.evidence = str(quotes[0]) if quotes else ""
    figure.approximate = _true(props.get(THB.approximate, []))
    figure.derived = _true(props.get(THB.isDerived, [])) or bool(props.get(THB.derivedFrom))
    figure.is_self = is_self
    readings = [v for v in props.get(THB.interpretation, []) if isinstance(v, Literal)]
    readings.sort(key=lambda q: (q.language or "") != namer.lang)
    figure.interpretation = str(readings[0]) if readings else ""
    has_count = bool(props.get(THB["count"]))
    low, high = bool(props.get(THB.countMin)), bool(props.get(THB.countMax))
    figure.is_range = not has_count and low and high
    figure.is_bound = not has_count and low != high
    for predicate, objs in props.items():
        if predicate != THB.partOf or is_self:
            triples.extend((subject, predicate, o) for o in objs)
    return figure


def _dimension(total: Props, parts: dict[str, Props]) -> URIRef | None:
    """The dimension the parts differ on (preferring one the total lacks)."""
    best: tuple[int, URIRef] | None = None
    for rank, p in enumerate(DIMENSIONS):
        values = [tuple(props.get(p, [])) for props in parts.values()]
        if not all(values) or len(set(values)) < min(2, len(values)):
            continue
        key = (0 if not total.get(p) else 1) * 100 + rank
        if best is None or key < best[0]:
            best = (key, p)
    return best[1] if best else None


def build_breakdown(
    total: Figure,
    total_props: Props,
    parts: dict[str, Props],
    namer: Namer,
    units: dict[str, Node],
    triples: list[Triple],
) -> Breakdown | None:
    """The parts of ``total`` as chart rows, largest first; None without parts."""
    if not parts:
        return None
    dimension = _dimension(total_props, parts)
    rows = []
    for part_iri, props in parts.items():
        figure = build_figure(part_iri, props, namer, units, triples)
        triples.append((URIRef(part_iri), THB.partOf, URIRef(total.iri)))
        if figure.number is None:
            continue
        values = props.get(dimension, []) if dimension is not None else []
        category = namer.term(values[0]) if values else figure.label
        rows.append(BreakdownRow(category, figure.number, figure.value, figure))
    rows.sort(key=lambda r: (-r.number, r.category.text))
    if total.number:
        for row in rows:
            share = (row.number * 100 / total.number).quantize(Decimal("0.1"))
            row.share = f"{format_number(share, namer.lang)}\u00a0%"
    parts_sum = sum((r.number for r in rows), Decimal(0))
    return Breakdown(
        total=total,
        dimension=namer.term(dimension) if dimension is not None else None,
        rows=rows,
        parts_sum=parts_sum,
        parts_sum_text=format_number(parts_sum, namer.lang),
    )


def is_observation(types: set[URIRef]) -> bool:
    """True when the classes include qb:Observation."""
    return QB.Observation in types
