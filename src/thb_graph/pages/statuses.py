"""The statuses stated about an entity (``thb:StatusStatement`` with ``thb:subject`` or
``thb:about`` the entity): "under consideration", "planned", "not appointed"..., each with
the date it held as of, the reading the graph made of the source, and the source, so that a
page never shows a status without its date."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, THB
from thb_graph.pages.display import format_date
from thb_graph.pages.entity import Namer, Term

MAX_STATUSES = 50


@dataclass
class StatusNote:
    """One status statement as a page shows it."""

    statement: Term
    status: Term | None
    as_of: str
    as_of_text: str
    interpretation: str = ""
    sources: list[Term] = field(default_factory=list)


def statuses_of(store: Store, iri: str, namer: Namer) -> list[StatusNote]:
    """The status statements whose subject is ``iri``, latest first."""
    me = bindings.iri_term(iri)
    query = (
        "SELECT ?st ?status ?asOf ?reading ?src WHERE { "
        f"?st a {bindings.term(THB.StatusStatement)} ; {bindings.term(THB.subject)} {me} . "
        f"OPTIONAL {{ ?st {bindings.term(THB.status)} ?status }} "
        # as of a date, or of a time whose stated year or date the page shows
        f"OPTIONAL {{ ?st {bindings.term(THB.asOf)} ?when . "
        f"OPTIONAL {{ ?when {bindings.term(THB.year)} ?whenYear }} "
        f"OPTIONAL {{ ?when {bindings.term(THB.date)} ?whenDate }} "
        "BIND (COALESCE(?whenYear, ?whenDate, ?when) AS ?asOf) } "
        f"OPTIONAL {{ ?st {bindings.term(THB.interpretation)} ?reading }} "
        f"OPTIONAL {{ ?st {bindings.term(DCTERMS.source)} ?src }} "
        f"}} LIMIT {MAX_STATUSES * 4}"
    )
    rows = store.query(query).rows
    for row in rows:
        namer.want(row)
    namer.resolve(store)
    notes: dict[str, StatusNote] = {}
    for st, status, as_of, reading, src in rows:
        if not isinstance(st, URIRef):
            continue
        note = notes.get(str(st))
        if note is None:
            date = str(as_of) if isinstance(as_of, Literal) else ""
            note = StatusNote(
                statement=namer.term(st),
                status=namer.term(status) if isinstance(status, URIRef) else None,
                as_of=date,
                as_of_text=format_date(date, namer.lang) if date else "",
            )
            notes[str(st)] = note
        if isinstance(reading, Literal) and not note.interpretation:
            note.interpretation = str(reading)
        if isinstance(src, URIRef) and all(s.iri != str(src) for s in note.sources):
            note.sources.append(namer.term(src))
    return sorted(notes.values(), key=lambda n: n.as_of, reverse=True)[:MAX_STATUSES]
