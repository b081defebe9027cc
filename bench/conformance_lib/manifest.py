"""Read W3C test manifests (``mf:include`` and ``mf:entries``) into :class:`Case` records.

Every file IRI is the ``file:`` URL of the file on disk, which is also the base IRI of the
file, the name of the graph it is loaded into, and what a query's ``FROM <file.ttl>``
resolves to (queries are sent with ``BASE`` set to their own location).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
DAWGT = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"

#: Test types this harness runs: a query, its data, its expected answer.
EVALUATION_TYPES = frozenset((MF + "QueryEvaluationTest", MF + "CSVResultFormatTest"))


@dataclass(frozen=True)
class Case:
    """One test of a manifest."""

    iri: str
    name: str
    manifest: Path
    type: str
    query: Path | None = None
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None
    approval: str = ""
    requires: tuple[str, ...] = ()
    lax: bool = False

    @property
    def short_type(self) -> str:
        """The test type without its namespace."""
        return self.type.rsplit("#", 1)[-1]


@dataclass
class Manifest:
    """One manifest file: its label and tests, or why it could not be read."""

    path: Path
    label: str = ""
    cases: list[Case] = field(default_factory=list)
    problem: str = ""


def read_manifests(path: Path) -> Iterator[Manifest]:
    """The manifests under ``path``, following ``mf:include`` depth first, in order."""
    seen: set[Path] = set()
    yield from _walk(path.resolve(), seen)


def _walk(path: Path, seen: set[Path]) -> Iterator[Manifest]:
    if path in seen:
        return
    seen.add(path)
    if not path.is_file():
        yield Manifest(path, problem="manifest file missing (not in this copy of the suite)")
        return
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    root = URIRef(path.as_uri())
    label = str(graph.value(root, RDFS.label) or "")
    cases = [_case(graph, entry, path) for entry in _list(graph, root, MF + "entries")]
    if cases or graph.value(root, URIRef(MF + "entries")) is not None:
        yield Manifest(path, label, cases)
    for included in _list(graph, root, MF + "include"):
        yield from _walk(_path(included), seen)


def _list(graph: Graph, subject: Node, predicate: str) -> list[Node]:
    head = graph.value(subject, URIRef(predicate))
    return [] if head is None else list(Collection(graph, head))


def _path(node: Node) -> Path:
    parsed = urlparse(str(node))
    if parsed.scheme != "file":
        raise ValueError(f"not a local file: {node}")
    return Path(unquote(parsed.path))


def _case(graph: Graph, entry: Node, manifest: Path) -> Case:
    def one(subject: Node | None, predicate: str) -> Node | None:
        return None if subject is None else graph.value(subject, URIRef(predicate))

    def every(subject: Node | None, predicate: str) -> list[Node]:
        return [] if subject is None else sorted(graph.objects(subject, URIRef(predicate)))

    action = one(entry, MF + "action")
    query = one(action, QT + "query")
    result = one(entry, MF + "result")
    kinds = sorted(str(t) for t in graph.objects(entry, RDF.type))
    kind = next((k for k in kinds if k in EVALUATION_TYPES), kinds[0] if kinds else "")
    return Case(
        iri=str(entry),
        name=str(one(entry, MF + "name") or str(entry).rsplit("#", 1)[-1]),
        manifest=manifest,
        type=kind,
        query=_path(query) if query is not None else None,
        data=tuple(_path(d) for d in every(action, QT + "data")),
        graph_data=tuple(_path(d) for d in every(action, QT + "graphData")),
        result=_path(result) if result is not None else None,
        approval=str(one(entry, DAWGT + "approval") or "").rsplit("#", 1)[-1],
        requires=tuple(str(r).rsplit("#", 1)[-1] for r in every(entry, MF + "requires")),
        lax=one(entry, MF + "resultCardinality") == URIRef(MF + "LaxCardinality"),
    )
