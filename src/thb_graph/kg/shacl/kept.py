"""A validation store kept from one validation to the next, for writes.

Each write on the France graph validated a store built afresh from every data graph, and
building it (turning 7,000 rdflib statements into Oxigraph ones) cost more than checking
the few nodes the write touches. This store keeps the statements of the last validation
and is brought to the next one by the difference only: a write changes a few statements.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Set

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from thb_graph.kg.shacl import ONTOLOGY_GRAPH, bind_missing, ontology_axioms, validate_store
from thb_graph.kg.shacl.report import ValidationReport
from thb_graph.kg.store.terms import to_oxigraph

#: A statement and the name of its graph.
NamedQuad = tuple[Node, Node, Node, str]


class KeptValidationStore:
    """Validates sets of statements, each against the store left by the previous one.

    ``keep_at_most`` bounds what is kept between validations (more: built, used, dropped).
    """

    def __init__(self, keep_at_most: int) -> None:
        self.keep_at_most = keep_at_most
        self._lock = threading.Lock()
        self._store = ox.Store()
        self._held: dict[NamedQuad, ox.Quad] = {}

    def validate(
        self,
        data: Set[NamedQuad],
        ontology: Graph,
        shapes: Graph,
        *,
        focus_nodes: Collection[Node],
    ) -> ValidationReport:
        """The report of ``data`` (statements with their graph names) with the axioms of
        ``ontology`` mixed in, checked at ``focus_nodes``, as ``validate_graphs`` gives it."""
        with self._lock:
            axioms = {(s, p, o, ONTOLOGY_GRAPH) for s, p, o in ontology_axioms(ontology)}
            self._bring_to(data | axioms)
            try:
                return validate_store(
                    self._store,
                    shapes,
                    data_graphs={q[3] for q in data},
                    names=_names(ontology),
                    focus_nodes=focus_nodes,
                )
            finally:
                if len(self._held) > self.keep_at_most:
                    self._store, self._held = ox.Store(), {}

    def _bring_to(self, wanted: Set[NamedQuad]) -> None:
        held = self._held
        gone = [q for q in held if q not in wanted]
        for quad in gone:
            self._store.remove(held.pop(quad))
        new = {q: _ox_quad(q) for q in wanted if q not in held}
        self._store.extend(list(new.values()))
        held.update(new)


def _ox_quad(quad: NamedQuad) -> ox.Quad:
    s, p, o, graph = quad
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(graph))  # type: ignore[arg-type]


def _names(ontology: Graph) -> Graph:
    """The graph whose prefixes name nodes in messages, bound as ``validate_graphs`` does."""
    names = Dataset()
    bind_missing(names, ontology)
    return names
