"""What is known of a source document, for its page: title, publisher, date and address,
each either as the data give it or as unknown. A reader tracing a quote sees at once what
the graph cannot tell, instead of an absent row that may be missed."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, FOAF, RDF, THB
from thb_graph.pages.entity import Namer, Term

DCAT_LANDING = URIRef("http://www.w3.org/ns/dcat#landingPage")
SCHEMA_URL = URIRef("https://schema.org/url")
#: Row key -> the properties that answer it, in order of preference.
FIELDS: dict[str, tuple[URIRef, ...]] = {
    "doc_title": (DCTERMS.title,),
    "doc_publisher": (DCTERMS.publisher, DCTERMS.creator),
    "doc_date": (DCTERMS.issued, DCTERMS.date, DCTERMS.created, THB.date),
    "doc_address": (FOAF.page, DCAT_LANDING, SCHEMA_URL, DCTERMS.identifier),
}


@dataclass
class DocumentFact:
    """One row: its key and the values the data give (empty when unknown)."""

    key: str
    values: list[Term]


def document_facts(store: Store, iri: str, namer: Namer) -> list[DocumentFact] | None:
    """The rows of a ``thb:SourceDocument``; None when ``iri`` is not one."""
    me = bindings.iri_term(iri)
    is_doc = store.query(
        f"ASK {{ {me} {bindings.term(RDF.type)} {bindings.term(THB.SourceDocument)} }}"
    ).boolean
    if not is_doc:
        return None
    wanted = [p for props in FIELDS.values() for p in props]
    query = f"SELECT ?p ?o WHERE {{ {me} ?p ?o . FILTER({bindings.one_of('p', wanted)}) }}"
    found: dict[URIRef, list[object]] = {}
    for p, o in store.query(query).rows:
        if isinstance(p, URIRef) and o is not None:
            found.setdefault(p, []).append(o)
    for objs in found.values():
        namer.want(objs)  # type: ignore[arg-type]
    namer.resolve(store)
    rows = []
    for key, props in FIELDS.items():
        values: list[Term] = []
        for p in props:
            if found.get(p):
                values = [namer.term(o) for o in found[p]]  # type: ignore[arg-type]
                break
        rows.append(DocumentFact(key, values))
    return rows
