"""A validation store kept from one validation to the next, for writes.

Each write on the France graph validated a store built afresh from every data graph, and
building it (turning 7,000 rdflib statements into Oxigraph ones) cost more than checking
the few nodes the write touches. This store keeps the statements of the last validation
and is brought to the next one by the difference only: a write changes a few statements.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from thb_graph.kg.shacl import ONTOLOGY_GRAPH, bind_missing, ontology_axioms, validate_store
from thb_graph.kg.shacl.report import ValidationReport
from thb_graph.kg.store.terms import to_oxigraph

Triple = tuple[Node, Node, Node]


class KeptValidationStore:
    """Validates data graphs, each time against the store left by the previous validation.

    ``keep_at_most`` bounds what is kept between validations (more: built, used, dropped).
    A graph is given as a frozenset of its statements; one given as the same object as
    last time is taken as unchanged, any other is brought up to date by the difference.
    """

    def __init__(self, keep_at_most: int) -> None:
        self.keep_at_most = keep_at_most
        self._lock = threading.Lock()
        self._store = ox.Store()
        self._held: dict[str, frozenset[Triple]] = {}

    def validate(
        self,
        data: Mapping[str, frozenset[Triple]],
        ontology_statements: frozenset[Triple],
        ontology: Graph,
        shapes: Graph,
        *,
        focus_nodes: Collection[Node],
    ) -> ValidationReport:
        """The report of the graphs ``data`` (name -> statements) with the axioms of the
        ontology (``ontology_statements``; ``ontology`` lends its prefixes to messages)
        mixed in, checked at ``focus_nodes``, as ``validate_graphs`` gives it."""
        with self._lock:
            wanted = dict(data)
            wanted[ONTOLOGY_GRAPH] = ontology_axioms(ontology_statements)
            try:
                self._bring_to(wanted)
                return validate_store(
                    self._store,
                    shapes,
                    data_graphs=set(data),
                    names=_names(ontology),
                    focus_nodes=focus_nodes,
                )
            except BaseException:
                self._drop()  # it may be half-way between two states
                raise
            finally:
                if sum(map(len, self._held.values())) > self.keep_at_most:
                    self._drop()

    def _drop(self) -> None:
        self._store, self._held = ox.Store(), {}

    def _bring_to(self, wanted: dict[str, frozenset[Triple]]) -> None:
        for name in [n for n in self._held if n not in wanted]:
            self._store.remove_graph(ox.NamedNode(name))
            del self._held[name]
        for name, statements in wanted.items():
            held = self._held.get(name, _NONE)
            if held is statements:
                continue
            graph = ox.NamedNode(name)
            for s, p, o in held - statements:
                self._store.remove(_ox_quad(s, p, o, graph))
            self._store.extend([_ox_quad(s, p, o, graph) for s, p, o in statements - held])
            self._held[name] = statements


_NONE: frozenset[Triple] = frozenset()


def _ox_quad(s: Node, p: Node, o: Node, graph: ox.NamedNode) -> ox.Quad:
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]


def _names(ontology: Graph) -> Graph:
    """The graph whose prefixes name nodes in messages, bound as ``validate_graphs`` does."""
    names = Dataset()
    bind_missing(names, ontology)
    return names
