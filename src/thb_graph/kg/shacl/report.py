"""A SHACL validation report people can read and machines can use, whichever engine made it.

Kept apart from :mod:`thb_graph.kg.validate` so that both engines (pyshacl there, the
compiled SPARQL in :mod:`thb_graph.kg.shacl`) build the same report without importing each
other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from thb_graph.namespaces import RDF, SH


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
