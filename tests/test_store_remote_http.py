"""The remote store's HTTP side against small loopback servers: what it sends, where, and
how every kind of failure becomes a domain error. No Virtuoso needed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from thb_graph.config import Settings
from thb_graph.errors import (
    BadRequestError,
    ConfigError,
    ForbiddenError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreUnavailableError,
)
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import QueryResult
from thb_graph.kg.store.remote import RemoteStore, open_remote
from thb_graph.kg.store.remote_http import (
    VERBATIM,
    has_dataset_clause,
    json_term,
    parse_results_json,
    query_form,
    repair_lexical,
)
from thb_graph.sparql.results import to_json

PREFIX = "https://w3id.org/thb-graph/graph/"

Reply = tuple[int, dict[str, str], bytes]


class FakeServer:
    """A loopback HTTP server answering with ``handler(method, path, form)``; it records
    every request it gets."""

    def __init__(self, handler: Callable[[str, str, dict[str, list[str]]], Reply]) -> None:
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        #: The client address of every request.
        self.peers: list[tuple[str, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                form = (
                    parse_qs(body)
                    if "form-urlencoded" in self.headers.get("Content-Type", "")
                    else {"body": [body]}
                )
                outer.requests.append((self.command, self.path, form))
                outer.peers.append(self.client_address)
                status, headers, payload = handler(self.command, self.path, form)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def results(variables: list[str], bindings: list[dict[str, object]]) -> Reply:
    body = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})
    return 200, {"Content-Type": "application/sparql-results+json"}, body.encode()


def graphs_then(answer: Reply) -> Callable[[str, str, dict[str, list[str]]], Reply]:
    """A handler that knows one managed graph and answers every other query with ``answer``."""

    def handle(method: str, path: str, form: dict[str, list[str]]) -> Reply:
        query = form.get("query", [""])[0]
        if "SELECT ?v WHERE" in query:
            return results(["v"], [{"v": {"type": "literal", "value": "v1"}}])
        if "SELECT DISTINCT ?g" in query:
            return results(["g"], [{"g": {"type": "uri", "value": PREFIX + "data/a"}}])
        return answer

    return handle


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeServer]]:
    servers: list[FakeServer] = []

    def start(handler: Callable[[str, str, dict[str, list[str]]], Reply]) -> FakeServer:
        server = FakeServer(handler)
        servers.append(server)
        return server

    yield start
    for store in _STORES:
        store.close()
    _STORES.clear()
    for server in servers:
        server.close()


_STORES: list[RemoteStore] = []


def remote(
    url: str, update: str | None = None, gsp: str | None = None, **kw: object
) -> RemoteStore:
    """A remote store over ``url``, closed when the test ends."""
    store = RemoteStore(url, update, gsp, graph_prefix=PREFIX, **kw)  # type: ignore[arg-type]
    _STORES.append(store)
    return store


# ---- the query text ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("PREFIX select: <urn:x#>\n# CONSTRUCT in a comment\nASK { ?s select:p 'SELECT' }", "ask"),
        ("prefix ex: <urn:select>\nconstruct { ?s ?p ?o } where { ?s ?p ?o }", "construct"),
        ("DESCRIBE <urn:x>", "describe"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", None),
    ],
)
def test_query_form_skips_prefixes_comments_strings_and_iris(text: str, form: str | None) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("SELECT ?from WHERE { ?from ex:from 'FROM' . <urn:FROM> ?p ?o } # FROM", False),
    ],
)
def test_dataset_clause_is_found_only_as_a_keyword(text: str, expected: bool) -> None:
    assert has_dataset_clause(text) is expected


# ---- the result formats -----------------------------------------------------------------
def test_json_terms_become_rdflib_terms_with_virtuoso_quirks_repaired() -> None:
    assert json_term({"type": "uri", "value": "urn:a"}) == URIRef("urn:a")
    assert json_term({"type": "bnode", "value": "nodeID://b1"}) == BNode("b1")
    assert json_term({"type": "literal", "value": "x", "xml:lang": "fr"}) == Literal("x", lang="fr")
    typed = {"type": "typed-literal", "datatype": str(XSD.boolean), "value": "1"}
    assert json_term(typed) == Literal("true", datatype=XSD.boolean)
    months = {"type": "typed-literal", "datatype": str(XSD.duration), "value": "18"}
    assert json_term(months) == Literal("P1Y6M", datatype=XSD.duration)


@pytest.mark.parametrize(
    ("months", "duration"), [("6", "P6M"), ("12", "P1Y"), ("0", "P0M"), ("-14", "-P1Y2M")]
)
def test_a_month_count_reads_back_as_the_canonical_duration(months: str, duration: str) -> None:
    assert repair_lexical(months, str(XSD.duration)) == duration
    assert repair_lexical("P6M", str(XSD.duration)) == "P6M"


def test_json_results_pass_through_repaired_and_equal_to_those_written_from_terms() -> None:
    bindings = [
        {"s": {"type": "uri", "value": "nodeID://b7"}, "n": {"type": "literal", "value": "x"}},
        {"n": {"type": "typed-literal", "datatype": str(XSD.boolean), "value": "0"}},
        {"n": {"type": "literal", "datatype": VERBATIM + "duration", "value": "P21D"}},
        {"n": {"type": "typed-literal", "datatype": str(XSD.duration), "value": "18"}},
        {"n": {"type": "literal", "xml:lang": "fr", "value": "loi"}},
        {"s": {"type": "uri", "value": "urn:a"}, "n": {"type": "literal", "value": "2"}},
    ]
    body = json.dumps({"head": {"vars": ["s", "n"]}, "results": {"bindings": bindings}})
    passed = parse_results_json(body.encode())
    assert passed.json_bindings() is not None
    from_terms = QueryResult(kind="select", variables=passed.variables, rows=passed.rows)
    assert from_terms.json_bindings() is None
    assert to_json(passed) == to_json(from_terms)
    written = json.loads(to_json(passed))["results"]["bindings"]
    assert written[0]["s"] == {"type": "bnode", "value": "b7"}
    assert written[1]["n"]["value"] == "false"
    assert written[2]["n"] == {"type": "literal", "datatype": str(XSD.duration), "value": "P21D"}
    assert written[3]["n"]["value"] == "P1Y6M"
    assert passed.row_count() == 6


def test_rows_beyond_max_rows_are_cut_and_flagged() -> None:
    bindings = [{"n": {"type": "literal", "value": str(i)}} for i in range(5)]
    body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": bindings}}).encode()
    cut = parse_results_json(body, max_rows=3)
    assert [str(r[0]) for r in cut.rows] == ["0", "1", "2"]
    assert cut.truncated
    assert not parse_results_json(body, max_rows=5).truncated


def test_graph_replies_beyond_max_rows_are_cut_and_flagged(serve) -> None:  # type: ignore[no-untyped-def]
    lines = (
        "".join(f"<urn:s> <urn:p> <urn:o{i}> .\n" for i in range(5))
        + "<urn:s> <urn:p> <urn:o0> .\n"
    )
    reply = (200, {"Content-Type": "application/n-triples"}, lines.encode())
    store = remote(serve(graphs_then(reply)).url)
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    cut = store.query(construct, max_rows=3)
    assert cut.kind == "graph" and cut.truncated
    assert [str(o) for _, _, o in cut.triples] == ["urn:o0", "urn:o1", "urn:o2"]
    whole = store.query(construct, max_rows=5)
    assert not whole.truncated and len(whole.triples) == 5
    assert not store.query(construct).truncated


# ---- requests ---------------------------------------------------------------------------
def test_a_query_without_from_is_scoped_to_the_managed_graphs(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(graphs_then(results(["s"], [{"s": {"type": "uri", "value": "urn:x"}}])))
    store = remote(server.url)
    rows = store.query("SELECT ?s WHERE { ?s ?p ?o }").rows
    assert rows == [(URIRef("urn:x"),)]
    _, _, form = server.requests[-1]
    assert form["default-graph-uri"] == [PREFIX + "data/a"]
    assert form["named-graph-uri"] == [PREFIX + "data/a"]


def test_a_query_with_from_keeps_its_own_dataset(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(graphs_then(results(["s"], [])))
    remote(server.url).query("SELECT ?s FROM <urn:g> WHERE { ?s ?p ?o }")
    _, _, form = server.requests[-1]
    assert "default-graph-uri" not in form
    assert "named-graph-uri" not in form


def test_a_redirect_is_not_followed_and_the_target_is_never_contacted(serve) -> None:  # type: ignore[no-untyped-def]
    canary = serve(lambda m, p, f: results([], []))
    server = serve(lambda m, p, f: (302, {"Location": canary.url}, b""))
    with pytest.raises(StoreUnavailableError, match="302"):
        remote(server.url).query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    assert canary.requests == []


def test_a_400_on_a_client_query_is_a_syntax_error_with_its_line(serve) -> None:  # type: ignore[no-untyped-def]
    message = b"Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error at '}'"
    server = serve(graphs_then((400, {"Content-Type": "text/plain"}, message)))
    with pytest.raises(QuerySyntaxError) as caught:
        remote(server.url).query("SELECT * WHERE {\n?s ?p\n}")
    assert caught.value.line == 3
    assert "syntax error" in caught.value.message


def test_a_500_is_store_unavailable(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(graphs_then((500, {"Content-Type": "text/plain"}, b"boom")))
    with pytest.raises(StoreUnavailableError, match="500: boom"):
        remote(server.url).query("SELECT * WHERE { ?s ?p ?o }")


def test_an_unreachable_server_is_store_unavailable(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda m, p, f: results([], []))
    url = server.url
    server.close()
    with pytest.raises(StoreUnavailableError, match="cannot reach"):
        remote(url).query("ASK {}")


def test_a_slow_server_is_a_timeout(serve) -> None:  # type: ignore[no-untyped-def]
    def slow(method: str, path: str, form: dict[str, list[str]]) -> Reply:
        time.sleep(1.5)
        return results([], [])

    server = serve(slow)
    store = remote(server.url, timeout_s=0.2)
    with pytest.raises(QueryTimeoutError, match="did not answer"):
        store.query("ASK FROM <urn:g> {}")
    assert server.requests


def test_partial_results_signalled_by_the_server_are_a_timeout_not_an_answer(serve) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = results(["n"], [])
    headers = {**headers, "X-SQL-State": "S1TAT", "X-SQL-Message": "incomplete results"}
    server = serve(graphs_then((status, headers, body)))
    with pytest.raises(QueryTimeoutError, match="incomplete"):
        remote(server.url).query("SELECT ?n WHERE { ?n ?p ?o }")


def test_without_an_update_url_every_write_is_refused(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(graphs_then(results([], [])))
    store = remote(server.url)
    with pytest.raises(ForbiddenError, match="read-only"):
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    with pytest.raises(ForbiddenError):
        store.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", PREFIX + "x")
    assert all("update" not in form for _, _, form in server.requests)


def test_loads_outside_the_managed_graphs_are_refused(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(graphs_then(results([], [])))
    store = remote(server.url, server.url)
    with pytest.raises(BadRequestError, match="outside"):
        store.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", "urn:elsewhere")
    assert server.requests == []


def test_loads_are_batched_and_blank_node_components_stay_whole(serve) -> None:  # type: ignore[no-untyped-def]
    server = serve(lambda m, p, f: results([], []))
    store = remote(server.url, server.url, batch_triples=3)
    data = b"""<urn:a> <urn:p> "1" . <urn:a> <urn:p> "2" . <urn:a> <urn:p> "3" .
        <urn:a> <urn:p> "4" . <urn:a> <urn:q> _:x . _:x <urn:r> _:y . _:y <urn:p> "5" .
        _:y <urn:p> "6" ."""
    store.load(data, "text/turtle", PREFIX + "data/t")
    updates = [f["update"][0] for _, _, f in server.requests if "update" in f]
    inserts = [u for u in updates if "store-meta" not in u]
    assert [u.startswith("INSERT DATA") for u in inserts] == [True, True, False]
    assert inserts[0].count(" .") == 3
    component = inserts[2]
    assert component.endswith("} WHERE {}")
    assert component.count(" .\n") == 4  # all four triples of the two joined blank nodes
    assert any("store-meta" in u for u in updates[-1:])


def test_graph_store_protocol_upload_posts_n_triples_to_its_url(serve) -> None:  # type: ignore[no-untyped-def]
    gsp = serve(lambda m, p, f: (201, {}, b""))
    server = serve(lambda m, p, f: results([], []))
    store = remote(server.url, server.url, gsp.url)
    store.load(b'<urn:a> <urn:p> "1" .', "application/n-triples", PREFIX + "data/t")
    method, path, form = gsp.requests[0]
    assert method == "POST"
    assert "graph=https%3A%2F%2Fw3id.org%2Fthb-graph%2Fgraph%2Fdata%2Ft" in path
    assert form["body"][0].strip() == '<urn:a> <urn:p> "1" .'


# ---- configuration ----------------------------------------------------------------------
def test_open_store_reads_the_three_urls(serve) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        store="sparql:http://127.0.0.1:1/q,http://127.0.0.1:1/u,http://127.0.0.1:1/g"
    )
    store = open_store(settings)
    assert isinstance(store, RemoteStore)
    _STORES.append(store)
    assert store.query_client.url.endswith("/q")
    assert store.update_client is not None and store.update_client.url.endswith("/u")
    assert store.graph_store_client is not None
    assert store.graph_prefix == "https://w3id.org/thb-graph/graph/"


@pytest.mark.parametrize(
    "spec", ["sparql:", "sparql:ftp://127.0.0.1/q", "sparql:a,b,c,d", "sparql:http://u:p@h/q"]
)
def test_bad_remote_specs_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError):
        open_remote(Settings(store=spec))


def test_a_forked_child_opens_its_own_connection(serve) -> None:  # type: ignore[no-untyped-def]
    import os

    server = serve(lambda m, p, f: results(["n"], [{"n": {"type": "literal", "value": "1"}}]))
    store = remote(server.url)
    store.query("SELECT ?n FROM <urn:g> WHERE { ?n ?p ?o }")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child answers through the pipe and leaves at once
        ok = b"0"
        try:
            rows = store.query("SELECT ?n FROM <urn:g> WHERE { ?n ?p ?o }").rows
            ok = b"1" if rows == [(Literal("1"),)] else b"0"
        finally:
            os.write(write, ok)
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    os.close(read)
    ports = {addr[1] for addr in server.peers}
    assert len(ports) == 2  # the parent's connection and the child's own
