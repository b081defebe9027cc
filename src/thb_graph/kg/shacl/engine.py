"""Running the compiled checks on a pyoxigraph Store and writing pyshacl's report.

The results carry what pyshacl puts in its report (focus node, path, value, source shape,
constraint component, severity, messages with ``{?var}`` and ``{$this}`` substituted), so a
report of this engine reads like one of pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from thb_graph.kg.shacl.compile import INLINE_FOCUS, Check, Compiler, Test
from thb_graph.kg.shacl.focus import ChangedNodes
from thb_graph.kg.shacl.messages import DefaultMessages
from thb_graph.kg.shacl.model import UnsupportedShapeError, read_shapes
from thb_graph.kg.shacl.report import (
    ReportGraphOf,
    ValidationReport,
    ValidationResult,
    component_name,
    local_name,
)
from thb_graph.kg.store.terms import to_oxigraph, to_rdflib
from thb_graph.namespaces import RDFS, SH

#: The IRIs of the membership functions of the compiled queries start with this.
MEMBER_FUNCTION = "urn:thb-graph:validate:member-of-set-"
#: The longest query the compiler may produce: the largest measured is about 60,000
#: characters (the inlined focus nodes of a shape, INLINE_FOCUS of them).
MAX_QUERY_CHARS = 400_000
_XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_TRUE = ox.Literal("true", datatype=_XSD_BOOLEAN)
_FALSE = ox.Literal("false", datatype=_XSD_BOOLEAN)


@dataclass(frozen=True)
class Found:
    """One validation result before it is written into the report graph."""

    focus: Node
    path: Node | None
    value: Node | None
    check: Check
    messages: tuple[Literal, ...]


class StoreOracle:
    """Class closures and the Python-side tests, answered from a store (and cached)."""

    def __init__(self, store: ox.Store, hidden: str | None = None) -> None:
        self.store = store
        #: the graphs the queries read as their default graph (None: every graph)
        self.dataset: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        if hidden is not None:
            self.dataset = [g for g in store.named_graphs() if g != ox.NamedNode(hidden)]
        self._classes: dict[Node, list[Node]] = {}
        self._failing: dict[tuple[object, str], list[Node]] = {}
        self._functions: dict[ox.NamedNode, Callable[..., Any]] = {}
        self._sets: dict[frozenset[Any], str] = {}

    def subclasses(self, cls: Node) -> Sequence[Node]:
        """``cls`` and every class below it through rdfs:subClassOf."""
        if cls not in self._classes:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {cls.n3()} }}"
            found = [to_rdflib(row["c"]) for row in self.query(query)]
            self._classes[cls] = found or [cls]
        return self._classes[cls]

    def failing(self, key: object, test: Test, query: str) -> Sequence[Node]:
        """The values ``?cand`` of ``query`` that fail ``test``."""
        if (key, query) not in self._failing:
            values = (to_rdflib(row["cand"]) for row in self.query(query))
            self._failing[(key, query)] = [v for v in values if test(v)]
        return self._failing[(key, query)]

    def nodes(self, query: str, limit: int) -> Sequence[Node] | None:
        """The ``?this`` of ``query``, or None when there are more than ``limit``."""
        found: list[Node] = []
        for row in self.query(query):
            if len(found) == limit:
                return None
            found.append(to_rdflib(row["this"]))
        return found

    def pairs(self, query: str) -> list[tuple[Node, Node]]:
        """The rows of a query of two variables, as pairs of terms."""
        return [(to_rdflib(row[0]), to_rdflib(row[1])) for row in self.query(query)]

    def member_function(self, terms: Sequence[Node]) -> str:
        """A function of the queries, true for the terms of ``terms``: the terms stay in
        Python (a set), so the query keeps its size however many there are."""
        members = frozenset(to_oxigraph(t) for t in terms)
        if members not in self._sets:
            name = f"{MEMBER_FUNCTION}{len(self._sets)}"
            self._sets[members] = name

            def member(term: Any) -> ox.Literal:
                return _TRUE if term in members else _FALSE

            self._functions[ox.NamedNode(name)] = member
        return self._sets[members]

    def query(self, query: str) -> Any:
        """The solutions of ``query`` over the union of the store's graphs."""
        if len(query) > MAX_QUERY_CHARS:  # a compiler fault: never hand it to the parser
            raise RuntimeError(f"the shape compiler wrote a query of {len(query)} characters")
        try:
            functions = self._functions or None
            if self.dataset is not None:
                return self.store.query(
                    query, default_graph=self.dataset, custom_functions=functions
                )
            return self.store.query(
                query, use_default_graph_as_union=True, custom_functions=functions
            )
        except SyntaxError as e:
            raise UnsupportedShapeError(f"a shape gives a query Oxigraph rejects: {e}") from e


