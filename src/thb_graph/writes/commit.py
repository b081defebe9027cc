"""The commit of a planned write: the one SPARQL Update that applies it, and running it.

The text holds the asserted change, the change of the inferred graph and the PROV record of
the write (``writes.history``); the store runs it in a single transaction.
"""

from __future__ import annotations

from collections.abc import Set

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from thb_graph.errors import BadRequestError, QuerySyntaxError, StoreError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.terms import to_oxigraph
from thb_graph.writes.stage import ByGraph, Quad, Triple


def commit_text(
    iris: Iris,
    before: ByGraph,
    after: ByGraph,
    added: set[Quad],
    removed: set[Quad],
    inferred_old: Set[Triple],
    inferred_new: Set[Triple],
    history: list[tuple[Node, Node, Node]],
) -> str:
    """One SPARQL Update that turns the store into the staged state, with the history.

    Statements with blank nodes cannot be deleted one by one (SPARQL has no name for a
    stored blank node), so when a change involves one, every graph holding blank nodes
    (but the history) is cleared and written again whole, in the one ``INSERT DATA`` block
    where blank node labels keep their identity.
    """
    inferred = URIRef(iris.inferred_graph)
    history_graph = URIRef(iris.history_graph)
    inferred_added = {(s, p, o, inferred) for s, p, o in inferred_new - inferred_old}
    inferred_removed = {(s, p, o, inferred) for s, p, o in inferred_old - inferred_new}
    changed = (*added, *removed, *inferred_added, *inferred_removed)
    rewrite: set[Node | None] = set()
    if any(_has_blank(q) for q in changed):
        rewrite = {g for g, ts in (*before.items(), *after.items()) if any(map(_has_blank, ts))}
        rewrite.add(inferred)
        rewrite.discard(history_graph)
    deletes = [q for q in (*removed, *inferred_removed) if q[3] not in rewrite]
    inserts = [q for q in (*added, *inferred_added) if q[3] not in rewrite]
    for name in rewrite:
        if name == inferred:
            inserts += [(s, p, o, inferred) for s, p, o in inferred_new]
        else:
            inserts += [(s, p, o, name) for s, p, o in after.get(name, ())]
    inserts += [(s, p, o, history_graph) for s, p, o in history]
    parts = []
    if deletes:
        parts.append("DELETE DATA {\n" + _quad_block(deletes) + "}")
    parts += [f"CLEAR SILENT GRAPH <{name}>" for name in sorted(map(str, rewrite))]
    parts.append("INSERT DATA {\n" + _quad_block(inserts) + "}")
    return " ;\n".join(parts)


def commit(store: Store, text: str) -> None:
    """Run the planned update; the store applies it in one transaction."""
    try:
        store.update(text)
    except QuerySyntaxError as e:  # the text is ours: this is a bug, not the client's fault
        raise StoreError(f"the planned write could not be run: {e.message}") from e


def ox_triple(s: Node, p: Node, o: Node) -> ox.Triple:
    """The statement as Oxigraph terms; BadRequestError when it is not valid RDF."""
    try:
        return ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
    except (TypeError, ValueError) as e:
        raise BadRequestError(
            f"the write makes a statement that is not valid RDF: ({s!s}, {p!s}, {o!s}): {e}"
        ) from e


def _quad_block(quads: list[Quad]) -> str:
    by_graph: dict[Node | None, list[ox.Triple]] = {}
    for s, p, o, g in quads:
        by_graph.setdefault(g, []).append(ox_triple(s, p, o))
    lines = []
    for graph, triples in by_graph.items():
        body = bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        lines.append(f"GRAPH <{graph}> {{\n{body}}}\n" if graph is not None else body)
    return "".join(lines)


def _has_blank(statement: Quad | Triple) -> bool:
    return isinstance(statement[0], BNode) or isinstance(statement[2], BNode)
