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

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from thb_graph.errors import ConfigError, ShapeViolationError
from thb_graph.kg.build import SourceDataset
from thb_graph.namespaces import RDF, SH

_log = logging.getLogger(__name__)

Inference = Literal["none", "rdfs", "owlrl", "both"]
Engine = Literal["auto", "sparql", "pyshacl"]

#: The inference pyshacl runs before validating (measured: "none" is enough and fastest).
DEFAULT_INFERENCE: Inference = "none"
#: The engine ``validate`` uses unless told otherwise.
DEFAULT_ENGINE: Engine = "auto"


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: what failed, where, and in which data file."""

    focus_node: Node
    path: Node | None
    message: str
    severity: str
    source_shape: Node | None
    value: Node | None
    data_file: str | None


@dataclass
class ValidationReport:
    """The outcome of a validation: pyshacl's verdict, text and graph, and parsed results."""

    conforms: bool
    text: str
    graph: Graph
    results: list[ValidationResult] = field(default_factory=list)

    @property
    def violations(self) -> list[ValidationResult]:
        """The results of severity Violation (warnings and infos do not fail the data)."""
        return [r for r in self.results if r.severity == "Violation"]

    def to_text(self, graph: Graph | None = None) -> str:
        """A readable report: one block per result (``graph`` supplies prefixes)."""
        names = graph if graph is not None else self.graph
        if self.conforms and not self.results:
            return "Conforms: the data satisfies every shape.\n"
        head = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{head}: {len(self.violations)} violation(s), {len(self.results)} result(s).", ""]
        for r in self.results:
            lines.append(f"{r.severity}: {r.message}")
            lines.append(f"  focus node: {_show(r.focus_node, names)}")
            if r.path is not None:
                lines.append(f"  path:       {_show(r.path, names)}")
            if r.value is not None:
                lines.append(f"  value:      {_show(r.value, names)}")
            if r.source_shape is not None:
                lines.append(f"  shape:      {_show(r.source_shape, names)}")
            lines.append(f"  data file:  {r.data_file or '(unknown)'}")
            lines.append("")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary: ``conforms`` and a list of results with N3-written terms."""

        def n3(term: Node | None) -> str | None:
            return None if term is None else term.n3()

        return {
            "conforms": self.conforms,
            "results": [
                {
                    "focus_node": n3(r.focus_node),
                    "path": n3(r.path),
                    "message": r.message,
                    "severity": r.severity,
                    "source_shape": n3(r.source_shape),
                    "value": n3(r.value),
                    "data_file": r.data_file,
                }
                for r in self.results
            ],
        }

    def to_turtle(self) -> str:
        """The SHACL validation report graph as Turtle."""
        return self.graph.serialize(format="turtle")

    def render(self, fmt: str, graph: Graph | None = None) -> str:
        """The report as ``text``, ``turtle`` or ``json``."""
        if fmt == "turtle":
            return self.to_turtle()
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        return self.to_text(graph)


def _show(term: Node, graph: Graph) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except ValueError:
            return term.n3()
    if isinstance(term, BNode):
        return "(blank node)"
    return term.n3(graph.namespace_manager)


def validate(
    data_graph: Graph,
    shapes_graph: Graph,
    ontology_graph: Graph | None = None,
    *,
    inference: Inference = DEFAULT_INFERENCE,
    graph_files: Mapping[str, str] | None = None,
    engine: Engine = DEFAULT_ENGINE,
) -> ValidationReport:
    """Validate ``data_graph`` against ``shapes_graph`` with ``ontology_graph`` mixed in.

    ``data_graph`` may be a Dataset: its named graphs are merged and each result's
    ``data_file`` is the graph its focus node is described in (mapped through
    ``graph_files``, graph IRI -> file name, when given). Warnings and infos do not make
    the data non-conforming: it conforms when no result has severity Violation. Broken
    shapes raise ConfigError, and so do shapes the ``sparql`` engine cannot run when it
    is asked for by name.
    """
    if engine != "pyshacl":
        from thb_graph.kg.shacl import UnsupportedShapeError, validate_graphs

        if inference != "none" and engine == "sparql":
            raise ConfigError("the sparql validation engine runs without inference")
        if inference == "none":
            try:
                return validate_graphs(
                    data_graph, shapes_graph, ontology_graph, graph_files=graph_files
                )
            except UnsupportedShapeError as e:
                if engine == "sparql":
                    raise ConfigError(f"the shapes cannot be used by the sparql engine: {e}") from e
                _log.info("validating with pyshacl: %s", e)
    return _validate_pyshacl(data_graph, shapes_graph, ontology_graph, inference, graph_files)


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
    report.graph.namespace_manager = names.namespace_manager
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


def report_results(report: Graph, shapes: Graph, locate: Any) -> list[ValidationResult]:
    """The results of a SHACL report graph, property shapes named by their node shape."""
    out: list[ValidationResult] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus is None:
            continue
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        if isinstance(shape, BNode):
            shape = shapes.value(predicate=SH.property, object=shape) or shape
        message = report.value(result, SH.resultMessage)
        component = report.value(result, SH.sourceConstraintComponent)
        out.append(
            ValidationResult(
                focus_node=focus,
                path=report.value(result, SH.resultPath),
                message=str(message) if message is not None else _component_name(component),
                severity=_local_name(severity) if severity is not None else "Violation",
                source_shape=shape,
                value=report.value(result, SH.value),
                data_file=locate(focus),
            )
        )
    out.sort(key=lambda r: (r.data_file or "", str(r.focus_node), str(r.path), r.message))
    return out


def _local_name(term: Node) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _component_name(component: Node | None) -> str:
    if component is None:
        return "constraint not satisfied"
    return f"{_local_name(component)} not satisfied"
