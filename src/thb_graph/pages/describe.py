"""Describe one entity: the data behind its page and its RDF twin.

:func:`describe` reads the entity's outgoing statements (with the named graph each comes
from, so that statements found only in the inferred graph are marked inferred), one page of
incoming links with their total, the type-aware summary of its profile, the figures around
it with their citations, the breakdown of a total, and a timeline of dated things it relates
to. Every term from the request goes into SPARQL through :mod:`thb_graph.kg.bindings`.
"""

from __future__ import annotations

import math
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from thb_graph.errors import NotFoundError
from thb_graph.kg import bindings
from thb_graph.kg.iris import Iris, is_absolute_iri
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, OWL, QB, RDF, RDFS, SKOS, THB
from thb_graph.pages import figures
from thb_graph.pages.display import format_date, format_frequency
from thb_graph.pages.entity import (
    Change,
    Description,
    Highlight,
    Incoming,
    Namer,
    PropertyGroup,
    Section,
    Term,
    Triple,
)
from thb_graph.pages.history import entity_history, history_statements
from thb_graph.pages.profiles import (
    DATE_VALUES,
    PREDICATE_NAMES,
    SECTION_KEYS,
    Profile,
    fact_rank,
    profile_for,
    section_of,
)
from thb_graph.pages.timeline import build_timeline, timeline_rows

#: Texts shown under the title of a page.
HEADER_TEXT = (DCTERMS.description, SKOS.definition, RDFS.comment, THB.claimText)
#: Inferred statements too obvious to show (they stay in the store).
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
MAX_OUTGOING = 5000
MAX_PROFILE_LINKS = 500
#: Writes listed in the history section of a page, newest first.
MAX_HISTORY = 50


def _trivial(s: Node, p: Node, o: Node) -> bool:
    return (p == OWL.sameAs and o == s) or (p == RDF.type and o in _TRIVIAL_TYPES)


def _outgoing(
    store: Store, iri: str, inferred_graph: str
) -> tuple[dict[tuple[URIRef, Node], bool], dict[tuple[URIRef, BNode], list[tuple[URIRef, Node]]]]:
    """(predicate, object) -> inferred?, and the statements of blank-node objects."""
    me = bindings.iri_term(iri)
    graphs: dict[tuple[URIRef, Node], set[str]] = defaultdict(set)
    result = store.query(
        f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {me} ?p ?o }} }} LIMIT {MAX_OUTGOING}"
    )
    for p, o, g in result.rows:
        if isinstance(p, URIRef) and o is not None and not isinstance(o, BNode):
            graphs[(p, o)].add(str(g))
    nested: dict[tuple[URIRef, BNode], list[tuple[URIRef, Node]]] = defaultdict(list)
    result = store.query(
        f"SELECT ?p ?b ?q ?v WHERE {{ {me} ?p ?b . FILTER(isBlank(?b)) ?b ?q ?v }} "
        f"LIMIT {MAX_OUTGOING}"
    )
    for p, b, q, v in result.rows:
        ok = isinstance(p, URIRef) and isinstance(b, BNode) and isinstance(q, URIRef)
        if ok and v is not None and (q, v) not in nested[(p, b)]:  # type: ignore[index]
            nested[(p, b)].append((q, v))  # type: ignore[index,arg-type]
    subject = URIRef(iri)
    statements = {
        key: graph_set == {inferred_graph}
        for key, graph_set in graphs.items()
        if not _trivial(subject, *key)
    }
    return statements, dict(nested)


def _classes(store: Store, iri: str) -> set[URIRef]:
    """The entity's classes and all their superclasses."""
    query = (
        f"SELECT DISTINCT ?c WHERE {{ {bindings.iri_term(iri)} "
        f"{bindings.term(RDF.type)}/{bindings.term(RDFS.subClassOf)}* ?c }}"
    )
    return {c for (c,) in store.query(query).rows if isinstance(c, URIRef)}


def _incoming(
    store: Store, iri: str, iris: Iris, page: int, page_size: int
) -> tuple[int, list[tuple[URIRef, URIRef, bool]]]:
    """The number of (subject, predicate) pairs pointing at ``iri`` and one page of them.

    The history graph is left out: its activities and quoted statements point at every
    entity a write touched, and the page shows them in their own section.
    """
    me = bindings.iri_term(iri)
    kept = f"FILTER(isIRI(?s) && ?g != {bindings.iri_term(iris.history_graph)})"
    count = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p WHERE "
        f"{{ GRAPH ?g {{ ?s ?p {me} }} {kept} }} }}"
    )
    first = count.rows[0][0] if count.rows else None
    total = int(str(first)) if first is not None else 0
    if total == 0:
        return 0, []
    offset = (page - 1) * page_size
    result = store.query(
        "SELECT ?s ?p (MIN(IF(?g = "
        f"{bindings.iri_term(iris.inferred_graph)}, 1, 0)) AS ?inf) WHERE {{ GRAPH ?g "
        f"{{ ?s ?p {me} }} {kept} }} GROUP BY ?s ?p ORDER BY ?p ?s "
        f"LIMIT {page_size} OFFSET {offset}"
    )
    rows = []
    for s, p, inf in result.rows:
        if isinstance(s, URIRef) and isinstance(p, URIRef):
            rows.append((s, p, str(inf) == "1"))
    return total, rows


