"""The shapes the SPARQL engine understands, read from a shapes graph.

Every ``sh:`` property of a shape must be one this module knows: any other (``sh:node``,
``sh:closed``, ``sh:equals``...) raises UnsupportedShapeError, so no constraint is ever
skipped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from thb_graph.errors import ConfigError
from thb_graph.namespaces import OWL, RDF, RDFS, SH


class UnsupportedShapeError(ConfigError):
    """A shape uses a SHACL feature the SPARQL engine does not implement."""


#: Parameters of constraint components, checked on the value nodes or the focus node.
CONSTRAINTS = frozenset(
    SH[name]
    for name in [
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "languageIn",
        "uniqueLang",
        "pattern",
        "flags",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "hasValue",
        "in",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "or",
        "xone",
        "not",
        "sparql",
        "property",
    ]
)
#: Properties of a shape that describe it or say where it applies.
DESCRIPTIVE = frozenset(
    SH[name]
    for name in [
        "message",
        "severity",
        "path",
        "name",
        "description",
        "order",
        "group",
        "deactivated",
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "target",
        "defaultValue",
    ]
)
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
#: The prefixes pyshacl declares in every SPARQL query before those of sh:prefixes.
DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}


@dataclass(frozen=True)
class SparqlText:
    """A SPARQL SELECT of a shape (a target or a constraint) with its prefixes."""

    node: Node
    select: str
    prefixes: dict[str, str]
    messages: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class Target:
    """One target declaration: ``kind`` is class, subjectsOf, objectsOf or sparql."""

    kind: str
    value: Node | SparqlText


@dataclass
class Shape:
    """A node or property shape with its constraints (parameter -> values)."""

    node: Node
    path_node: Node | None
    path: str | None
    severity: URIRef
    messages: tuple[Literal, ...]
    params: dict[URIRef, list[Node]] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlText] = field(default_factory=list)
    nested: dict[Node, Shape] = field(default_factory=dict)
    lists: dict[Node, list[Node]] = field(default_factory=dict)

    def param(self, name: str) -> Node | None:
        """The single value of ``sh:{name}``, or None."""
        values = self.params.get(SH[name], [])
        if len(values) > 1:
            raise UnsupportedShapeError(f"shape {self.node.n3()} has several sh:{name}")
        return values[0] if values else None


_READ: dict[int, tuple[Graph, int, list[Shape]]] = {}


def read_shapes(graph: Graph) -> list[Shape]:
    """The shapes of ``graph`` that have targets (the others only run inside them); read
    once per shapes graph (and size), since every write validates with the same shapes."""
    cached = _READ.get(id(graph))
    if cached is not None and cached[0] is graph and cached[1] == len(graph):
        return cached[2]
    shapes = _read_shapes(graph)
    if len(_READ) >= 8:
        _READ.clear()
    _READ[id(graph)] = (graph, len(graph), shapes)
    return shapes


def _read_shapes(graph: Graph) -> list[Shape]:
    reader = _Reader(graph)
    roots = {s for s, p in graph.subject_predicates(None) if str(p).startswith(str(SH) + "target")}
    for node in graph.subjects(RDF.type, None):
        types = set(graph.objects(node, RDF.type))
        if types & set(SHAPE_TYPES) and types & {RDFS.Class, OWL.Class}:
            raise UnsupportedShapeError(f"implicit class target of {node.n3()}")
    shapes = [reader.shape(node) for node in sorted(roots, key=str)]
    return [s for s in shapes if not _deactivated(graph, s.node)]


def _deactivated(graph: Graph, node: Node) -> bool:
    value = graph.value(node, SH.deactivated)
    return isinstance(value, Literal) and value.value is True


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.cache: dict[Node, Shape] = {}
        self.reading: set[Node] = set()

    def shape(self, node: Node) -> Shape:
        if node in self.cache:
            return self.cache[node]
        if node in self.reading:
            raise UnsupportedShapeError(f"recursive shape {node.n3()}")
        self.reading.add(node)
        g = self.graph
        path_node = g.value(node, SH.path)
        severity = g.value(node, SH.severity) or SH.Violation
        shape = Shape(
            node=node,
            path_node=path_node,
            path=None if path_node is None else sparql_path(g, path_node),
            severity=URIRef(str(severity)),
            messages=tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal)),
        )
        for p, o in g.predicate_objects(node):
            if not str(p).startswith(str(SH)) or p in DESCRIPTIVE:
                continue
            if p not in CONSTRAINTS:
                raise UnsupportedShapeError(f"shape {node.n3()} uses {p.n3()}, not supported")
            shape.params.setdefault(URIRef(str(p)), []).append(o)
        self._targets(shape)
        self._children(shape)
        self.reading.discard(node)
        self.cache[node] = shape
        return shape

    def _targets(self, shape: Shape) -> None:
        g = self.graph
        kinds = {SH.targetClass: "class", SH.targetSubjectsOf: "subjectsOf"}
        kinds |= {SH.targetObjectsOf: "objectsOf", SH.targetNode: "node"}
        for p, kind in kinds.items():
            shape.targets += [Target(kind, o) for o in g.objects(shape.node, p)]
        for target in g.objects(shape.node, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in g:
                raise UnsupportedShapeError(f"sh:target of {shape.node.n3()}: only SPARQL")
            shape.targets.append(Target("sparql", self.sparql(target)))

    def _children(self, shape: Shape) -> None:
        g = self.graph
        for prop in shape.params.pop(SH.property, []):
            if _deactivated(g, prop):
                continue
            child = self.shape(prop)
            if child.path is None:
                raise UnsupportedShapeError(f"property shape {prop.n3()} has no sh:path")
            shape.properties.append(child)
        for check in shape.params.pop(SH.sparql, []):
            if not _deactivated(g, check):
                shape.sparql.append(self.sparql(check))
        for name in ("or", "xone", "in", "languageIn"):
            for head in shape.params.get(SH[name], []):
                shape.lists[head] = list(Collection(g, head))
        for name in ("or", "xone"):
            for head in shape.params.get(SH[name], []):
                for member in shape.lists[head]:
                    shape.nested[member] = self.shape(member)
        for name in ("not", "qualifiedValueShape"):
            for member in shape.params.get(SH[name], []):
                shape.nested[member] = self.shape(member)

    def sparql(self, node: Node) -> SparqlText:
        g = self.graph
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise UnsupportedShapeError(f"{node.n3()} needs exactly one sh:select")
        for p in g.predicates(node, None):
            if p in (SH.ask, SH.construct, SH.update):
                raise UnsupportedShapeError(f"{node.n3()} uses {p.n3()}, not supported")
        prefixes = dict(DEFAULT_PREFIXES)
        for source in g.objects(node, SH.prefixes):
            for decl in g.objects(source, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is not None and namespace is not None:
                    prefixes[str(prefix)] = str(namespace)
        messages = tuple(m for m in g.objects(node, SH.message) if isinstance(m, Literal))
        return SparqlText(node, str(selects[0]), prefixes, messages)


_PATH_SUFFIX = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def sparql_path(graph: Graph, node: Node) -> str:
    """The SPARQL property path of a SHACL path."""
    if isinstance(node, URIRef):
        return node.n3()
    if not isinstance(node, BNode):
        raise UnsupportedShapeError(f"sh:path {node.n3()} is not a path")
    if graph.value(node, RDF.first) is not None:
        return "(" + "/".join(sparql_path(graph, m) for m in Collection(graph, node)) + ")"
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return f"^({sparql_path(graph, inverse)})"
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        members = Collection(graph, alternatives)
        return "(" + "|".join(sparql_path(graph, m) for m in members) + ")"
    for predicate, suffix in _PATH_SUFFIX.items():
        inner = graph.value(node, predicate)
        if inner is not None:
            return f"({sparql_path(graph, inner)}){suffix}"
    raise UnsupportedShapeError(f"sh:path {node.n3()} is not a SHACL path")
