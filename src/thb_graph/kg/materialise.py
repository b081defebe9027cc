"""Instance-level inference inside the store, by SPARQL updates into the inferred graph.

The rules are read from the ontology's axioms (the TBox): their closure is computed here, in
Python, once; the instance-level consequences are then written by the store itself, so the
data never leaves it and any backend (embedded, in memory, a remote SPARQL server) does the
work. The OWL 2 RL rules applied:

- ``cax-sco`` / ``cax-eqc``: types from (equivalent) superclasses;
- ``prp-spo1`` / ``prp-eqp``: statements from (equivalent) superproperties;
- ``prp-inv``: inverses; ``prp-symp``: symmetric properties; ``prp-trp``: transitive ones
  (``org:transitiveSubOrganizationOf``: the organisation links at every depth);
- ``prp-dom`` / ``prp-rng``: types from domains and ranges;
- ``eq-sym``, ``eq-trans``, ``eq-rep-s/p/o``: ``owl:sameAs``, when the data uses it.

Rounds repeat until one adds nothing (a fixpoint). Nothing already stated anywhere in the
store is written again, and nothing trivial is written (``owl:Thing`` or ``rdfs:Resource``
types, reflexive ``owl:sameAs``). Restriction classes, property chains and keys are not
materialised: the ontology uses none.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from thb_graph.errors import StoreError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import OWL, RDF, RDFS

#: VALUES rows per update: small enough for every server's query compiler.
VALUES_CHUNK = 40
#: A safety net: transitive closure doubles path lengths each round, so depth 2**40 is ample.
MAX_ROUNDS = 40

_TRIVIAL_CLASSES = frozenset({str(OWL.Thing), str(RDFS.Resource)})
_SAME = str(OWL.sameAs)

Pair = tuple[str, str]


@dataclass
class Rules:
    """The TBox, closed: every pair holds after closure (no reflexive pairs)."""

    subclass: set[Pair] = field(default_factory=set)
    subproperty: set[Pair] = field(default_factory=set)
    inverse: set[Pair] = field(default_factory=set)
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    domain: set[Pair] = field(default_factory=set)
    range: set[Pair] = field(default_factory=set)


@dataclass
class MaterialiseReport:
    """What a run added, round by round, and how long it took."""

    graph: str
    added: int
    rounds: list[int]
    seconds: float
    rules: Rules


def read_rules(store: Store, graphs: Iterable[str] | None = None) -> Rules:
    """The closed rule set of the axioms in ``graphs`` (default: every graph of the store)."""
    dataset = " ".join(f"FROM <{g}>" for g in graphs or [])
    text = f"""SELECT ?s ?p ?o {dataset} WHERE {{
        VALUES ?p {{ <{RDFS.subClassOf}> <{OWL.equivalentClass}> <{RDFS.subPropertyOf}>
                    <{OWL.equivalentProperty}> <{OWL.inverseOf}> <{RDFS.domain}> <{RDFS.range}>
                    <{RDF.type}> }}
        ?s ?p ?o .
        FILTER (isIRI(?s) && isIRI(?o))
        FILTER (?p != <{RDF.type}> || ?o IN (<{OWL.SymmetricProperty}>, <{OWL.TransitiveProperty}>))
    }}"""
    axioms: dict[str, set[Pair]] = {}
    for s, p, o in store.query(text).rows:
        axioms.setdefault(str(p), set()).add((str(s), str(o)))

    def get(iri: object) -> set[Pair]:
        return axioms.get(str(iri), set())

    subclass = _closure(get(RDFS.subClassOf) | _both_ways(get(OWL.equivalentClass)))
    subproperty = _closure(get(RDFS.subPropertyOf) | _both_ways(get(OWL.equivalentProperty)))
    types = get(RDF.type)
    return Rules(
        subclass={(c, d) for c, d in subclass if d not in _TRIVIAL_CLASSES},
        subproperty=subproperty,
        inverse=_both_ways(get(OWL.inverseOf)),
        symmetric={s for s, o in types if o == str(OWL.SymmetricProperty)},
        transitive={s for s, o in types if o == str(OWL.TransitiveProperty)},
        domain={(p, c) for p, c in get(RDFS.domain) if c not in _TRIVIAL_CLASSES},
        range={(p, c) for p, c in get(RDFS.range) if c not in _TRIVIAL_CLASSES},
    )


def _both_ways(pairs: set[Pair]) -> set[Pair]:
    return pairs | {(b, a) for a, b in pairs}


def _closure(pairs: set[Pair]) -> set[Pair]:
    """The transitive closure of a relation, without reflexive pairs."""
    above: dict[str, set[str]] = {}
    for a, b in pairs:
        above.setdefault(a, set()).add(b)
    closed: set[Pair] = set()
    for start in above:
        seen: set[str] = set()
        todo = list(above[start])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(above.get(node, ()))
        closed |= {(start, end) for end in seen if end != start}
    return closed


def rule_updates(
    rules: Rules, graph: str, *, same_as: bool, graphs: Iterable[str] | None = None
) -> Iterator[str]:
    """The SPARQL updates of one round (each adds to ``graph`` only what is not stated).

    Every pattern reads the named graphs (``GRAPH ?g``): the default graph of an update is
    the union of the graphs on some stores and an empty graph of its own on others. Given
    ``graphs``, only those are read (a remote server may hold graphs of others).
    """
    g = f"<{graph}>"
    scope = " ".join(f"<{name}>" for name in sorted({*graphs, graph})) if graphs else None
    for chunk in _chunks(sorted(rules.subclass)):
        yield _insert(g, "?x a ?d", ["?x a ?c"], "?c ?d", chunk, scope=scope)
    for chunk in _chunks(sorted(rules.subproperty)):
        yield _insert(g, "?s ?q ?o", ["?s ?p ?o"], "?p ?q", chunk, scope=scope)
    for chunk in _chunks(sorted(rules.inverse)):
        yield _insert(g, "?o ?q ?s", ["?s ?p ?o"], "?p ?q", chunk, resource="?o", scope=scope)
    for chunk in _chunks(sorted(rules.domain)):
        yield _insert(g, "?s a ?c", ["?s ?p ?o"], "?p ?c", chunk, scope=scope)
    for chunk in _chunks(sorted(rules.range)):
        yield _insert(g, "?o a ?c", ["?s ?p ?o"], "?p ?c", chunk, resource="?o", scope=scope)
    symmetric = sorted(rules.symmetric | ({_SAME} if same_as else set()))
    for chunk in _chunks([(p, p) for p in symmetric]):
        yield _insert(g, "?o ?p ?s", ["?s ?p ?o"], "?p ?q", chunk, resource="?o", scope=scope)
    transitive = sorted(rules.transitive | ({_SAME} if same_as else set()))
    for chunk in _chunks([(p, p) for p in transitive]):
        yield _insert(
            g, "?a ?p ?c", ["?a ?p ?b", "?b ?p ?c"], "?p ?q", chunk, differ="?a ?c", scope=scope
        )
    if same_as:
        same = f"<{_SAME}>"
        # (sameAs statements themselves are closed by the symmetric and transitive rules)
        for template, patterns, moved in [
            ("?t ?p ?o", [f"?s {same} ?t", "?s ?p ?o"], "?s"),
            ("?s ?p ?t", [f"?o {same} ?t", "?s ?p ?o"], "?o"),
            ("?s ?t ?o", [f"?p {same} ?t", "?s ?p ?o"], "?p"),
        ]:
            yield _insert(
                g, template, patterns, "", [], differ=f"{moved} ?t ?p {same}", scope=scope
            )


def _insert(
    graph: str,
    template: str,
    patterns: list[str],
    variables: str,
    rows: list[Pair],
    *,
    resource: str | None = None,
    differ: str | None = None,
    scope: str | None = None,
) -> str:
    """``INSERT { GRAPH graph { template } } WHERE { VALUES ... patterns ... }`` that adds only
    statements not already in any graph."""
    rdf_type = f"<{RDF.type}>"
    head = template.replace(" a ", f" {rdf_type} ")
    where = []
    if rows:
        values = " ".join(f"(<{a}> <{b}>)" for a, b in rows)
        where.append(f"VALUES ({variables}) {{ {values} }}")
    for n, pattern in enumerate(patterns):
        if scope:
            where.append(f"VALUES ?g{n} {{ {scope} }}")
        where.append(f"GRAPH ?g{n} {{ {pattern.replace(' a ', f' {rdf_type} ')} }}")
    if resource:
        where.append(f"FILTER (!isLiteral({resource}))")
    if differ:  # pairs of terms that must differ
        terms = differ.split()
        for a, b in zip(terms[::2], terms[1::2], strict=True):
            where.append(f"FILTER ({a} != {b})")
    known = f"VALUES ?known {{ {scope} }} " if scope else ""
    where.append(f"FILTER NOT EXISTS {{ {known}GRAPH ?known {{ {head} }} }}")
    return f"INSERT {{ GRAPH {graph} {{ {head} }} }} WHERE {{ {' '.join(where)} }}"


def _chunks(rows: list[Pair]) -> Iterator[list[Pair]]:
    for start in range(0, len(rows), VALUES_CHUNK):
        yield rows[start : start + VALUES_CHUNK]


def materialise(
    store: Store,
    iris: Iris | None = None,
    *,
    graph: str | None = None,
    rules: Rules | None = None,
) -> MaterialiseReport:
    """Apply the rules inside ``store`` until a round adds nothing; the inferred statements go
    to ``graph`` (default: the inferred graph of ``iris``)."""
    iris = iris or Iris()
    target = graph or iris.inferred_graph
    started = time.perf_counter()
    # a remote server may hold graphs that are not the store's: read the store's only
    graphs = store.graph_names() if store.may_hold_other_graphs else None
    rules = rules or read_rules(store, graphs)
    same_as = bool(store.query(f"ASK {{ ?s <{_SAME}> ?o FILTER (?s != ?o) }}").boolean)
    before = store.count(target)
    rounds: list[int] = []
    size = before
    for _ in range(MAX_ROUNDS):
        for update in rule_updates(rules, target, same_as=same_as, graphs=graphs):
            store.update(update)
        now = store.count(target)
        rounds.append(now - size)
        if now == size:
            break
        size = now
    else:
        raise StoreError(f"inference did not reach a fixpoint in {MAX_ROUNDS} rounds")
    return MaterialiseReport(
        graph=target,
        added=size - before,
        rounds=rounds,
        seconds=time.perf_counter() - started,
        rules=rules,
    )


__all__ = ["MaterialiseReport", "Rules", "materialise", "read_rules", "rule_updates"]
