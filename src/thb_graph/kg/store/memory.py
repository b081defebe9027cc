"""The in-memory backend: an rdflib Dataset whose default graph is the union of its graphs.

Meant for tests and small graphs. Every call holds one lock, updates are all-or-nothing
(the quads are snapshotted and put back on failure), and queries never reach the network:
``FROM``/``FROM NAMED`` only select graphs already in the store, and ``SERVICE`` and
``LOAD`` are refused (rdflib would fetch the URL).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from pyparsing import ParseException
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.processor import SPARQLResult
from rdflib.plugins.sparql.sparql import Query, QueryContext, SPARQLError, Update
from rdflib.plugins.sparql.update import evalUpdate
from rdflib.term import IdentifiedNode, Node

from thb_graph import formats
from thb_graph.errors import BadRequestError, QueryRejectedError, QuerySyntaxError, StoreError
from thb_graph.kg.store.base import QueryResult, Store
from thb_graph.kg.store.terms import escape_error, parse_quads, rdf_format

_REMOTE_OPERATIONS = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}


class MemoryStore(Store):
    """An rdflib Dataset in memory."""

    backend = "memory"

    def __init__(self, prefixes: Mapping[str, str] | None = None) -> None:
        self._ds = Dataset(default_union=True)
        self._prefixes = dict(prefixes or {})
        for prefix, namespace in self._prefixes.items():
            self._ds.bind(prefix, namespace, replace=True)
        self._meta: dict[str, str] = {}
        self._writes = 0
        self._lock = threading.RLock()

    # ---- reading ---------------------------------------------------------------------
    def query(
        self,
        query: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query (see Store.query); FROM clauses act like the protocol's."""
        parsed = _parse_query(query)
        clauses = parsed.algebra.datasetClause or []
        parsed.algebra["datasetClause"] = None
        if default_graphs is None and named_graphs is None and clauses:
            default_graphs = [str(c.default) for c in clauses if c.get("default")]
            named_graphs = [str(c.named) for c in clauses if c.get("named")] or None
        with self._lock:
            ctx = self._context(default_graphs, named_graphs)
            ctx.prologue = parsed.prologue
            try:
                result = SPARQLResult(evalPart(ctx, parsed.algebra))
                return _to_query_result(result, max_rows)
            except re.error as e:
                raise BadRequestError(f"invalid regular expression in the query: {e}") from e
            except (ValueError, TypeError, AttributeError, ArithmeticError, SPARQLError) as e:
                # rdflib's evaluator raises these for values it cannot compute (a LIMIT past
                # the largest index, a date past year 9999, an aggregate over IRIs or mixed
                # types, a bad language tag...) where SPARQL would leave a value unbound
                raise BadRequestError(f"this store cannot evaluate the query: {e}") from e
            except Exception as e:
                # rdflib's evaluator raises a bare Exception for what it cannot evaluate
                # (e.g. negated inverse property paths); anything more specific is a bug.
                if type(e) is not Exception:
                    raise
                raise BadRequestError(f"the query cannot be evaluated: {e}") from e

    def _context(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> QueryContext:
        """The evaluation context: which graph is the default one, which ones GRAPH sees."""
        if named_graphs is None:
            dataset = self._ds
        else:
            dataset = Dataset()
            for name in named_graphs:
                target = dataset.graph(URIRef(name))
                for triple in self._ds.graph(URIRef(name)):
                    target.add(triple)
        ctx = QueryContext(dataset, initBindings={})
        if default_graphs is None:
            ctx.graph = self._ds
        elif len(default_graphs) == 1:
            ctx.graph = self._ds.graph(URIRef(default_graphs[0]))
        else:
            merged = Graph()
            for name in default_graphs:
                for triple in self._ds.graph(URIRef(name)):
                    merged.add(triple)
            ctx.graph = merged
        return ctx

    def graph_names(self) -> list[str]:
        """IRIs of the non-empty named graphs, sorted."""
        with self._lock:
            return sorted(
                str(g.identifier)
                for g in self._ds.graphs()
                if isinstance(g.identifier, URIRef)
                and g.identifier != self._ds.default_graph.identifier
                and len(g) > 0
            )

    def count(self, graph: str | None = None) -> int:
        """Triples in ``graph``, or quads in the whole store."""
        with self._lock:
            if graph is not None:
                return len(self._ds.graph(URIRef(graph)))
            return sum(1 for _ in self._ds.quads((None, None, None, None)))

    def dump(self, media_type: str, graph: str | None = None) -> bytes:
        """Serialise ``graph`` (or the union) in a triple format, or every graph in a quad one."""
        rdf_format(media_type)
        fmt = formats.by_media_type(media_type, formats.GRAPH_ANSWERS)
        if fmt is None or fmt.rdflib is None:
            raise StoreError(f"the memory store cannot write {media_type}")
        name = fmt.rdflib
        with self._lock:
            if fmt.quads:
                source: Graph = self._ds
                if graph is not None:
                    source = Dataset()
                    target = source.graph(URIRef(graph))
                    for triple in self._ds.graph(URIRef(graph)):
                        target.add(triple)
            else:
                source = Graph()
                for triple in self._triples(graph):
                    source.add(triple)
            for prefix, namespace in self._prefixes.items():
                source.bind(prefix, namespace, replace=True)
            options: dict[str, Any] = {}
            if name == "json-ld":
                options["context"] = dict(self._prefixes)
            return bytes(source.serialize(format=name, encoding="utf-8", **options))

    def _triples(self, graph: str | None) -> Iterator[Any]:
        if graph is not None:
            yield from self._ds.graph(URIRef(graph))
        else:
            for s, p, o, _ in self._ds.quads((None, None, None, None)):
                yield (s, p, o)

    # ---- writing ---------------------------------------------------------------------
    def update(self, update: str) -> None:
        """Run a SPARQL Update; on any failure the store is left as it was."""
        parsed = _parse_update(update)
        with self._lock:
            snapshot = list(self._ds.quads((None, None, None, None)))
            try:
                evalUpdate(self._ds, parsed)
            except BaseException as e:
                self._restore(snapshot)
                if type(e) is Exception:  # rdflib's way of refusing an operation
                    raise BadRequestError(f"the update failed: {e}") from e
                raise
            self._wrote()

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Parse ``data`` (all of it, before any change) and add it."""
        quads = parse_quads(data, media_type, graph)
        with self._lock:
            for s, p, o, g in quads:
                self._target(g).add((s, p, o))
            self._wrote()

    def replace_graph(self, graph: str, data: bytes, media_type: str) -> None:
        """Replace ``graph`` with the triples of ``data`` (parsed before any change)."""
        quads = parse_quads(data, media_type, graph)
        with self._lock:
            self._ds.remove_graph(URIRef(graph))
            target = self._ds.graph(URIRef(graph))
            for s, p, o, g in quads:
                if g is None or str(g) == graph:
                    target.add((s, p, o))
            self._wrote()

    def add_graph(self, graph: Graph, name: str) -> None:
        """Add the triples of an rdflib graph to the named graph ``name`` (bulk loading)."""
        with self._lock:
            target = self._ds.graph(URIRef(name))
            for triple in graph:
                target.add(triple)
            self._wrote()

    def drop_graph(self, graph: str) -> bool:
        """Remove ``graph``; True when it held triples."""
        with self._lock:
            existed = len(self._ds.graph(URIRef(graph))) > 0
            self._ds.remove_graph(URIRef(graph))
            if existed:
                self._wrote()
            return existed

    def clear(self) -> None:
        """Remove every graph."""
        with self._lock:
            self._remove_all()
            self._wrote()

    def _remove_all(self) -> None:
        for g in list(self._ds.graphs()):
            if g.identifier == self._ds.default_graph.identifier:
                g.remove((None, None, None))
            else:
                self._ds.remove_graph(g.identifier)

    def _restore(self, snapshot: list[Any]) -> None:
        self._remove_all()
        for s, p, o, g in snapshot:
            self._target(g).add((s, p, o))

    def _target(self, name: Node | None) -> Graph:
        """The named graph ``name``, or the default graph for None."""
        if name is None:
            default: Graph = self._ds.default_graph
            return default
        return self._ds.graph(cast(IdentifiedNode, name))

    def _wrote(self) -> None:
        self._writes += 1

    # ---- metadata --------------------------------------------------------------------
    def read_meta(self, key: str) -> str | None:
        """A stored metadata value."""
        return self._meta.get(key)

    def write_meta(self, key: str, value: str) -> None:
        """Store a metadata value."""
        with self._lock:
            self._meta[key] = value
            self._wrote()

    def version(self) -> str:
        """Content hash of the loaded sources and a counter of writes."""
        return f"{(self._meta.get('content_hash') or 'empty')[:16]}.{self._writes}"


def _reject_remote(algebra: Any) -> None:
    """Refuse SERVICE and LOAD: rdflib would fetch the URL they name."""

    def visit(node: Any) -> None:
        name = getattr(node, "name", None)
        if name in _REMOTE_OPERATIONS:
            raise QueryRejectedError(f"{_REMOTE_OPERATIONS[name]} is not allowed")

    traverse(algebra, visitPre=visit)


def _parse_query(text: str) -> Query:
    parsed: Query = _parse(text, parseQuery, translateQuery)
    _reject_remote(parsed.algebra)
    return parsed


def _parse(text: str, parse: Callable[[str], Any], translate: Callable[[Any], Any]) -> Any:
    """Parse and translate a query or update, turning rdflib's errors into syntax errors."""
    try:
        return translate(parse(text))
    except ParseException as e:
        raise QuerySyntaxError(
            f"SPARQL syntax error: {e.msg} (line {e.lineno}, column {e.col})",
            line=e.lineno,
            column=e.col,
        ) from e
    except (ValueError, OverflowError) as e:  # a \U escape beyond U+10FFFF
        raise escape_error(text, e) from e
    except Exception as e:  # rdflib raises a bare Exception for an unknown prefix
        if "Unknown namespace prefix" not in str(e):
            raise
        raise QuerySyntaxError(f"SPARQL syntax error: {e}") from e


def _parse_update(text: str) -> Update:
    parsed: Update = _parse(text, parseUpdate, translateUpdate)
    for request in parsed.algebra:
        _reject_remote(request)
    return parsed


def _to_query_result(result: SPARQLResult, max_rows: int | None) -> QueryResult:
    if result.type == "ASK":
        return QueryResult(kind="ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples: list[tuple[Node, Node, Node]] = []
        for triple in result.graph if result.graph is not None else ():
            if max_rows is not None and len(triples) >= max_rows:
                return QueryResult(kind="graph", triples=triples, truncated=True)
            triples.append(triple)
        return QueryResult(kind="graph", triples=triples)
    variables = tuple(str(v) for v in result.vars or ())
    rows: list[tuple[Node | None, ...]] = []
    truncated = False
    for row in result:
        if not isinstance(row, tuple):  # a SELECT result yields rows only
            continue
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        # an expression error can leave a plain Python value (COALESCE()): unbound
        rows.append(tuple(t if isinstance(t, Node) else None for t in row))
    return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)
