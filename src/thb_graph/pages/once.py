"""Each fact once on an entity page.

Inference copies a statement under every super-property (``org:subOrganizationOf`` also as
``org:transitiveSubOrganizationOf``) and the other way round (``org:hasSubOrganization`` on
the parent): shown as they come, one link appears four times. Here an inferred value is
dropped when the page already shows the same value (asserted, or inferred under an earlier
property); an inferred incoming link is dropped when its source is already a value of the
entity (the inverse of a link shown); an inferred class chip is dropped when it is
``owl:equivalentClass`` of a chip shown, or when it comes from a reused vocabulary (the
alignment that gives ``org:Organization`` beside the graph's own "organisation": one idea,
one chip; the statement stays in the RDF of the page's types). An inferred value whose
node also links here by an asserted statement on this page of incoming links is left to
that incoming link. The dropped statements leave the RDF twin too, so the twin still holds
exactly what the page shows.

Also here: the acronym of an entity (a short upper-case ``skos:altLabel``), for the heading.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg import bindings
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import OWL, SKOS
from thb_graph.pages.entity import Description, Term, Triple

_ACRONYM = re.compile(r"[A-Z][A-Z0-9&\-]{1,11}")


def _equivalents(store: Store, classes: list[str]) -> set[frozenset[str]]:
    if len(classes) < 2:
        return set()
    query = (
        "SELECT ?a ?b WHERE { "
        + bindings.values("a", classes)
        + bindings.values("b", classes)
        + f" {{ ?a {bindings.term(OWL.equivalentClass)} ?b }} UNION "
        f"{{ ?b {bindings.term(OWL.equivalentClass)} ?a }} FILTER(?a != ?b) }}"
    )
    return {frozenset((str(a), str(b))) for a, b in store.query(query).rows}


def show_once(desc: Description, store: Store, own_namespace: str) -> Description:
    """``desc`` with its repeated inferred values, inverse links and chips removed."""
    subject = URIRef(desc.iri)
    dropped: set[Triple] = set()
    asserted = {v.node for s in desc.sections for g in s.groups for v in g.values if not v.inferred}
    shown: set[Node] = set(asserted)
    if desc.incoming is not None:
        shown.update(v.node for g in desc.incoming.groups for v in g.values if not v.inferred)
    for section in desc.sections:
        for group in section.groups:
            kept = []
            for value in group.values:
                if value.inferred and value.node in shown:
                    dropped.add((subject, URIRef(group.predicate.iri), value.node))
                    continue
                shown.add(value.node)
                kept.append(value)
            group.values = kept
        section.groups = [g for g in section.groups if g.values]
    desc.sections = [s for s in desc.sections if s.groups]
    if desc.incoming is not None:
        removed = 0
        for group in desc.incoming.groups:
            kept = []
            for value in group.values:
                if value.inferred and value.node in shown:
                    dropped.add((value.node, URIRef(group.predicate.iri), subject))
                    removed += 1
                    continue
                kept.append(value)
            group.values = kept
        desc.incoming.groups = [g for g in desc.incoming.groups if g.values]
        desc.incoming.total = max(0, desc.incoming.total - removed)
    desc.types = _one_chip_per_class(desc.types, store, own_namespace)
    if dropped:
        desc.triples = [t for t in desc.triples if t not in dropped]
    return desc


def _one_chip_per_class(types: list[Term], store: Store, own_namespace: str) -> list[Term]:
    pairs = _equivalents(store, [t.iri for t in types if t.iri])
    kept: list[Term] = []
    for term in sorted(types, key=lambda t: t.inferred):
        twin = any(frozenset((term.iri, k.iri)) in pairs for k in kept)
        if term.inferred and (twin or not term.iri.startswith(own_namespace)):
            continue
        kept.append(term)
    return kept


def acronym(desc: Description) -> str | None:
    """The entity's acronym (``OCRTEH``): a short upper-case alternative name that the
    heading does not already contain."""
    for section in desc.sections:
        for group in section.groups:
            if group.predicate.iri != str(SKOS.altLabel):
                continue
            for value in group.values:
                text = str(value.node) if isinstance(value.node, Literal) else ""
                if _ACRONYM.fullmatch(text) and text not in desc.label.text:
                    return text
    return None
