"""Figures about what a store holds: triples per graph, instances per class, observations,
sources. Plain SPARQL over the Store interface, so every backend answers the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, QB

_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_OBSERVATIONS = f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{QB.Observation}> }}"
_SOURCES = f"SELECT (COUNT(DISTINCT ?src) AS ?n) WHERE {{ ?x <{DCTERMS.source}> ?src }}"


@dataclass
class GraphStats:
    """Counts describing a store."""

    graphs: dict[str, int] = field(default_factory=dict)
    quads: int = 0
    classes: list[tuple[str, int]] = field(default_factory=list)
    class_count: int = 0
    observations: int = 0
    sources: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the figures."""
        return {
            "quads": self.quads,
            "graphs": self.graphs,
            "classes": [{"class": c, "instances": n} for c, n in self.classes],
            "class_count": self.class_count,
            "observations": self.observations,
            "sources": self.sources,
        }


def graph_stats(store: Store, *, top: int = 20) -> GraphStats:
    """Triples per named graph, the ``top`` classes by instances (asserted or inferred, over
    the union of graphs), and how many observations and distinct sources there are."""
    graphs = {name: store.count(name) for name in store.graph_names()}
    classes = [
        (str(row[0]), int(str(row[1])))
        for row in store.query(_CLASSES).rows
        if row[0] is not None and row[1] is not None
    ]
    return GraphStats(
        graphs=graphs,
        quads=store.count(),
        classes=classes[:top],
        class_count=len(classes),
        observations=_number(store, _OBSERVATIONS),
        sources=_number(store, _SOURCES),
    )


def _number(store: Store, query: str) -> int:
    rows = store.query(query).rows
    value = rows[0][0] if rows else None
    return int(str(value)) if value is not None else 0
