"""A SHACL validation report people can read and machines can use, whichever engine made it.

Kept apart from :mod:`thb_graph.kg.validate` so that both engines (pyshacl there, the
compiled SPARQL in :mod:`thb_graph.kg.shacl`) build the same report without importing each
other.

A report of many results stays cheap: the SHACL report graph and the full text are made
only when asked for (a file, a 422 answer), and ``summary`` gives the counts by shape and
the first results for a terminal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from thb_graph.namespaces import RDF, SH

#: Results a summary shows in full; the rest are counted by shape.
SUMMARY_RESULTS = 20


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: what failed, where, and in which data file.

    ``component``, ``constraint``, ``messages`` and ``shape_node`` (the shape as written,
    a property shape's blank node included) let the report graph be written later.
    """

    focus_node: Node
    path: Node | None
    message: str
    severity: str
    source_shape: Node | None
    value: Node | None
    data_file: str | None
    component: Node | None = field(default=None, compare=False)
    constraint: Node | None = field(default=None, compare=False)
    messages: tuple[Literal, ...] = field(default=(), compare=False)
    shape_node: Node | None = field(default=None, compare=False)


class ValidationReport:
    """The outcome of a validation: the verdict, the parsed results, and on demand the
    SHACL report graph (``graph``) and the full readable text (``text``)."""

    def __init__(
        self,
        conforms: bool,
        text: str | None = None,
        graph: Graph | None = None,
        results: Sequence[ValidationResult] = (),
        *,
        graph_of: Callable[[], Graph] | None = None,
    ) -> None:
        self.conforms = conforms
        self.results = list(results)
        self._text = text
        self._graph = graph
        self._graph_of = graph_of
        self._names: Graph | None = None

    @property
    def graph(self) -> Graph:
        """The SHACL validation report graph (written on first use)."""
        if self._graph is None:
            self._graph = self._graph_of() if self._graph_of is not None else Graph()
            if self._names is not None:
                self._graph.namespace_manager = self._names.namespace_manager
        return self._graph

    @graph.setter
    def graph(self, value: Graph) -> None:
        self._graph = value

    @property
    def text(self) -> str:
        """The full readable report (written on first use)."""
        if self._text is None:
            self._text = self.to_text()
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

    def use_names(self, names: Graph) -> None:
        """Name nodes in the text and the graph with the prefixes of ``names``."""
        self._names = names
        if self._graph is not None:
            self._graph.namespace_manager = names.namespace_manager

    @property
    def names(self) -> Graph:
        """The graph whose prefixes name the nodes of the text."""
        if self._names is not None:
            return self._names
        return self._graph if self._graph is not None else Graph()

    @property
    def violations(self) -> list[ValidationResult]:
        """The results of severity Violation (warnings and infos do not fail the data)."""
        return [r for r in self.results if r.severity == "Violation"]

    def headline(self) -> str:
        """One line: the verdict and the counts."""
        if self.conforms and not self.results:
            return "Conforms: the data satisfies every shape."
        head = "Conforms" if self.conforms else "Does not conform"
        return f"{head}: {len(self.violations)} violation(s), {len(self.results)} result(s)."

    def by_shape(self) -> list[tuple[str, Node | None, int]]:
        """(severity, shape, count) for every shape with results, most results first."""
        counts = Counter((r.severity, r.source_shape) for r in self.results)
        return [
            (severity, shape, n)
            for (severity, shape), n in sorted(
                counts.items(), key=lambda kv: (-kv[1], kv[0][0], str(kv[0][1]))
            )
        ]

    def summary(self, limit: int = SUMMARY_RESULTS) -> str:
        """The verdict, the count of results per shape, and the first ``limit`` results."""
        if not self.results:
            return self.headline() + "\n"
        names = self.names
        lines = [self.headline(), "", "Results by shape:"]
        for severity, shape, n in self.by_shape():
            shown = _show(shape, names) if shape is not None else "(no shape)"
            lines.append(f"  {n:>9}  {severity:<9} {shown}")
        lines.append("")
        shown_results = self.results[:limit]
        lines.append(f"First {len(shown_results)} result(s):")
        lines.append("")
        lines += _blocks(shown_results, names)
        rest = len(self.results) - len(shown_results)
        if rest:
            lines.append(f"... and {rest} more result(s): write them all with --report FILE.")
            lines.append("")
        return "\n".join(lines)

    def to_text(self, graph: Graph | None = None) -> str:
        """A readable report: one block per result (``graph`` supplies prefixes)."""
        names = graph if graph is not None else self.names
        if self.conforms and not self.results:
            return self.headline() + "\n"
        return "\n".join([self.headline(), "", *_blocks(self.results, names)])

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
                message=str(message) if message is not None else component_name(component),
                severity=local_name(severity) if severity is not None else "Violation",
                source_shape=shape,
                value=report.value(result, SH.value),
                data_file=locate(focus),
            )
        )
    out.sort(key=lambda r: (r.data_file or "", str(r.focus_node), str(r.path), r.message))
    return out


def local_name(term: Node) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def component_name(component: Node | None) -> str:
    if component is None:
        return "constraint not satisfied"
    return f"{local_name(component)} not satisfied"


def _blocks(results: Sequence[ValidationResult], names: Graph) -> list[str]:
    lines: list[str] = []
    for r in results:
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
    return lines


@dataclass(frozen=True)
class ReportGraphOf:
    """Writes the sh:ValidationReport graph of results on demand (a picklable value)."""

    results: tuple[ValidationResult, ...]
    conforms: bool
    prefixes: tuple[tuple[str, str], ...]
    #: the triples of the blank-node paths the results name, copied from the shapes
    paths: tuple[tuple[Node, Node, Node], ...]

    def __call__(self) -> Graph:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in self.prefixes:
            graph.bind(prefix, namespace, override=False)
        head = BNode()
        graph.add((head, RDF.type, SH.ValidationReport))
        graph.add((head, SH.conforms, Literal(self.conforms)))
        severities = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
        for r in self.results:
            node = BNode()
            graph.add((head, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, r.focus_node))
            graph.add((node, SH.resultSeverity, severities.get(r.severity, SH[r.severity])))
            shape = r.shape_node if r.shape_node is not None else r.source_shape
            if shape is not None:
                graph.add((node, SH.sourceShape, shape))
            if r.component is not None:
                graph.add((node, SH.sourceConstraintComponent, r.component))
            if r.constraint is not None:
                graph.add((node, SH.sourceConstraint, r.constraint))
            if r.value is not None:
                graph.add((node, SH.value, r.value))
            if r.path is not None:
                graph.add((node, SH.resultPath, r.path))
            for message in r.messages or (Literal(r.message),):
                graph.add((node, SH.resultMessage, message))
        for triple in self.paths:
            graph.add(triple)
        return graph
