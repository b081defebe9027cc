"""Inference after a small change: only the statements the change can affect are redone.

Every rule of ``kg.materialise`` derives a statement about the nodes of the statements it
reads: types from (super)classes, domains and ranges type the subject or object of one
statement; superproperties, inverses and symmetric properties restate one statement.
Only transitive properties (and ``owl:sameAs``, for which this module declines) join
statements through a third node. So after a change, the inferred statements that can
differ are those about the *affected* nodes: the subjects and objects of the changed
statements (objects of ``rdf:type`` are classes, not affected), and every node linked to
them through a transitive property (or a property below one), before or after.

``reinfer`` removes the inferred statements about affected nodes, materialises the rules
over the statements about affected nodes only (in a small scratch store), and keeps what
that derives about them: the inferred graph a full run would give, at a cost that follows
the change, not the store. It declines (returns None) when the change touches the rules
themselves (ontology vocabulary, a class or property as subject) or uses ``owl:sameAs``;
the caller then infers in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.materialise import Rules, materialise, read_rules
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.kg.store.terms import to_oxigraph, to_rdflib
from thb_graph.namespaces import OWL, RDF, RDFS

Triple = tuple[Node, Node, Node]

_SCRATCH_DATA = "urn:thb-graph:incremental:data"
_SCRATCH_INFERRED = "urn:thb-graph:incremental:inferred"
#: Predicates that change the rules rather than the facts.
_TBOX = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.sameAs,
    }
)
_VOCABULARIES = (str(RDF), str(RDFS), str(OWL))
_TYPE = RDF.type


@dataclass(frozen=True)
class Reinferred:
    """The inferred statements after the change, and how many nodes were redone."""

    inferred: set[Triple]
    affected: int


def about(triple: Triple, nodes: Set[Node]) -> bool:
    """True when ``triple`` says something about one of ``nodes`` (as subject, or as
    object of any property but rdf:type)."""
    s, p, o = triple
    return s in nodes or (p != _TYPE and o in nodes)


def reinfer(
    rules: Rules,
    asserted: Iterable[Triple],
    inferred: Set[Triple],
    changed: Iterable[Triple],
) -> Reinferred | None:
    """The inferred statements once ``changed`` (added or removed statements) has been
    applied, from ``asserted`` (every statement after the change, ontology included) and
    ``inferred`` (the inferred statements before it); None when the change is one this
    cannot redo in part (see the module docstring)."""
    changed = list(changed)
    schema = _schema_terms(rules)
    for s, p, o in changed:
        if p in _TBOX or s in schema or (p == RDF.type and str(o).startswith(_VOCABULARIES)):
            return None
    asserted = list(asserted)
    if any(p == OWL.sameAs for _, p, _ in asserted):
        return None
    seeds = {s for s, _, _ in changed}
    seeds |= {o for _, p, o in changed if p != RDF.type and not isinstance(o, Literal)}
    affected = _linked(rules, seeds, [*asserted, *inferred, *changed])
    local = [t for t in asserted if about(t, affected)]
    derived = _materialised(rules, local)
    kept = {t for t in inferred if not about(t, affected)}
    return Reinferred(kept | {t for t in derived if about(t, affected)}, len(affected))


def _schema_terms(rules: Rules) -> set[Node]:
    terms: set[str] = set()
    for pairs in (rules.subclass, rules.subproperty, rules.inverse, rules.domain, rules.range):
        for a, b in pairs:
            terms |= {a, b}
    terms |= rules.symmetric | rules.transitive
    return {URIRef(t) for t in terms}


def _linked(rules: Rules, seeds: set[Node], triples: Iterable[Triple]) -> set[Node]:
    """``seeds`` and every node joined to them through a transitive property (or one below
    it, or its inverse), in either direction."""
    transitive = set(rules.transitive)
    below = {p for p, q in rules.subproperty if q in transitive}
    linking = transitive | below
    linking |= {p for p, q in rules.inverse if q in linking}
    chain = {URIRef(p) for p in linking}
    if not chain:
        return set(seeds)
    links: dict[Node, set[Node]] = {}
    for s, p, o in triples:
        if p in chain and not isinstance(o, Literal):
            links.setdefault(s, set()).add(o)
            links.setdefault(o, set()).add(s)
    found = set(seeds)
    todo = [n for n in seeds if n in links]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def _materialised(rules: Rules, triples: list[Triple]) -> set[Triple]:
    """What the rules derive from ``triples`` alone (a small scratch store)."""
    scratch = OxigraphStore()
    try:
        graph = ox.NamedNode(_SCRATCH_DATA)
        scratch.native.extend(
            [
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
                for s, p, o in triples
            ]
        )
        materialise(scratch, graph=_SCRATCH_INFERRED, rules=rules)
        found = scratch.native.quads_for_pattern(None, None, None, ox.NamedNode(_SCRATCH_INFERRED))
        return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in found}
    finally:
        scratch.close()


_RULES: dict[int, Rules] = {}


def rules_of(ontology: Iterable[Triple]) -> Rules:
    """The closed rules of an ontology's axioms (kept for the next change)."""
    triples = frozenset(ontology)
    key = hash(triples)
    if key not in _RULES:
        scratch = OxigraphStore()
        try:
            graph = ox.NamedNode(_SCRATCH_DATA)
            scratch.native.extend(
                [
                    ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
                    for s, p, o in triples
                ]
            )
            _RULES.clear()
            _RULES[key] = read_rules(scratch)
        finally:
            scratch.close()
    return _RULES[key]


__all__ = ["Reinferred", "about", "reinfer", "rules_of"]
