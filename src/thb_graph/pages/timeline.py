"""The timeline of an entity: the dates of the entity and of the things one link away."""

from __future__ import annotations

from rdflib import Literal, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.pages.display import date_sort_key, format_date
from thb_graph.pages.entity import Namer, TimelineEntry, Triple
from thb_graph.pages.profiles import DATE_VALUES

MAX_TIMELINE = 200


def timeline_rows(store: Store, iri: str) -> list[tuple[URIRef, URIRef, Literal]]:
    """Dated things one link away from the entity."""
    me = bindings.iri_term(iri)
    dated = f"?x ?dp ?d . FILTER(isLiteral(?d) && {bindings.one_of('dp', DATE_VALUES)})"
    query = (
        "SELECT DISTINCT ?x ?dp ?d WHERE { "
        f"{{ {me} ?l ?x . {dated} }} UNION {{ ?x ?l {me} . {dated} }} "
        f"}} LIMIT {MAX_TIMELINE}"
    )
    return [
        (x, dp, d)  # type: ignore[misc]
        for x, dp, d in store.query(query).rows
        if isinstance(x, URIRef) and isinstance(d, Literal)
    ]


def build_timeline(
    rows: list[tuple[URIRef, URIRef, Literal]],
    namer: Namer,
    subject: URIRef,
    triples: list[Triple],
) -> list[TimelineEntry]:
    entries = []
    seen: set[tuple[str, str]] = set()
    for x, dp, d in rows:
        key = (str(x), date_sort_key(str(d)))
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            TimelineEntry(
                date=date_sort_key(str(d)),
                date_text=format_date(str(d), namer.lang),
                subject=namer.term(x),
                predicate=namer.term(dp),
                is_self=x == subject,
            )
        )
        triples.append((x, dp, d))
    entries.sort(key=lambda e: (e.date, not e.is_self, e.subject.text))
    return entries