#: Restricting focus nodes to the changed graphs costs about this many times more per
#: changed triple than checking a whole store does per triple (measured at 100k triples:
#: 10.4 s restricted against 0.9 s whole); past that share, the whole store is checked
#: and the results kept for the changed nodes only.
RESTRICTED_COST = 10


def run_checks(
    store: ox.Store,
    shapes: Graph,
    focus_graphs: Sequence[str] | None = None,
    names: Graph | None = None,
    hidden: str | None = None,
) -> list[Found]:
    """Every result of the shapes of ``shapes`` over the union of the store's graphs;
    ``names`` (the data, or its prefixes) names nodes in pyshacl's default messages.

    With ``focus_graphs``, only nodes with a triple in those graphs are focus nodes: for a
    small change the queries find them first; when the changed graphs are a large part of
    the store, every node is checked and the results kept for those nodes (the same
    results, as a node's results never depend on which other nodes are checked).
    ``hidden`` names a graph the checks never read as data (one listing focus nodes).
    """
    oracle = StoreOracle(store, hidden)
    defaults = DefaultMessages(shapes, names if names is not None else _prefixes_of(shapes))
    keep: Callable[[Node], bool] | None = None
    if focus_graphs is not None and _mostly_changed(store, focus_graphs):
        keep, focus_graphs = _in_graphs(store, focus_graphs), None
    roots = read_shapes(shapes)
    changed = None
    if focus_graphs is not None:
        changed = ChangedNodes.find(oracle, focus_graphs, roots, INLINE_FOCUS)
    compiler = Compiler(oracle, focus_graphs, changed)
    found: list[Found] = []
    for root in roots:
        for check in compiler.checks(root):
            solutions = oracle.query(check.query)
            if check.kind == "sparql":
                found += _sparql_results(check, solutions)
            else:
                found += _plain_results(check, solutions, defaults)
    if keep is not None:
        found = [f for f in found if keep(f.focus)]
    return found


def _mostly_changed(store: ox.Store, graphs: Sequence[str]) -> bool:
    """True when the triples of ``graphs`` make up 1/RESTRICTED_COST of the store or more
    (counted up to that share only: a COUNT query reads a million triples in seconds)."""
    if not graphs:
        return False
    share = len(store) // RESTRICTED_COST
    seen = 0
    for graph in graphs:
        for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            seen += 1
            if seen >= share:
                return True
    return False


def _in_graphs(store: ox.Store, graphs: Sequence[str]) -> Callable[[Node], bool]:
    """node -> whether it has a triple (as subject or object) in one of ``graphs``."""
    named = [ox.NamedNode(g) for g in graphs]

    def inside(node: Node) -> bool:
        term = to_oxigraph(node)
        for graph in named:
            if not isinstance(term, ox.Literal) and any(
                True for _ in store.quads_for_pattern(term, None, None, graph)
            ):
                return True
            if any(True for _ in store.quads_for_pattern(None, None, term, graph)):
                return True
        return False

    return inside


def _plain_results(check: Check, solutions: Any, defaults: DefaultMessages) -> list[Found]:
    shape = check.shape
    out = []
    for row in solutions:
        focus = to_rdflib(row["this"])
        value = to_rdflib(row["value"]) if check.kind == "value" else None
        messages = shape.messages or defaults(shape.node, check.component, focus, value)
        out.append(Found(focus, shape.path_node, value, check, messages))
    return out


def _prefixes_of(shapes: Graph) -> Graph:
    names = Graph()
    for prefix, namespace in shapes.namespaces():
        names.bind(prefix, namespace, override=False)
    return names


