"""SHACL validation behind one function, and a report people can read.

``validate`` gives pyshacl's results with SPARQL constraints on (``advanced=True``) and the
ontology mixed in, so ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf``. No
RDFS inference runs by default: mixing in the ontology is enough for class targets and it
keeps validation several times faster (see the README's design notes).

Two engines give those results: ``sparql`` (kg.shacl: the shapes compiled to SPARQL and run
in bulk on an in-memory Oxigraph store, seconds at a million triples) and ``pyshacl``
(minutes there). ``auto``, the default, uses ``sparql`` unless inference is asked for or
the shapes use a feature it does not implement.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Literal

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from thb_graph.errors import ConfigError, ShapeViolationError
from thb_graph.kg.build import SourceDataset
from thb_graph.kg.shacl import UnsupportedShapeError, validate_graphs
from thb_graph.kg.shacl.report import ValidationReport, ValidationResult, report_results

_log = logging.getLogger(__name__)

Inference = Literal["none", "rdfs", "owlrl", "both"]
Engine = Literal["auto", "sparql", "pyshacl"]

#: The inference pyshacl runs before validating (measured: "none" is enough and fastest).
DEFAULT_INFERENCE: Inference = "none"
#: The engine ``validate`` uses unless told otherwise.
DEFAULT_ENGINE: Engine = "auto"


def validate(
    data_graph: Graph | Sequence[Graph],
    shapes_graph: Graph,
    ontology_graph: Graph | None = None,
    *,
    inference: Inference = DEFAULT_INFERENCE,
    graph_files: Mapping[str, str] | None = None,
    engine: Engine = DEFAULT_ENGINE,
    focus_nodes: Collection[Node] | None = None,
) -> ValidationReport:
    """Validate ``data_graph`` against ``shapes_graph`` with ``ontology_graph`` mixed in.

    ``data_graph`` may be a Dataset, or the named graphs of one: they are merged and each
    result's ``data_file`` is the graph its focus node is described in (mapped through
    ``graph_files``, graph IRI -> file name, when given). Warnings and infos do not make
    the data non-conforming: it conforms when no result has severity Violation. Broken
    shapes raise ConfigError, and so do shapes the ``sparql`` engine cannot run when it
    is asked for by name. ``focus_nodes`` limits the nodes checked (the rest of the data
    serving as context) on the ``sparql`` engine; pyshacl checks them all.
    """
    if engine != "pyshacl":
        if inference != "none" and engine == "sparql":
            raise ConfigError("the sparql validation engine runs without inference")
        if inference == "none":
            try:
                return validate_graphs(
                    data_graph,
                    shapes_graph,
                    ontology_graph,
                    graph_files=graph_files,
                    focus_nodes=focus_nodes,
                )
            except UnsupportedShapeError as e:
                if engine == "sparql":
                    raise ConfigError(f"the shapes cannot be used by the sparql engine: {e}") from e
                _log.info("validating with pyshacl: %s", e)
    if not isinstance(data_graph, Graph):
        data_graph = _dataset_of(data_graph)
    return _validate_pyshacl(data_graph, shapes_graph, ontology_graph, inference, graph_files)


def _dataset_of(graphs: Sequence[Graph]) -> Dataset:
    """A Dataset holding a copy of each of ``graphs`` under its name."""
    data = Dataset(default_union=True)
    for graph in graphs:
        target = data.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    return data


def _validate_pyshacl(
    data_graph: Graph,
    shapes_graph: Graph,
    ontology_graph: Graph | None,
    inference: Inference,
    graph_files: Mapping[str, str] | None,
) -> ValidationReport:
    merged = _merge(data_graph)
    try:
        conforms, report_graph, text = pyshacl.validate(
            merged,
            shacl_graph=shapes_graph,
            ont_graph=ontology_graph,
            inference=inference,
            advanced=True,
            allow_warnings=True,
            inplace=True,
        )
    except ReportableRuntimeError as e:
        raise ConfigError(f"the shapes cannot be used: {e.message}") from e
    if not isinstance(report_graph, Graph):
        raise ConfigError(f"validation failed: {text}")
    locate = _file_locator(data_graph, graph_files or {})
    results = report_results(report_graph, shapes_graph, locate)
    # pyshacl's allow_warnings also lets a Violation under a sh:Warning node shape pass;
    # here only the severity of each result counts.
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, text=text, graph=report_graph, results=results)


def validate_sources(source: SourceDataset, shapes: Graph) -> ValidationReport:
    """Validate every data graph of ``source`` (merged) against ``shapes``."""
    data = Dataset(default_union=True)
    for iri in source.data_graph_iris():
        target = data.graph(URIRef(iri))
        for triple in source.dataset.graph(URIRef(iri)):
            target.add(triple)
    files = {iri: name for iri in source.graph_files if (name := source.data_file_of(iri))}
    report = validate(data, shapes, source.ontology, graph_files=files)
    names = Graph(bind_namespaces="none")
    for prefix, namespace in [*source.dataset.namespaces(), *shapes.namespaces()]:
        if prefix and namespace not in {ns for _, ns in names.namespaces()}:
            names.bind(prefix, namespace, override=False)
    report.use_names(names)
    return report


def ensure_valid(report: ValidationReport) -> ValidationReport:
    """Return ``report`` when the data conforms; raise ShapeViolationError otherwise."""
    if not report.conforms:
        count = len(report.violations)
        raise ShapeViolationError(
            f"the data does not conform to the shapes: {count} violation(s)",
            report=report,
        )
    return report


def _merge(data_graph: Graph) -> Graph:
    """A plain graph with every triple of ``data_graph`` (pyshacl validates it in place)."""
    merged = Graph()
    merged.namespace_manager = data_graph.namespace_manager
    if isinstance(data_graph, Dataset):
        for s, p, o, _ in data_graph.quads((None, None, None, None)):
            merged.add((s, p, o))
    else:
        for triple in data_graph:
            merged.add(triple)
    return merged


def _file_locator(data_graph: Graph, graph_files: Mapping[str, str]) -> Any:
    """A function: focus node -> the data file (or graph IRI) describing it, or None."""
    if not isinstance(data_graph, Dataset):
        return lambda node: None

    def locate(node: Node) -> str | None:
        for pattern in ((node, None, None), (None, None, node)):
            names = sorted(
                {str(_graph_name(ctx)) for _, _, _, ctx in data_graph.quads(pattern) if ctx}
            )
            if names:
                return graph_files.get(names[0], names[0])
        return None

    return locate


def _graph_name(ctx: Any) -> Node:
    return ctx.identifier if isinstance(ctx, Graph) else ctx


__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_INFERENCE",
    "Engine",
    "Inference",
    "ValidationReport",
    "ValidationResult",
    "ensure_valid",
    "validate",
    "validate_sources",
]