def _orders(store: Store, nodes: list[Node]) -> dict[str, int]:
    """The ``thb:order`` of listed items (tasks, strategies) among ``nodes``."""
    listed = sorted({str(n) for n in nodes if isinstance(n, URIRef)})
    if not listed:
        return {}
    query = (
        "SELECT ?x ?o WHERE { "
        + bindings.values("x", listed)
        + f" ?x {bindings.term(THB.order)} ?o . FILTER(isLiteral(?o)) }}"
    )
    found = {}
    for x, o in store.query(query).rows:
        text = str(o)
        if text.lstrip("-").isdigit():
            found[str(x)] = int(text)
    return found


def _profile_incoming(store: Store, iri: str, profile: Profile) -> list[tuple[URIRef, URIRef]]:
    predicates = profile.incoming_predicates()
    if not predicates:
        return []
    query = (
        "SELECT DISTINCT ?s ?p WHERE { "
        + bindings.values("p", predicates)
        + f" ?s ?p {bindings.iri_term(iri)} . FILTER(isIRI(?s)) }} LIMIT {MAX_PROFILE_LINKS}"
    )
    return [(s, p) for s, p in store.query(query).rows if isinstance(s, URIRef)]  # type: ignore[misc]


def _predicate_term(namer: Namer, predicate: URIRef) -> Term:
    return namer.term(predicate)


def _group_sections(
    subject: URIRef,
    statements: dict[tuple[URIRef, Node], bool],
    nested: dict[tuple[URIRef, BNode], list[tuple[URIRef, Node]]],
    namer: Namer,
    triples: list[Triple],
) -> list[Section]:
    by_predicate: dict[URIRef, list[Term]] = defaultdict(list)
    for (p, o), inferred in statements.items():
        if p == RDF.type:
            continue
        by_predicate[p].append(namer.term(o, inferred=inferred))
        triples.append((subject, p, o))
    for (p, b), pairs in nested.items():
        value = namer.term(b)
        inner: dict[URIRef, list[Term]] = defaultdict(list)
        for q, v in pairs:
            inner[q].append(namer.term(v))
            triples.append((b, q, v))
        value.nested = [PropertyGroup(namer.term(q), vs) for q, vs in inner.items()]
        by_predicate[p].append(value)
        triples.append((subject, p, b))
    sections: dict[str, list[PropertyGroup]] = {key: [] for key in SECTION_KEYS}
    for p, values in by_predicate.items():
        values.sort(key=lambda t: (t.inferred, t.lang not in (namer.lang, None), t.text))
        sections[section_of(p)].append(PropertyGroup(_predicate_term(namer, p), values))
    for key, groups in sections.items():
        if key == "facts":
            groups.sort(key=lambda g: (fact_rank(URIRef(g.predicate.iri)), g.predicate.text))
        else:
            groups.sort(key=lambda g: g.predicate.text)
    return [Section(key, groups) for key, groups in sections.items() if groups]


def _highlights(
    profile: Profile,
    statements: dict[tuple[URIRef, Node], bool],
    incoming: list[tuple[URIRef, URIRef]],
    namer: Namer,
    subject: URIRef,
    triples: list[Triple],
    orders: dict[str, int],
) -> list[Highlight]:
    shown: set[Node] = set()
    out = []
    currency = [o for (p, o) in statements if p == THB.currency]
    for row in profile.rows:
        values: list[Term] = []
        for predicate, direction in row.links:
            if direction == "out":
                found = [(o, inf) for (p, o), inf in statements.items() if p == predicate]
            else:
                found = [(s, False) for s, p in incoming if p == predicate]
            for node, inferred in found:
                if node in shown or node == subject:
                    continue
                shown.add(node)
                term = namer.term(node, inferred=inferred)
                if predicate == THB.amount and currency:
                    term.text = f"{term.text} {namer.unit(currency[0])}"
                if predicate == THB.frequency and isinstance(node, Literal):
                    term.text = format_frequency(str(node), namer.lang)
                values.append(term)
                pair = (
                    (subject, predicate, node) if direction == "out" else (node, predicate, subject)
                )
                triples.append(pair)
        if values:
            values.sort(key=lambda t: (t.inferred, orders.get(t.iri, 1 << 30), t.text))
            out.append(Highlight(row.key, values))
    return out


def _history(store: Store, iris: Iris, iri: str, lang: str, triples: list[Triple]) -> list[Change]:
    """The writes that touched ``iri``, newest first, their PROV statements added to ``triples``."""
    entries = entity_history(store, iris, iri, limit=MAX_HISTORY)
    triples.extend(history_statements(iri, entries))
    return [
        Change(
            activity=e.activity,
            operation=e.operation,
            agent_name=e.agent_name,
            started=e.started,
            date_text=f"{format_date(e.started[:10], lang)} {e.started[11:16]} UTC",
            added=e.added,
            removed=e.removed,
        )
        for e in entries
    ]