def _sparql_results(check: Check, solutions: Any) -> list[Found]:
    """pyshacl's reading of a SPARQL constraint's rows (see its SPARQLBasedConstraint)."""
    shape, sparql = check.shape, check.sparql
    if sparql is None:
        raise ValueError("not a SPARQL check")
    names = [v.value for v in solutions.variables]
    if "failure" in names:
        raise UnsupportedShapeError(f"{sparql.node.n3()} selects ?failure, not supported")
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in solutions:
        bound = {n: to_rdflib(row[n]) for n in names if row[n] is not None}
        this, path, value = bound.pop("this"), bound.pop("path", None), bound.pop("value", None)
        key = (this, path, value, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        if value is None and shape.path is None:
            value = this
        substitute = {**bound, "this": this}
        if path is not None:
            substitute["path"] = path
        if value is not None:
            substitute["value"] = value
        messages = [Literal(_format(str(m), substitute)) for m in shape.messages]
        messages += [
            Literal(_format(str(m), substitute)) for m in sparql.messages if m not in shape.messages
        ]
        out.append(
            Found(this, path or shape.path_node, value, check=check, messages=tuple(messages))
        )
    return out


def _format(message: str, bound: Mapping[str, Node]) -> str:
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)  # as pyshacl does
    return message


# ---- the report ----------------------------------------------------------------------------
def report_of(
    found: Sequence[Found], shapes: Graph, locate: Callable[[Node], str | None]
) -> ValidationReport:
    """A ValidationReport of ``found``: the results at once, the report graph on demand."""
    owners: dict[Node, Node] = {}
    paths: dict[Node, list[tuple[Node, Node, Node]]] = {}
    results = []
    for item in found:
        shape = item.check.shape
        node = shape.node
        if node not in owners:
            owner = (
                shapes.value(predicate=SH.property, object=node)
                if isinstance(node, BNode)
                else None
            )
            owners[node] = owner if owner is not None else node
        if item.path is not None and item.path not in paths:
            paths[item.path] = _blank_triples(shapes, item.path)
        message = str(item.messages[0]) if item.messages else component_name(item.check.component)
        results.append(
            ValidationResult(
                focus_node=item.focus,
                path=item.path,
                message=message,
                severity=local_name(shape.severity),
                source_shape=owners[node],
                value=item.value,
                data_file=locate(item.focus),
                component=item.check.component,
                constraint=item.check.sparql.node if item.check.sparql is not None else None,
                messages=item.messages,
                shape_node=node,
            )
        )
    results.sort(key=lambda r: (r.data_file or "", str(r.focus_node), str(r.path), r.message))
    conforms = not any(r.severity == "Violation" for r in results)
    graph_of = ReportGraphOf(
        results=tuple(results),
        conforms=conforms,
        prefixes=tuple((p, str(ns)) for p, ns in shapes.namespaces()),
        paths=tuple(t for triples in paths.values() for t in triples),
    )
    report = ValidationReport(conforms=conforms, results=results, graph_of=graph_of)
    report.use_names(_prefixes_of(shapes))
    return report


def _blank_triples(source: Graph, node: Node) -> list[tuple[Node, Node, Node]]:
    out: list[tuple[Node, Node, Node]] = []
    if isinstance(node, BNode):
        for p, o in source.predicate_objects(node):
            out.append((node, p, o))
            out += _blank_triples(source, o)
    return out


def store_locator(
    store: ox.Store,
    data_graphs: Collection[str] | None,
    graph_files: Mapping[str, str],
) -> Callable[[Node], str | None]:
    """focus node -> the data file (or graph IRI) describing it, as kg.validate finds it:
    the first graph, by name, where it is a subject, else where it is an object."""

    def locate(node: Node) -> str | None:
        term = to_oxigraph(node)
        patterns: list[tuple[ox.NamedNode | ox.BlankNode | None, None, Any]] = [(None, None, term)]
        if not isinstance(term, ox.Literal):
            patterns.insert(0, (term, None, None))
        for s, p, o in patterns:
            names = sorted(
                {
                    q.graph_name.value
                    for q in store.quads_for_pattern(s, p, o)
                    if isinstance(q.graph_name, ox.NamedNode)
                    and (data_graphs is None or q.graph_name.value in data_graphs)
                }
            )
            if names:
                return graph_files.get(names[0], names[0])
        return None

    return locate
