"""The remote backend: any SPARQL 1.1 server, ``sparql:QUERY_URL[,UPDATE_URL[,GRAPH_STORE_URL]]``.

Virtuoso, Fuseki, GraphDB, Neptune, QLever (read-only: give no UPDATE_URL). The store talks
to the configured URLs only (see ``remote_http``). It manages the named graphs under
``{base}graph/``: queries without their own ``FROM`` see exactly those graphs (their union as
the default graph), so the server's own graphs (Virtuoso's system graphs) never leak into
answers. Loads go through the SPARQL 1.1 Graph Store Protocol when its URL is given (POST of
N-Triples, large chunks: fast), otherwise through SPARQL Update ``INSERT DATA`` in small
batches; blank-node triples are kept together in one request (as ``INSERT {...} WHERE {}``
with Update, since ``INSERT DATA`` may not hold blank nodes on every server). Metadata and
the version token live in the graph ``{base}graph/store-meta``.

Known server limits, met here: Virtuoso 7.2 turns ``xsd:duration`` literals into numbers
(``P6M`` becomes ``6``, ``P21D`` becomes ``1.8144e+06``) and refuses some through SPARQL
Update. On a server that names itself Virtuoso, loads therefore keep durations verbatim under
the datatype ``urn:thb-graph:verbatim:duration`` (and likewise ``yearMonthDuration``,
``dayTimeDuration``), which every answer reads back as the XSD type; a duration constant
written in a query does not match them there. Durations stored by other means read back from
a month count as the canonical duration (``P1Y6M``). Virtuoso answers booleans as ``1``/``0``
in JSON (read back as ``true``/``false``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence

import pyoxigraph as ox

from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, ConfigError, ForbiddenError, StoreError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import QueryResult, Store
from thb_graph.kg.store.remote_batches import (
    Quad,
    bnode_components,
    chunks,
    chunks_of_components,
    graph_blocks,
    has_bnode,
)
from thb_graph.kg.store.remote_http import (
    N_TRIPLES,
    RESULTS_JSON,
    VERBATIM,
    XSD,
    SparqlHttpClient,
    has_dataset_clause,
    names_graphs,
    parse_reply,
    query_form,
    raise_for_reply,
)
from thb_graph.kg.store.terms import graph_node, rdf_format, rdf_syntax_error, to_oxigraph

#: Triples per INSERT DATA request: Virtuoso 7.2 compiles updates in time quadratic in their
#: size and refuses more than about 2,000 triples; 100 per request loads fastest there.
BATCH_TRIPLES = 100
#: Triples per Graph Store Protocol request.
GSP_BATCH_TRIPLES = 100_000
#: Seconds the list of the server's graphs is trusted: a graph another program adds to the
#: server is left out of answers (or, made by another store of ours, seen) within this time.
LIST_TTL_S = 1.0
#: Most graphs of other owners left out of a query on Virtuoso by name (more: ours listed).
MAX_LEFT_OUT = 50
_META_KEY = re.compile(r"^[A-Za-z0-9_.-]+$")
_META_NS = "urn:thb-graph:meta:"
_VERSION = _META_NS + "version"
_STAGING = "urn:thb-graph:staging:"
#: Datatypes Virtuoso cannot keep: stored under VERBATIM + local name there.
_LOSSY_ON_VIRTUOSO = frozenset(
    XSD + n for n in ("duration", "yearMonthDuration", "dayTimeDuration")
)


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP."""

    backend = "sparql"
    may_hold_other_graphs = True
    reads_see_writes = True

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        *,
        graph_prefix: str,
        timeout_s: float = 10.0,
        write_timeout_s: float = 600.0,
        batch_triples: int = BATCH_TRIPLES,
    ) -> None:
        self.query_client = SparqlHttpClient(query_url)
        self.update_client = SparqlHttpClient(update_url) if update_url else None
        self.graph_store_client = SparqlHttpClient(graph_store_url) if graph_store_url else None
        self.graph_prefix = graph_prefix
        self.meta_graph = graph_prefix + "store-meta"
        self.timeout_s = timeout_s
        self.write_timeout_s = write_timeout_s
        self.batch_triples = max(1, batch_triples)
        self._graphs: tuple[str, list[str], list[str], float] | None = None

    # ---- reading ---------------------------------------------------------------------
    def query(
        self,
        query: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query (see Store.query); without FROM or given graphs it sees the
        managed graphs only."""
        if default_graphs is None and named_graphs is None and not has_dataset_clause(query):
            return self._select(self._scoped(query), query_form(query), max_rows)
        fields = [("query", query)]
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        return self._select(fields, query_form(query), max_rows)

    def _scoped(self, query: str) -> list[tuple[str, str]]:
        """The request fields asking ``query`` over the managed graphs only.

        Virtuoso (whose default graph is the union of all its graphs) plans a query over a
        list of a dozen graphs up to six times slower than over all of them; there the few
        graphs that are not ours are left out instead, on the query's first line (so line
        numbers in its error messages stay right).
        """
        leave_out = self._on_virtuoso() and not names_graphs(query)
        found = self._graphs
        if found is not None and self._fresh(found) and leave_out:
            managed, others = found[1], found[2]  # what a write of ours adds is ours: no check
        else:
            managed, others = self._graph_lists()
        if leave_out and len(others) <= MAX_LEFT_OUT:
            # (only without GRAPH: Virtuoso 7.2 then answers GRAPH <g> patterns wrongly)
            left_out = " ".join(f"define input:default-graph-exclude <{g}>" for g in others)
            return [("query", f"{left_out} {query}" if left_out else query)]
        scope = managed or [self.meta_graph + "#none"]
        return [
            ("query", query),
            *(("default-graph-uri", g) for g in scope),
            *(("named-graph-uri", g) for g in scope),
        ]

    def _select(
        self, fields: list[tuple[str, str]], form: str | None, max_rows: int | None = None
    ) -> QueryResult:
        accept = N_TRIPLES if form in ("construct", "describe") else RESULTS_JSON
        if self._on_virtuoso():
            fields = [*fields, ("timeout", str(int(self.timeout_s * 1000)))]
        # The server stops on its own at timeout_s when it can; the socket waits a little longer.
        reply = self.query_client.post(fields, accept=accept, timeout=self.timeout_s * 1.5 + 1)
        raise_for_reply(reply, url=self.query_client.url, client_text=True)
        return parse_reply(reply, form, max_rows)

    def _ask_raw(self, text: str) -> QueryResult:
        """A store-internal query over the server's whole dataset."""
        return self._select([("query", text)], query_form(text))

    def graph_names(self) -> list[str]:
        """IRIs of the non-empty managed graphs, sorted (cached per version)."""
        return list(self._graph_lists()[0])

    def _graph_lists(self) -> tuple[list[str], list[str]]:
        """The non-empty managed graphs and the server's other graphs (cached per version)."""
        version = self.version()
        found = self._graphs
        if found is not None and found[0] == version and self._fresh(found):
            return found[1], found[2]
        # (a sub-query: Virtuoso 7.2 answers it from an index in milliseconds, the bare
        # DISTINCT in seconds; no FILTER on the IRI, which is slower too)
        text = "SELECT ?g WHERE { { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } }"
        listed = sorted(str(row[0]) for row in self._ask_raw(text).rows if row[0] is not None)
        managed = [
            name
            for name in listed
            if name.startswith(self.graph_prefix) and name != self.meta_graph
        ]
        others = sorted({*listed, self.meta_graph} - set(managed))
        self._graphs = (version, managed, others, time.monotonic())
        return managed, others

    @staticmethod
    def _fresh(listing: tuple[str, list[str], list[str], float]) -> bool:
        return time.monotonic() - listing[3] < LIST_TTL_S

    def _on_virtuoso(self) -> bool:
        return self.query_client.server.startswith("Virtuoso")

    def count(self, graph: str | None = None) -> int:
        """Triples in ``graph``, or quads in all managed graphs."""
        graphs = [graph_node(graph).value] if graph is not None else self.graph_names()
        if not graphs:
            return 0
        fields = [("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")]
        fields += [("named-graph-uri", g) for g in graphs]
        rows = self._select(fields, "select").rows
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0  # type: ignore[call-overload]

    def dump(self, media_type: str, graph: str | None = None) -> bytes:
        """Serialise ``graph`` (or the union) in a triple format, or every graph in a quad one."""
        fmt = rdf_format(media_type)
        graphs = [graph_node(graph).value] if graph is not None else self.graph_names()
        quads: list[ox.Quad] = []
        for name in graphs:
            text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
            for s, p, o in self._ask_raw(text).triples:
                target = ox.NamedNode(name) if fmt.supports_datasets else ox.DefaultGraph()
                quads.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target))  # type: ignore[arg-type]
        if not fmt.supports_datasets and graph is None:
            quads = list({(q.subject, q.predicate, q.object): q for q in quads}.values())
        try:
            if fmt.supports_datasets:
                return bytes(ox.serialize(quads, format=fmt) or b"")
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            return bytes(ox.serialize(triples, format=fmt) or b"")
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot write {media_type}: {e}") from e

    # ---- writing ---------------------------------------------------------------------
    def update(self, update: str) -> None:
        """Run a SPARQL Update (one request), then move the version on."""
        self._send_update(update, client_text=True)
        self._bump_version()

    def _send_update(self, text: str, *, client_text: bool = False) -> None:
        if self.update_client is None:
            raise ForbiddenError("the remote store is read-only (no update URL configured)")
        reply = self.update_client.post(
            [("update", text)], accept=RESULTS_JSON, timeout=self.write_timeout_s
        )
        if not client_text and 400 <= reply.status < 500:
            raise StoreError(f"the remote store refused an update: {reply.text()}")
        raise_for_reply(reply, url=self.update_client.url, client_text=client_text)

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Add parsed RDF to ``graph`` (quad formats: to their graphs) in batched updates."""
        quads = self._parse(data, media_type, graph)
        self._insert(quads)
        self._bump_version()

    def replace_graph(self, graph: str, data: bytes, media_type: str) -> None:
        """Replace ``graph``: staged in a scratch graph, then moved over it in one update."""
        target = self._managed(graph)
        quads = [q for q in self._parse(data, media_type, graph) if q[3] == target]
        staging = ox.NamedNode(_STAGING + uuid.uuid4().hex)
        self._insert([(s, p, o, staging) for s, p, o, _ in quads])
        self._send_update(f"MOVE SILENT GRAPH <{staging.value}> TO GRAPH <{target.value}>")
        self._bump_version()

    def drop_graph(self, graph: str) -> bool:
        """Remove ``graph``; True when it held triples."""
        node = self._managed(graph)
        existed = bool(self._ask_raw(f"ASK {{ GRAPH <{node.value}> {{ ?s ?p ?o }} }}").boolean)
        if existed:
            self._send_update(f"DROP SILENT GRAPH <{node.value}>")
            self._bump_version()
        return existed

    def _managed(self, graph: str) -> ox.NamedNode:
        node = graph_node(graph)
        if not node.value.startswith(self.graph_prefix) or node.value == self.meta_graph:
            raise BadRequestError(
                f"graph {graph} is outside the graphs this store manages ({self.graph_prefix}…)"
            )
        return node

    def _parse(self, data: bytes, media_type: str, graph: str | None) -> list[Quad]:
        fmt = rdf_format(media_type)
        target = self._managed(graph) if graph is not None else None
        try:
            parsed = list(ox.parse(data, format=fmt))
        except SyntaxError as e:
            raise rdf_syntax_error(e, fmt.name) from e
        quads: list[Quad] = []
        verbatim = self._server_is_virtuoso()
        for q in parsed:
            name = q.graph_name
            g = target if isinstance(name, ox.DefaultGraph) else self._managed(name.value)
            if g is None:
                raise BadRequestError("triples need a named graph to go into on a remote store")
            obj = q.object
            if (
                verbatim
                and isinstance(obj, ox.Literal)
                and obj.datatype.value in _LOSSY_ON_VIRTUOSO
            ):
                local = obj.datatype.value[len(XSD) :]
                obj = ox.Literal(obj.value, datatype=ox.NamedNode(VERBATIM + local))
            quads.append((q.subject, q.predicate, obj, g))
        return quads

    def _server_is_virtuoso(self) -> bool:
        """True when the query server names itself Virtuoso (asked once)."""
        if not self.query_client.server:
            self._ask_raw("ASK {}")
        return self.query_client.server.startswith("Virtuoso")

    def _insert(self, quads: list[Quad]) -> None:
        """Send ``quads`` in batches: ground ones as INSERT DATA, each connected blank-node
        component whole inside one INSERT ... WHERE {} (so its blank nodes stay one)."""
        if self.update_client is None:
            raise ForbiddenError("the remote store is read-only (no update URL configured)")
        if self.graph_store_client is not None:
            self._post_graphs(quads)
            return
        ground = [q for q in quads if not has_bnode(q)]
        for batch in chunks(ground, self.batch_triples):
            self._send_update("INSERT DATA {\n" + graph_blocks(batch) + "}")
        for batch in chunks_of_components(bnode_components(quads), self.batch_triples):
            self._send_update("INSERT {\n" + graph_blocks(batch) + "} WHERE {}")

    def _post_graphs(self, quads: list[Quad]) -> None:
        """POST the quads as N-Triples to the Graph Store Protocol URL, graph by graph."""
        client = self.graph_store_client
        assert client is not None  # noqa: S101 - only called when configured
        by_graph: dict[str, list[Quad]] = {}
        for q in quads:
            by_graph.setdefault(q[3].value, []).append(q)  # type: ignore[union-attr]
        for name, members in by_graph.items():
            ground = [q for q in members if not has_bnode(q)]
            batches = [
                *chunks(ground, GSP_BATCH_TRIPLES),
                *chunks_of_components(bnode_components(members), GSP_BATCH_TRIPLES),
            ]
            for batch in batches:
                triples = [ox.Triple(s, p, o) for s, p, o, _ in batch]  # type: ignore[arg-type]
                body = bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
                reply = client.request(
                    "POST",
                    body,
                    content_type=N_TRIPLES,
                    accept="*/*",
                    timeout=self.write_timeout_s,
                    params=[("graph", name)],
                )
                if 400 <= reply.status < 500:
                    raise StoreError(f"the remote store refused a graph upload: {reply.text()}")
                raise_for_reply(reply, url=client.url, client_text=False)

    # ---- metadata --------------------------------------------------------------------
    def read_meta(self, key: str) -> str | None:
        """A metadata value kept in the meta graph."""
        text = (
            f"SELECT ?v WHERE {{ GRAPH <{self.meta_graph}> "
            f"{{ <{self.meta_graph}> <{_meta_predicate(key)}> ?v }} }} LIMIT 1"
        )
        rows = self._ask_raw(text).rows
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def write_meta(self, key: str, value: str) -> None:
        """Store a metadata value in the meta graph (this counts as a write)."""
        self._set_meta(_meta_predicate(key), value)
        self._bump_version()

    def _set_meta(self, predicate: str, value: str) -> None:
        g, s = self.meta_graph, self.meta_graph
        self._send_update(
            f"DELETE WHERE {{ GRAPH <{g}> {{ <{s}> <{predicate}> ?v }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{g}> {{ <{s}> <{predicate}> {_string(value)} }} }}"
        )

    def _bump_version(self) -> None:
        self._set_meta(_VERSION, uuid.uuid4().hex)

    def version(self) -> str:
        """The token written by the last write through any RemoteStore on this server.

        Writes made to the server by other means do not move it.
        """
        text = (
            f"SELECT ?v WHERE {{ GRAPH <{self.meta_graph}> "
            f"{{ <{self.meta_graph}> <{_VERSION}> ?v }} }} LIMIT 1"
        )
        rows = self._ask_raw(text).rows
        return str(rows[0][0]) if rows and rows[0][0] is not None else "empty"

    def close(self) -> None:
        """Close the connections to the server."""
        for client in (self.query_client, self.update_client, self.graph_store_client):
            if client is not None:
                client.close()


def open_remote(settings: Settings) -> RemoteStore:
    """The store named by ``sparql:QUERY_URL[,UPDATE_URL[,GRAPH_STORE_URL]]``."""
    spec = settings.store.strip()
    urls = [u.strip() for u in spec.split(":", 1)[1].split(",")] if ":" in spec else []
    if not urls or not urls[0] or len(urls) > 3:
        raise ConfigError(
            f"store {spec!r}: expected sparql:QUERY_URL[,UPDATE_URL[,GRAPH_STORE_URL]]"
        )
    urls += [""] * (3 - len(urls))
    return RemoteStore(
        urls[0],
        urls[1] or None,
        urls[2] or None,
        graph_prefix=Iris(settings.base_iri).graph(""),
        timeout_s=settings.query_timeout_s,
    )


# ---- SPARQL text -----------------------------------------------------------------------
def _string(value: str) -> str:
    """A SPARQL string literal."""
    return str(ox.Literal(value))


def _verbatim(literal: ox.Literal) -> ox.Literal:
    """``literal`` under the verbatim datatype when its XSD type is one Virtuoso loses."""
    datatype = literal.datatype.value
    if datatype not in _LOSSY_ON_VIRTUOSO:
        return literal
    return ox.Literal(literal.value, datatype=ox.NamedNode(VERBATIM + datatype[len(XSD) :]))


def _meta_predicate(key: str) -> str:
    if not _META_KEY.match(key):
        raise BadRequestError(f"not a metadata key: {key!r}")
    return _META_NS + key


__all__ = ["BATCH_TRIPLES", "RemoteStore", "open_remote"]
