"""Quads cut into SPARQL Update-sized batches, and the text of those updates.

A batch never splits a connected blank-node component: blank nodes are scoped to one
request, so all the triples that share one must travel together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

Quad = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object, ox.NamedNode | None]


def graph_blocks(quads: Iterable[Quad]) -> str:
    """The quads as ``GRAPH <g> { s p o . }`` blocks (pyoxigraph writes terms in N-Triples
    syntax, which SPARQL reads as is)."""
    by_graph: dict[str, list[str]] = {}
    for s, p, o, g in quads:
        assert g is not None  # noqa: S101 - the store always names the graph
        by_graph.setdefault(g.value, []).append(f"{s} {p} {o} .")
    return "".join(
        f"GRAPH <{name}> {{\n" + "\n".join(lines) + "\n}\n" for name, lines in by_graph.items()
    )


def has_bnode(quad: Quad) -> bool:
    """True when the subject or the object is a blank node."""
    return isinstance(quad[0], ox.BlankNode) or isinstance(quad[2], ox.BlankNode)


def chunks(items: list[Quad], size: int) -> Iterator[list[Quad]]:
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bnode_components(quads: list[Quad]) -> list[list[Quad]]:
    """The blank-node quads grouped so that quads sharing a blank node are together."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with_bnodes = [q for q in quads if has_bnode(q)]
    for s, _, o, _ in with_bnodes:
        nodes = [t.value for t in (s, o) if isinstance(t, ox.BlankNode)]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[str, list[Quad]] = {}
    for q in with_bnodes:
        key = q[0].value if isinstance(q[0], ox.BlankNode) else q[2].value  # type: ignore[attr-defined]
        groups.setdefault(find(key), []).append(q)
    return list(groups.values())


def chunks_of_components(components: list[list[Quad]], size: int) -> Iterator[list[Quad]]:
    """Whole components packed into batches of about ``size`` (a bigger one goes alone)."""
    batch: list[Quad] = []
    for component in components:
        if batch and len(batch) + len(component) > size:
            yield batch
            batch = []
        batch.extend(component)
    if batch:
        yield batch


__all__ = [
    "Quad",
    "bnode_components",
    "chunks",
    "chunks_of_components",
    "graph_blocks",
    "has_bnode",
]
