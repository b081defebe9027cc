"""What a store holds, checked: its data graphs (written ones included) against the shapes.

``thb-graph validate`` checks the source files; :func:`validate_stored` checks the store
itself, as it is after writes, a crash or a restore. The ontology, inferred and history
graphs are context, not data, as for a write (``writes.plan``).
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from thb_graph.config import Settings
from thb_graph.kg.build import load_shapes
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.terms import parse_quads
from thb_graph.kg.validate import ValidationReport, validate


def stored_data(settings: Settings, store: Store) -> tuple[Dataset, Graph]:
    """The data graphs of ``store`` (a Dataset of named graphs) and its ontology graph."""
    iris = Iris(settings.base_iri)
    context = {iris.inferred_graph, iris.history_graph}
    data = Dataset(default_union=True)
    ontology = Graph()
    for s, p, o, g in parse_quads(store.dump("application/n-quads"), "application/n-quads"):
        name = "" if g is None else str(g)
        if name == iris.ontology_graph:
            ontology.add((s, p, o))
        elif name and name not in context:
            data.graph(URIRef(name)).add((s, p, o))
    return data, ontology


def validate_stored(settings: Settings, store: Store) -> ValidationReport:
    """Validate the data graphs ``store`` holds against the shapes of the sources."""
    data, ontology = stored_data(settings, store)
    return validate(data, load_shapes(settings), ontology)
