"""The Store interface every backend implements, and the one result type of a query."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from rdflib.term import Node

from thb_graph import formats

if TYPE_CHECKING:
    from thb_graph.kg.store.replica import MemoryReplica

QueryKind = Literal["select", "ask", "graph"]

#: Media types a store can dump or load whole datasets / graphs in.
QUAD_MEDIA_TYPES = tuple(f.media_type for f in formats.RDF_QUADS)
TRIPLE_MEDIA_TYPES = tuple(f.media_type for f in formats.RDF_TRIPLES)


@dataclass
class QueryResult:
    """What a query returns, whatever the backend.

    ``select``: ``variables`` and ``rows`` (tuples of rdflib terms or None, in variable order);
    ``ask``: ``boolean``; ``graph`` (CONSTRUCT/DESCRIBE): ``triples``.
    ``truncated`` is True when the row cap cut the rows (or the triples of a graph result).
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

    def row_count(self) -> int:
        """How many rows (of a SELECT)."""
        return len(self.rows)

    def json_bindings(self) -> list[dict[str, dict[str, str]]] | None:
        """The rows in the form of SPARQL JSON results, when the backend writes them faster
        than from rdflib terms (None: write them from ``rows``)."""
        return None

    def dicts(self) -> list[dict[str, Node]]:
        """Rows as dicts (unbound variables left out), handy for Python callers."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]


class LazyRows(QueryResult, ABC):
    """SELECT rows kept in a backend's own form (``native``), turned into rdflib terms only
    when someone reads ``rows``: making the terms costs about as much as finding the rows,
    and the endpoint writes JSON results from the native form (``json_bindings``)."""

    def __init__(self, variables: tuple[str, ...], native: Sequence[Any], truncated: bool) -> None:
        self._native = native
        self._rows: list[tuple[Node | None, ...]] | None = None
        super().__init__(kind="select", variables=variables, truncated=truncated)

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """The rows as rdflib terms (converted once)."""
        if self._rows is None:
            self._rows = self.terms_of(self._native)
        return self._rows

    @rows.setter
    def rows(self, value: list[tuple[Node | None, ...]]) -> None:
        self._rows = value or None  # the dataclass sets an empty list: keep converting lazily

    def row_count(self) -> int:
        """How many rows, without converting them."""
        return len(self._native)

    @abstractmethod
    def terms_of(self, native: Sequence[Any]) -> list[tuple[Node | None, ...]]:
        """The native rows as rdflib terms."""


class StoreOpener(Protocol):
    """How another process opens a store read-only: picklable and hashable, so a query
    worker started by a fork server can open the store itself."""

    def __call__(self) -> Store:
        """The store, opened read-only in this process."""
        ...


class Store(ABC):
    """A quad store holding named graphs; the default graph of queries is their union."""

    #: A short name of the backend ("memory", "oxigraph", "sparql"), for people to read.
    backend: str = "abstract"
    #: True when the store may hold graphs that are not the dataset's (a shared remote
    #: server): engines then read only the dataset's graphs (``graph_names``).
    may_hold_other_graphs: bool = False
    #: True when every read, in any process, sees the latest write (a server holds the data):
    #: query workers then need not be replaced after a write.
    reads_see_writes: bool = False

    @property
    def location(self) -> Path | None:
        """The file or folder the store lives in, or None (in memory, or on a server)."""
        return None

    def read_only_opener(self) -> StoreOpener | None:
        """How a worker process opens this store read-only, or None when only a fork of this
        process can share it (a store in memory)."""
        return None

    def serve_from_memory(self) -> None:  # noqa: B027 - optional hook, nothing by default
        """Let query workers read a copy held in memory, where the backend can keep one."""

    def memory_replica(self) -> MemoryReplica | None:
        """The copy in memory query workers read (``kg.store.replica``), if there is one."""
        return None

    def bulk_load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Load a large amount of RDF the fastest way the backend has (by default
        :meth:`load`); not meant to run beside readers of the same data."""
        self.load(data, media_type, graph)

    @abstractmethod
    def query(
        self,
        query: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query. With no ``default_graphs`` the default graph is the union of
        all named graphs; with them it is their merge (protocol ``default-graph-uri``).
        ``named_graphs`` limits what GRAPH sees. Raises QuerySyntaxError / StoreError."""

    @abstractmethod
    def update(self, update: str) -> None:
        """Run a SPARQL Update atomically. Raises QuerySyntaxError / StoreError."""

    @abstractmethod
    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Add parsed RDF to ``graph`` (for quad formats: to the graphs in the data)."""

    @abstractmethod
    def replace_graph(self, graph: str, data: bytes, media_type: str) -> None:
        """Atomically replace the content of ``graph`` with the parsed RDF."""

    @abstractmethod
    def drop_graph(self, graph: str) -> bool:
        """Remove ``graph``; True when it existed."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """IRIs of the non-empty named graphs."""

    @abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or of quads in the whole store."""

    @abstractmethod
    def dump(self, media_type: str, graph: str | None = None) -> bytes:
        """Serialise ``graph`` (triple formats), or all graphs (quad formats)."""

    @abstractmethod
    def read_meta(self, key: str) -> str | None:
        """A stored metadata value (e.g. the content hash of the loaded sources)."""

    @abstractmethod
    def write_meta(self, key: str, value: str) -> None:
        """Store a metadata value next to the data."""

    @abstractmethod
    def version(self) -> str:
        """A token that changes whenever the content changes (ETag, result cache key)."""

    def optimize(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Ready the store for reading after a large load (compaction, where there is one)."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Release files and connections."""
