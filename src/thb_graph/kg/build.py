"""Read the ontology, the data files and the shapes into rdflib graphs.

The ontology (``ontology/*.ttl``) goes into the ontology named graph, each data file
``data/{stem}.ttl`` into its own named graph ``graph/data/{stem}``. IRIs minted under the
default base are moved to ``settings.base_iri`` when that differs. A content hash over the
sources lets a store tell whether what it holds is up to date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from thb_graph.config import Settings
from thb_graph.errors import ConfigError, RdfSyntaxError
from thb_graph.kg.iris import Iris
from thb_graph.namespaces import DEFAULT_BASE_IRI, PREFIXES, SH

#: Bumped whenever building changes what ends up in a store, so old stores are rebuilt.
BUILD_FORMAT = "1"

#: Shape predicates whose literal text holds IRIs (SPARQL constraints, prefix declarations).
_SPARQL_TEXT_PREDICATES = frozenset(
    URIRef(str(SH) + name) for name in ("select", "ask", "construct", "update", "namespace")
)

#: The source folders, in the order they are hashed.
SOURCE_FOLDERS = ("ontology", "data", "shapes")


@dataclass
class SourceDataset:
    """The parsed sources: one named graph per file (the ontology files share one)."""

    dataset: Dataset
    content_hash: str
    iris: Iris
    #: Named graph IRI -> the source file(s) it was read from, relative to source_dir.
    graph_files: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ontology(self) -> Graph:
        """The ontology named graph."""
        return self.dataset.graph(URIRef(self.iris.ontology_graph))

    def data_graph_iris(self) -> list[str]:
        """IRIs of the data named graphs, in file order."""
        prefix = self.iris.graph("data/")
        return [iri for iri in self.graph_files if iri.startswith(prefix)]

    def data_union(self) -> Graph:
        """All data graphs merged into one plain graph (the ontology left out)."""
        merged = Graph()
        for iri in self.data_graph_iris():
            for triple in self.dataset.graph(URIRef(iri)):
                merged.add(triple)
        return merged

    def data_file_of(self, graph_iri: str) -> str | None:
        """The data file a named graph was read from (``data/actors.ttl``)."""
        files = self.graph_files.get(graph_iri)
        return files[0] if files else None


def prefixes_for(iris: Iris) -> dict[str, str]:
    """The project prefixes with the ones under the default base moved to ``iris.base``."""
    return {name: iris.rebase(ns) for name, ns in PREFIXES.items()}


def source_files(settings: Settings) -> dict[str, list[Path]]:
    """The Turtle files of each source folder, sorted by name (missing folders are empty)."""
    root = Path(settings.source_dir)
    if not root.is_dir():
        raise ConfigError(f"source_dir {root} is not a folder")
    found: dict[str, list[Path]] = {}
    for folder in SOURCE_FOLDERS:
        path = root / folder
        found[folder] = sorted(path.glob("*.ttl")) if path.is_dir() else []
    return found


def content_hash(settings: Settings) -> str:
    """A sha256 over the names and bytes of every source file, the base IRI and the build
    format: equal hashes mean a store built from these sources needs no rebuild."""
    digest = hashlib.sha256()
    digest.update(f"build-format {BUILD_FORMAT}\nbase {settings.base_iri}\n".encode())
    root = Path(settings.source_dir)
    for files in source_files(settings).values():
        for path in files:
            data = path.read_bytes()
            name = path.relative_to(root).as_posix()
            digest.update(f"{name}\n{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def parse_turtle(path: Path, *, iris: Iris, into: Graph, display_name: str | None = None) -> None:
    """Parse the Turtle file ``path`` into ``into``, rebasing IRIs to ``iris.base``.

    A syntax error raises RdfSyntaxError naming the file, line and column.
    """
    name = display_name or str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read {name}: {e.strerror}") from e
    target = into if iris.base == DEFAULT_BASE_IRI else Graph()
    try:
        target.parse(data=data, format="turtle", publicID=iris.base)
    except BadSyntax as e:
        line, column = _bad_syntax_position(e)
        raise RdfSyntaxError(
            f"{name}:{line}:{column}: Turtle syntax error: {e._why}", line=line, column=column
        ) from e
    except (ValueError, UnicodeDecodeError) as e:
        raise RdfSyntaxError(f"{name}: Turtle syntax error: {e}") from e
    if target is not into:
        for triple in rebase_triples(target, iris):
            into.add(triple)


def _bad_syntax_position(error: BadSyntax) -> tuple[int, int]:
    """1-based line and column of an rdflib Turtle parser error."""
    text: str | bytes = error._str
    offset = int(error._i)
    head = text[:offset]
    newline = b"\n" if isinstance(head, bytes) else "\n"
    line = head.count(newline) + 1  # type: ignore[arg-type]
    column = offset - (head.rfind(newline) + 1) + 1  # type: ignore[arg-type]
    return line, column


def rebase_term(term: Node, iris: Iris) -> Node:
    """``term`` with an IRI under the default base moved to ``iris.base``."""
    if isinstance(term, URIRef):
        moved = iris.rebase(str(term))
        return term if moved == str(term) else URIRef(moved)
    if isinstance(term, Literal) and term.datatype is not None:
        moved = iris.rebase(str(term.datatype))
        if moved != str(term.datatype):
            return Literal(str(term), datatype=URIRef(moved))
    return term


def rebase_triples(
    triples: Iterable[tuple[Node, Node, Node]], iris: Iris
) -> Iterator[tuple[Node, Node, Node]]:
    """The triples with every IRI moved from the default base to ``iris.base``."""
    if iris.base == DEFAULT_BASE_IRI:
        yield from triples
        return
    for s, p, o in triples:
        yield rebase_term(s, iris), rebase_term(p, iris), rebase_term(o, iris)


def build_dataset(settings: Settings) -> SourceDataset:
    """Read ``ontology/*.ttl`` and ``data/*.ttl`` into a Dataset of named graphs.

    The Dataset's default graph is the union of the named graphs.
    """
    iris = Iris(settings.base_iri)
    files = source_files(settings)
    digest = content_hash(settings)
    root = Path(settings.source_dir)
    dataset = Dataset(default_union=True)
    for prefix, namespace in prefixes_for(iris).items():
        dataset.bind(prefix, namespace, replace=True)
    graph_files: dict[str, list[str]] = {}
    ontology = dataset.graph(URIRef(iris.ontology_graph))
    for path in files["ontology"]:
        rel = path.relative_to(root).as_posix()
        parse_turtle(path, iris=iris, into=ontology, display_name=rel)
        graph_files.setdefault(iris.ontology_graph, []).append(rel)
    for path in files["data"]:
        rel = path.relative_to(root).as_posix()
        graph_iri = iris.data_graph(path.stem)
        parse_turtle(path, iris=iris, into=dataset.graph(URIRef(graph_iri)), display_name=rel)
        graph_files[graph_iri] = [rel]
    return SourceDataset(dataset=dataset, content_hash=digest, iris=iris, graph_files=graph_files)


def load_shapes(settings: Settings) -> Graph:
    """Every ``shapes/*.ttl`` file merged into one graph (IRIs rebased like the data).

    The text of SPARQL constraints and of ``sh:namespace`` declarations is rebased too, so a
    shape written against the default base keeps working under another one.
    """
    iris = Iris(settings.base_iri)
    root = Path(settings.source_dir)
    shapes = Graph()
    for prefix, namespace in prefixes_for(iris).items():
        shapes.bind(prefix, namespace, replace=True)
    for path in source_files(settings)["shapes"]:
        rel = path.relative_to(root).as_posix()
        parse_turtle(path, iris=iris, into=shapes, display_name=rel)
    if iris.base != DEFAULT_BASE_IRI:
        for s, p, o in list(shapes.triples((None, None, None))):
            if p in _SPARQL_TEXT_PREDICATES and isinstance(o, Literal):
                text = str(o).replace(DEFAULT_BASE_IRI, iris.base)
                shapes.remove((s, p, o))
                shapes.add((s, p, Literal(text, lang=o.language, datatype=o.datatype)))
    return shapes