def describe(
    store: Store,
    iris: Iris,
    iri: str,
    *,
    lang: str,
    page: int = 1,
    page_size: int = 50,
    fallback: str = "en",
) -> Description:
    """Everything the page of ``iri`` shows; NotFoundError when the graph does not mention it."""
    if not is_absolute_iri(iri):
        raise NotFoundError(f"no such entity: {iri[:200]}")
    subject = URIRef(iri)
    inferred_graph = iris.inferred_graph
    statements, nested = _outgoing(store, iri, inferred_graph)
    page = max(1, page)
    total, incoming_rows = _incoming(store, iri, iris, page, page_size)
    if not statements and not nested and total == 0:
        raise NotFoundError(f"no such entity: {iri[:200]}")
    classes = _classes(store, iri)
    profile = profile_for(classes)
    profile_links = _profile_incoming(store, iri, profile) if profile else []
    figure_props = figures.fetch_linked_figures(store, iri)
    parts = figures.fetch_parts(store, iri) if QB.Observation in classes else {}
    datasets = {
        str(d)
        for props in (*figure_props.values(), *parts.values())
        for d in props.get(QB.dataSet, [])
    }
    units = figures.fetch_units(store, datasets)
    dated = timeline_rows(store, iri)
    dated.extend(
        (subject, p, o) for (p, o) in statements if p in DATE_VALUES and isinstance(o, Literal)
    )

    namer = Namer(iris, lang, fallback)
    namer.fixed = PREDICATE_NAMES
    namer.want([subject])
    for p, o in statements:
        namer.want([p, o])
    for (p, _), pairs in nested.items():
        namer.want([p])
        for q, v in pairs:
            namer.want([q, v])
    namer.want(s for s, _, _ in incoming_rows)
    namer.want(p for _, p, _ in incoming_rows)
    namer.want(s for s, _ in profile_links)
    figures.want_names(namer, {**figure_props, **parts}, units)
    namer.want(x for x, _, _ in dated)
    namer.want(dp for _, dp, _ in dated)
    namer.resolve(store)

    desc = Description(iri=iri, label=namer.label(iri), lang=lang)
    triples = desc.triples
    types = [(o, inf) for (p, o), inf in statements.items() if p == RDF.type]
    seen_names: set[str] = set()
    for term in sorted(
        (namer.term(o, inferred=inf) for o, inf in types), key=lambda t: (t.inferred, t.text)
    ):
        if term.text.casefold() not in seen_names:
            seen_names.add(term.text.casefold())
            desc.types.append(term)
    triples.extend((subject, RDF.type, o) for o, _ in types)
    texts = [o for (p, o) in statements if p in HEADER_TEXT and isinstance(o, Literal)]
    for wanted in dict.fromkeys((lang, fallback)):
        chosen = [o for o in texts if (o.language or wanted) == wanted]
        if chosen:
            desc.definitions = [namer.term(o) for o in chosen]
            break
    desc.sections = _group_sections(subject, statements, nested, namer, triples)
    groups: dict[URIRef, list[Term]] = defaultdict(list)
    for s, p, inferred in incoming_rows:
        groups[p].append(namer.term(s, inferred=inferred))
        triples.append((s, p, subject))
    desc.incoming = Incoming(
        total=total,
        page=page,
        pages=max(1, math.ceil(total / page_size)),
        page_size=page_size,
        groups=[PropertyGroup(namer.term(p), vs, incoming=True) for p, vs in groups.items()],
    )
    if profile:
        desc.profile = profile.key
        linked = [o for (_, o) in statements] + [s for s, _ in profile_links]
        desc.highlights = _highlights(
            profile, statements, profile_links, namer, subject, triples, _orders(store, linked)
        )
    figure_props.pop(iri, None)
    for part in parts:
        figure_props.pop(part, None)
    if QB.Observation in classes:
        own = figures.own_props(statements)
        desc.profile = desc.profile or "observation"
        total_figure = figures.build_figure(iri, own, namer, units, triples, is_self=True)
        desc.figures.append(total_figure)
        desc.breakdown = figures.build_breakdown(total_figure, own, parts, namer, units, triples)
    others = [
        figures.build_figure(o, props, namer, units, triples) for o, props in figure_props.items()
    ]
    others.sort(key=lambda f: ([t.text for t in f.period], f.label.text))
    desc.figures.extend(others)
    desc.timeline = build_timeline(dated, namer, subject, triples)
    desc.history = _history(store, iris, iri, lang, triples)
    desc.names = {i: namer.names.get(i, []) for i in namer.names}
    return desc


def description_graph(desc: Description, prefixes: dict[str, str] | None = None) -> Graph:
    """The RDF twin of a page: every statement it shows and the names of what it mentions."""
    graph = Graph()
    for prefix, namespace in (prefixes or {}).items():
        graph.bind(prefix, namespace, replace=True)
    for triple in desc.shown_triples():
        graph.add(triple)
    return graph
