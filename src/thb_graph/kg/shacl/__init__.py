"""SHACL validation compiled to SPARQL, run in bulk on a pyoxigraph Store.

Each constraint component of each shape becomes one SELECT that finds every violating
focus node at once, instead of one evaluation per focus node: validating a million triples
takes seconds rather than minutes. The results are those pyshacl gives with the ontology
mixed in and no inference (see ``kg.validate``); a shape feature the compiler does not know
raises UnsupportedShapeError.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pyoxigraph as ox
from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Dataset, Graph
from rdflib.term import Node

from thb_graph.kg.shacl.engine import report_of, run_checks, store_locator
from thb_graph.kg.shacl.model import UnsupportedShapeError
from thb_graph.kg.shacl.report import ValidationReport
from thb_graph.kg.store.terms import to_oxigraph

#: Where validate_graphs puts a plain data graph, and the ontology, in its store.
DATA_GRAPH = "urn:thb-graph:validate:data"
ONTOLOGY_GRAPH = "urn:thb-graph:validate:ontology"
#: Where validate_store lists the focus nodes it is given.
FOCUS_GRAPH = "urn:thb-graph:validate:focus"

__all__ = [
    "UnsupportedShapeError",
    "bind_missing",
    "ontology_axioms",
    "ontology_quads",
    "validate_graphs",
    "validate_store",
]


def validate_store(
    store: ox.Store,
    shapes: Graph,
    *,
    focus_graphs: Sequence[str] | None = None,
    data_graphs: Collection[str] | None = None,
    graph_files: Mapping[str, str] | None = None,
    names: Graph | None = None,
    focus_nodes: Collection[Node] | None = None,
) -> ValidationReport:
    """Validate the union of the graphs of ``store`` (data and ontology) against ``shapes``.

    ``focus_graphs`` restricts the focus nodes to nodes with a triple (as subject or
    object) in one of those graphs, the rest of the store serving as context: validate
    what changed. Each result's ``data_file`` is the first graph among ``data_graphs``
    (all named graphs when None) describing its focus node, mapped through
    ``graph_files``. ``names`` (the data as an rdflib graph, or just its prefixes) names
    the nodes in the messages of shapes without sh:message, as pyshacl would.
    ``focus_nodes`` (instead of ``focus_graphs``) lists the focus nodes themselves: they
    are written to a graph of their own, which the checks do not read as data, and
    removed after.
    """
    hidden = None
    if focus_nodes is not None:
        hidden, focus_graphs = FOCUS_GRAPH, [FOCUS_GRAPH]
        store.extend(_focus_quads(focus_nodes))
    try:
        found = run_checks(store, shapes, focus_graphs, names, hidden)
    finally:
        if hidden is not None:
            store.remove_graph(ox.NamedNode(hidden))
    return report_of(found, shapes, store_locator(store, data_graphs, graph_files or {}))


def _focus_quads(nodes: Collection[Node]) -> list[ox.Quad]:
    graph, link = ox.NamedNode(FOCUS_GRAPH), ox.NamedNode(FOCUS_GRAPH + ":node")
    quads = []
    for node in nodes:
        term = to_oxigraph(node)
        subject = link if isinstance(term, ox.Literal) else term
        quads.append(ox.Quad(subject, link, term, graph))
    return quads


def validate_graphs(
    data_graph: Graph | Sequence[Graph],
    shapes: Graph,
    ontology_graph: Graph | None = None,
    *,
    graph_files: Mapping[str, str] | None = None,
    focus_graphs: Sequence[str] | None = None,
    focus_nodes: Collection[Node] | None = None,
) -> ValidationReport:
    """Validate rdflib graphs as ``kg.validate.validate`` does, through an in-memory store.

    A Dataset keeps its named graphs (so results name their data file and
    ``focus_graphs`` can pick some), and so does a sequence of named graphs (read where
    they are, not copied into a Dataset first); a plain graph goes into one graph,
    unlocated. As pyshacl does, the ontology's prefixes the data lacks are bound in the
    data graph (for a sequence, in a graph of names made for the messages).
    """
    store = ox.Store()
    quads = []
    names: Graph
    if isinstance(data_graph, Dataset):
        for s, p, o, ctx in data_graph.quads((None, None, None, None)):
            name = getattr(ctx, "identifier", ctx) or DATA_GRAPH
            quads.append(_quad(s, p, o, str(name)))
        data_graphs: Collection[str] | None = {
            str(getattr(q.graph_name, "value", "")) for q in quads
        }
        names = data_graph
    elif isinstance(data_graph, Graph):
        quads += [_quad(s, p, o, DATA_GRAPH) for s, p, o in data_graph]
        data_graphs = set()
        names = data_graph
    else:
        for graph in data_graph:
            graph_name = str(graph.identifier)
            quads += [_quad(s, p, o, graph_name) for s, p, o in graph]
        data_graphs = {str(graph.identifier) for graph in data_graph if len(graph)}
        names = Dataset()
    if ontology_graph is not None:
        quads += ontology_quads(ontology_graph)
        bind_missing(names, ontology_graph)
    store.extend(quads)
    return validate_store(
        store,
        shapes,
        focus_graphs=focus_graphs,
        data_graphs=data_graphs,
        graph_files=graph_files,
        names=names,
        focus_nodes=focus_nodes,
    )


def bind_missing(data_graph: Graph, ontology: Graph) -> None:
    """Bind the ontology's prefixes the data lacks, as pyshacl does when it mixes them."""
    if ontology.namespace_manager is data_graph.namespace_manager:
        return
    known = {prefix for prefix, _ in data_graph.namespaces()}
    for prefix, namespace in ontology.namespaces():
        if prefix not in known:
            data_graph.namespace_manager.bind(prefix, namespace)


_AXIOMS: dict[frozenset[tuple[Node, Node, Node]], frozenset[tuple[Node, Node, Node]]] = {}


def ontology_quads(ontology: Graph, graph: str = ONTOLOGY_GRAPH) -> list[ox.Quad]:
    """The part of ``ontology`` pyshacl mixes into the data, as quads of ``graph``."""
    return [_quad(s, p, o, graph) for s, p, o in ontology_axioms(ontology)]


def ontology_axioms(
    ontology: Graph | frozenset[tuple[Node, Node, Node]],
) -> frozenset[tuple[Node, Node, Node]]:
    """The part of ``ontology`` (a graph or its statements) pyshacl mixes into the data
    (its RDFS and OWL axioms: the classes, properties and their relations); worked out
    once per ontology content (each write stages the same ontology afresh; a frozenset
    keeps its hash, so the same one is found again at no cost), and given as the same
    set object each time (so a store holding them can tell they did not change)."""
    key = ontology if isinstance(ontology, frozenset) else frozenset(ontology)
    axioms = _AXIOMS.get(key)
    if axioms is None:
        if len(_AXIOMS) >= 8:
            _AXIOMS.clear()
        source = ontology if isinstance(ontology, Graph) else Graph()
        if source is not ontology:
            for triple in key:
                source.add(triple)
        mixed = inoculate(Graph(), source)  # type: ignore[arg-type]
        axioms = _AXIOMS[key] = frozenset((s, p, o) for s, p, o, *_ in mixed)
    return axioms


def _quad(s: object, p: object, o: object, graph: str) -> ox.Quad:
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(graph))  # type: ignore[arg-type]
