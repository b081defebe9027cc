"""Conflicting claims side by side: the claim of the page and every claim it conflicts with
(``thb:conflictsWith``, either way), as one table with a column per claim and a row per
property either states, so that a reader sees where the sources differ, each with its
source and its date. Only asserted statements are compared; nothing says which is right."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from thb_graph.kg import bindings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import RDF, RDFS, SKOS, THB
from thb_graph.pages.entity import Namer, Term

#: Statements that name or link the claims rather than say what they claim.
LEFT_OUT = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, THB.conflictsWith,
            THB.evidence)  # fmt: skip


@dataclass
class Comparison:
    """Claims (columns, this page's first) and rows: a property and each claim's values."""

    claims: list[Term]
    rows: list[tuple[Term, list[list[Term]]]]


def compare(store: Store, iris: Iris, iri: str, namer: Namer) -> Comparison | None:
    """The comparison of ``iri`` with the claims it conflicts with; None when there are none."""
    me = bindings.iri_term(iri)
    link = bindings.term(THB.conflictsWith)
    others = [
        str(o)
        for (o,) in store.query(
            f"SELECT DISTINCT ?o WHERE {{ {{ {me} {link} ?o }} UNION {{ ?o {link} {me} }} "
            "FILTER(isIRI(?o)) } LIMIT 10"
        ).rows
        if isinstance(o, URIRef) and str(o) != iri
    ]
    if not others:
        return None
    claims = [iri, *sorted(others)]
    query = (
        "SELECT DISTINCT ?c ?p ?o WHERE { "
        + bindings.values("c", claims)
        + " GRAPH ?g { ?c ?p ?o } "
        f"FILTER(?g != {bindings.iri_term(iris.inferred_graph)} && isIRI(?p) && "
        f"!({bindings.one_of('p', LEFT_OUT)})) }}"
    )
    values: dict[URIRef, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for c, p, o in store.query(query).rows:
        if isinstance(p, URIRef) and o is not None:
            values[p][str(c)].append(o)
    namer.want(URIRef(c) for c in claims)
    namer.want(values)
    for by_claim in values.values():
        for objs in by_claim.values():
            namer.want(objs)
    namer.resolve(store)
    rows = [
        (namer.term(p), [[namer.term(o) for o in by_claim.get(c, [])] for c in claims])
        for p, by_claim in values.items()
    ]
    rows.sort(key=lambda row: (str(row[0].node) == str(THB.claimText), row[0].text))
    return Comparison([namer.term(URIRef(c)) for c in claims], rows)
