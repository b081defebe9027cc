"""OWL 2 RL inference: the only caller of owlrl.

The closure of ontology + data is computed on a scratch copy; only the statements it adds
are kept, less the noise the rule set produces by construction (``x owl:sameAs x``,
reflexive subclass/subproperty/equivalence, ``owl:Thing`` typing, datatype typing of
literals, axioms about the RDF/RDFS/OWL/XSD vocabularies).

owlrl can switch rdflib's lexical-to-Python literal conversion table globally (its
"improved datatypes" mode). We never turn that mode on, and in addition the table is
snapshotted and restored around every run under a lock, so no other code ever sees
literals converted the owlrl way, even if owlrl fails half-way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import owlrl
import rdflib.term
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from thb_graph.kg.build import SourceDataset
from thb_graph.namespaces import OWL, RDF, RDFS, XSD

Triple = tuple[Node, Node, Node]

_LOCK = threading.Lock()

#: owlrl's namespace for the inconsistency messages it adds to the closure.
_ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"

#: Namespaces whose terms get built-in axioms from the rule set (never kept as subjects).
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))

_REFLEXIVE_NOISE = frozenset(
    {
        OWL.sameAs,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
    }
)
_TOP_CLASSES = frozenset({OWL.Thing, RDFS.Resource})


@dataclass
class InferenceResult:
    """What the closure added: the new statements, inconsistencies found, and timings."""

    graph: Graph
    asserted: int
    closure: int
    seconds: float
    inconsistencies: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        """Number of statements kept in the inferred graph."""
        return len(self.graph)


@contextmanager
def _literal_mapping_kept() -> Iterator[None]:
    """Run the block under a lock and put rdflib's literal conversion table back after."""
    mapping = rdflib.term._toPythonMapping
    with _LOCK:
        saved = dict(mapping)
        try:
            yield
        finally:
            if mapping != saved:
                mapping.clear()
                mapping.update(saved)


def is_noise(triple: Triple) -> bool:
    """True for statements the OWL-RL rules add by construction and that say nothing."""
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p in _REFLEXIVE_NOISE and s == o:
        return True
    if p in (RDF.type, RDFS.subClassOf) and o in _TOP_CLASSES:
        return True
    if s == OWL.Nothing or o == OWL.Nothing:
        return True
    return isinstance(s, URIRef) and str(s).startswith(_BUILTIN_NAMESPACES)


def infer(graphs: Iterable[Graph], *, identifier: str | None = None) -> InferenceResult:
    """The OWL-RL entailments of the union of ``graphs`` that are not already asserted.

    Returns them in a new graph (named ``identifier`` when given), without noise.
    """
    started = time.perf_counter()
    scratch = Graph()
    for graph in graphs:
        for triple in graph:
            scratch.add(triple)
    asserted = set(scratch)
    with _literal_mapping_kept():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(scratch)
    errors = _error_messages(scratch)
    out = Graph(identifier=URIRef(identifier)) if identifier else Graph()
    for triple in scratch:
        if triple in asserted or is_noise(triple) or triple[0] in errors:
            continue
        out.add(triple)
    return InferenceResult(
        graph=out,
        asserted=len(asserted),
        closure=len(scratch),
        seconds=time.perf_counter() - started,
        inconsistencies=sorted(errors.values()),
    )


def infer_sources(source: SourceDataset) -> InferenceResult:
    """The inferred graph of a built dataset: OWL-RL over the ontology and every data graph."""
    graphs = [source.ontology] + [source.dataset.graph(URIRef(i)) for i in source.data_graph_iris()]
    result = infer(graphs, identifier=source.iris.inferred_graph)
    result.graph.namespace_manager = source.dataset.namespace_manager
    return result


def _error_messages(graph: Graph) -> dict[Node, str]:
    """owlrl's inconsistency messages (blank nodes typed err:ErrorMessage), by node."""
    kind = URIRef(_ERROR_NS + "ErrorMessage")
    text = URIRef(_ERROR_NS + "error")
    found: dict[Node, str] = {}
    for node in graph.subjects(RDF.type, kind):
        if isinstance(node, BNode):
            found[node] = str(graph.value(node, text) or "inconsistency")
    return found
