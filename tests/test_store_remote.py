"""The ``sparql:`` store against a real Virtuoso (scripts/virtuoso.sh start).

The France graph is loaded into Virtuoso through the remote backend, and every competency
query (``queries/pcq-*.rq``) answered through the project's app backed by Virtuoso must give
the same answers as the embedded store. With CI=true a missing Virtuoso fails these tests.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from conftest import require_part
from thb_graph.config import Settings, load_settings
from thb_graph.errors import BadRequestError, QuerySyntaxError, ThbGraphError
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import QueryResult, Store
from thb_graph.kg.store.remote import LIST_TTL_S, RemoteStore
from thb_graph.kg.store.remote_http import parse_results_json, parse_triples

pytestmark = pytest.mark.virtuoso

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("pcq-*.rq"))
VIRTUOSO_URL = os.environ.get("THB_GRAPH_VIRTUOSO_URL", "http://127.0.0.1:18890/sparql")
NUMERIC = {str(XSD[n]) for n in ("integer", "decimal", "double", "float", "int", "long")}


@pytest.fixture(scope="session")
def virtuoso_url() -> str:
    """The SPARQL URL of the Virtuoso started by scripts/virtuoso.sh; skip (fail under CI)
    when it does not answer."""
    probe = RemoteStore(VIRTUOSO_URL, graph_prefix="urn:probe:")
    try:
        probe.query("ASK FROM <urn:probe:none> {}")
    except ThbGraphError as e:
        require_part(False, f"no Virtuoso at {VIRTUOSO_URL} (scripts/virtuoso.sh start): {e}")
    finally:
        probe.close()
    if not probe.query_client.server.startswith("Virtuoso"):
        pytest.fail(f"{VIRTUOSO_URL} is not a Virtuoso: {probe.query_client.server!r}")
    return VIRTUOSO_URL


@pytest.fixture
def scratch(virtuoso_url: str) -> Iterator[RemoteStore]:
    """A remote store over a graph prefix of its own, emptied afterwards."""
    prefix = f"https://w3id.org/thb-graph/test-{uuid.uuid4().hex[:8]}/graph/"
    store = RemoteStore(virtuoso_url, virtuoso_url, graph_prefix=prefix)
    yield store
    for name in store.graph_names():
        store.drop_graph(name)
    store._send_update(f"DROP SILENT GRAPH <{store.meta_graph}>")
    store.close()


# ---- the store contract on Virtuoso -----------------------------------------------------
def test_load_count_names_and_dump_round_trip(scratch: RemoteStore) -> None:
    g = scratch.graph_prefix + "data/a"
    data = b"""@prefix ex: <urn:ex:> .
        ex:a ex:label "caf\\u00e9"@fr , "a \\"quoted\\" line\\nbreak" ; ex:n 5 ;
             ex:d "P21D"^^<http://www.w3.org/2001/XMLSchema#duration> ;
             ex:flag true ; ex:part [ ex:n 6 ; ex:part [ ex:n 7 ] ] ."""
    scratch.load(data, "text/turtle", g)
    assert scratch.graph_names() == [g]
    assert scratch.count(g) == 9
    assert scratch.count() == 9
    rows = scratch.query("SELECT ?d ?f WHERE { ?a <urn:ex:d> ?d ; <urn:ex:flag> ?f }").rows
    assert rows == [(Literal("P21D", datatype=XSD.duration), Literal(True))]
    nested = scratch.query(
        "SELECT ?n WHERE { <urn:ex:a> <urn:ex:part>/<urn:ex:part> ?x . ?x <urn:ex:n> ?n }"
    ).rows
    assert nested == [(Literal(7),)]
    dumped = scratch.dump("application/n-triples", g)
    assert len(parse_triples(dumped, "application/n-triples")) == 9


def test_graph_results_from_virtuoso_are_capped_and_signalled(scratch: RemoteStore) -> None:
    g = scratch.graph_prefix + "data/a"
    scratch.load(b"<urn:ex:a> <urn:ex:n> 1 , 2 , 3 , 4 .", "text/turtle", g)
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    cut = scratch.query(construct, max_rows=3)
    assert cut.kind == "graph" and cut.truncated and len(cut.triples) == 3
    whole = scratch.query(construct, max_rows=4)
    assert not whole.truncated and len(whole.triples) == 4


def test_the_servers_own_graphs_stay_out_of_answers(scratch: RemoteStore) -> None:
    scratch.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", scratch.graph_prefix + "x")
    total = scratch.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    graphs = scratch.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert int(total) == 1  # type: ignore[arg-type]
    assert graphs == [(URIRef(scratch.graph_prefix + "x"),)]


def test_a_graph_another_program_adds_later_stays_out_of_answers(
    scratch: RemoteStore, virtuoso_url: str
) -> None:
    scratch.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", scratch.graph_prefix + "x")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(scratch.query(count).rows[0][0]) == 1  # type: ignore[arg-type]
    prefix = f"https://w3id.org/thb-graph/test-{uuid.uuid4().hex[:8]}/graph/"
    other = RemoteStore(virtuoso_url, virtuoso_url, graph_prefix=prefix)
    try:
        other.load(b"<urn:d> <urn:e> <urn:f> .", "application/n-triples", other.graph_prefix + "y")
        time.sleep(LIST_TTL_S)
        assert int(scratch.query(count).rows[0][0]) == 1  # type: ignore[arg-type]
        assert scratch.query("ASK { GRAPH ?g { <urn:d> ?p ?o } }").boolean is False
        assert other.query("ASK { <urn:d> ?p ?o }").boolean is True
        assert other.query("ASK { <urn:a> ?p ?o }").boolean is False
    finally:
        other.drop_graph(other.graph_prefix + "y")
        other._send_update(f"DROP SILENT GRAPH <{other.meta_graph}>")
        other.close()


def test_through_the_server_a_write_by_anyone_shows_in_the_next_answer(
    scratch: RemoteStore, virtuoso_url: str, settings: Settings
) -> None:
    from thb_graph.web import create_app

    graph = scratch.graph_prefix + "x"
    scratch.load(b"<urn:a> <urn:b> 1 .", "text/turtle", graph)
    app = create_app(settings, scratch)
    client = app.test_client()
    ask = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    json_type = {"Accept": "application/sparql-results+json"}

    def count() -> int:
        reply = client.get("/sparql", query_string=ask, headers=json_type)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return int(reply.get_json()["results"]["bindings"][0]["n"]["value"])

    writer = RemoteStore(virtuoso_url, virtuoso_url, graph_prefix=scratch.graph_prefix)
    try:
        assert count() == 1
        writer.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 2 }} }}")
        assert count() == 2  # same request: not answered from the cache of the first
        writer.load(b"<urn:c> <urn:d> 3 .", "text/turtle", scratch.graph_prefix + "y")
        assert count() == 3  # a new graph of ours is seen at once
    finally:
        writer.close()
        app.extensions["thb_graph"].close()


def test_graph_patterns_count_alike_with_and_without_graph(scratch: RemoteStore) -> None:
    graph = scratch.graph_prefix + "x"
    scratch.load(b"<urn:a> <urn:b> 1 , 2 .", "text/turtle", graph)
    scratch.load(b"<urn:a> <urn:b> 3 .", "text/turtle", scratch.graph_prefix + "y")
    named = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    every = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(scratch.query(named).rows[0][0]) == 2  # type: ignore[arg-type]
    assert int(scratch.query(every).rows[0][0]) == 3  # type: ignore[arg-type]


def test_syntax_errors_name_the_line_of_the_query_as_written(scratch: RemoteStore) -> None:
    scratch.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", scratch.graph_prefix + "x")
    with pytest.raises(QuerySyntaxError) as raised:
        scratch.query("# a comment\nSELECT * WHERE {\n  ?s ?p\n}")
    assert raised.value.line in (3, 4), raised.value.message


def test_replace_and_drop_graph(scratch: RemoteStore) -> None:
    g = scratch.graph_prefix + "data/b"
    scratch.load(b"<urn:a> <urn:b> 1 , 2 .", "text/turtle", g)
    before = scratch.version()
    scratch.replace_graph(g, b"<urn:a> <urn:b> 3 .", "text/turtle")
    assert scratch.version() != before
    assert scratch.query("SELECT ?o WHERE { ?s ?p ?o }").rows == [(Literal(3),)]
    assert scratch.drop_graph(g) is True
    assert scratch.drop_graph(g) is False
    assert scratch.graph_names() == []


def test_meta_values_and_version_move_with_writes(scratch: RemoteStore) -> None:
    assert scratch.read_meta("content_hash") is None
    first = scratch.version()
    scratch.write_meta("content_hash", "abc")
    assert scratch.read_meta("content_hash") == "abc"
    second = scratch.version()
    scratch.update(f"INSERT DATA {{ GRAPH <{scratch.graph_prefix}u> {{ <urn:a> <urn:b> 1 }} }}")
    assert len({first, second, scratch.version()}) == 3


def test_a_malformed_query_or_update_is_a_syntax_error(scratch: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError, match="syntax error"):
        scratch.query("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QuerySyntaxError):
        scratch.update("INSERT DATA { <urn:a> }")


def test_writes_outside_the_managed_graphs_are_refused(scratch: RemoteStore) -> None:
    with pytest.raises(BadRequestError):
        scratch.load(b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", "urn:other")


#: A query with a zero-or-more path (``a/rdfs:subClassOf*``, ``org:subOrganizationOf*``).
ZERO_OR_MORE_PATH = re.compile(r"[\w>)]\*(?=\s|[;.,)}])")
_BOUND_STRING = re.compile(r"BIND\s*\(\s*(?:\"[^\"]*\"|'[^']*')\s+AS\s+\?(\w+)\s*\)", re.I)


def lang_of_bound_string(text: str) -> bool:
    """True when the query takes ``lang()`` of a string it BINDs itself."""
    return any(
        re.search(rf"lang\s*\(\s*\?{name}\s*\)", text, re.I) for name in _BOUND_STRING.findall(text)
    )


#: Virtuoso 7.2 deviations from SPARQL 1.1 (docs/scale.md). The lang() one is pinned by a strict
#: xfail test below; the zero-or-more one depends on Virtuoso's query plan (it comes and goes
#: with what else the database holds), so it is not pinned. The named queries keep clear of
#: both, so that every store gives the same answers.
KNOWN_DEVIATIONS = {
    "a zero-or-more path joined with another pattern": ZERO_OR_MORE_PATH.search,
    "lang() of a string the query binds": lang_of_bound_string,
}


@pytest.mark.xfail(
    strict=True, reason="Virtuoso 7.2 gives no lang() (unbound) for a string a query binds"
)
def test_virtuoso_gives_the_empty_language_of_a_bound_string(scratch: RemoteStore) -> None:
    text = 'SELECT ?x FROM <urn:none> WHERE { BIND ("a" AS ?x) FILTER (lang(?x) = "") }'
    assert scratch.query(text).rows == [(Literal("a"),)]


def test_graph_store_protocol_loads_the_same_triples(scratch: RemoteStore) -> None:
    gsp = RemoteStore(
        scratch.query_client.url,
        scratch.query_client.url,
        scratch.query_client.url + "-graph-crud",
        graph_prefix=scratch.graph_prefix,
    )
    data = b'<urn:a> <urn:b> _:x . _:x <urn:c> "d" . <urn:a> <urn:e> 1 .'
    gsp.load(data, "text/turtle", scratch.graph_prefix + "gsp")
    gsp.close()
    rows = scratch.query("SELECT ?d WHERE { <urn:a> <urn:b>/<urn:c> ?d }").rows
    assert rows == [(Literal("d"),)]
    assert scratch.count(scratch.graph_prefix + "gsp") == 3


# ---- the France graph and the competency queries ----------------------------------------
def _settings(store: str) -> Settings:
    return load_settings(env={}, overrides={"store": store, "source_dir": str(ROOT)})


@pytest.fixture(scope="module")
def embedded() -> Iterator[Store]:
    """The France graph in the embedded store."""
    settings = _settings("oxigraph:memory")
    store = open_store(settings)
    build_store(settings, store, validate=False)
    yield store
    store.close()


@pytest.fixture(scope="module")
def virtuoso_france(virtuoso_url: str) -> Iterator[tuple[Settings, Store]]:
    """The France graph loaded into Virtuoso through the sparql: backend, alone: graphs an
    earlier run left under the base (a benchmark's synthetic data) are dropped first."""
    settings = _settings(f"sparql:{virtuoso_url},{virtuoso_url}")
    store = open_store(settings)
    for name in store.graph_names():
        store.drop_graph(name)
    build_store(settings, store, validate=False)
    yield settings, store
    store.close()


def test_virtuoso_holds_the_same_graphs_as_the_embedded_store(
    embedded: Store, virtuoso_france: tuple[Settings, Store]
) -> None:
    _, remote = virtuoso_france
    assert remote.graph_names() == embedded.graph_names()
    for name in embedded.graph_names():
        assert remote.count(name) == embedded.count(name), name


def _key(term: Node | None) -> object:
    """A comparable form of a term: blank nodes alike, numbers by value, tags lower-cased."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        if datatype in NUMERIC:
            try:
                return ("number", Decimal(str(term)).normalize())
            except InvalidOperation:
                return ("literal", str(term), datatype)
        return ("literal", str(term), datatype, (term.language or "").lower())
    return ("iri", str(term))


#: ``(GROUP_CONCAT(... ; SEPARATOR = "s") AS ?v)``: the separator and the variable.
_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*?"
    r"(?:;\s*SEPARATOR\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?\s*\)\s*AS\s*[?$](\w+)",
    re.IGNORECASE,
)


def group_concats(text: str) -> dict[str, str]:
    """The variables a query binds with GROUP_CONCAT, each with its separator."""
    return {
        m.group(3): m.group(1) if m.group(1) is not None else (m.group(2) or " ")
        for m in _GROUP_CONCAT.finditer(text)
    }


def _concat_key(term: Node | None, separator: str) -> object:
    """SPARQL 1.1 leaves the order of GROUP_CONCAT open, and gives its result no language
    (Oxigraph keeps a shared one; Virtuoso does not; an empty group is "" or unbound):
    compare the parts as a multiset."""
    text = "" if term is None else str(term)
    return ("concat", tuple(sorted(text.split(separator))) if text else ())


def _answers(result: QueryResult, concats: dict[str, str] | None = None) -> object:
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return Counter(tuple(_key(t) for t in triple) for triple in result.triples)
    concats = concats or {}
    separators = [concats.get(v) for v in result.variables]
    rows = Counter(
        tuple(
            _key(t) if sep is None else _concat_key(t, sep)
            for t, sep in zip(row, separators, strict=True)
        )
        for row in result.rows
    )
    return (result.variables, rows)


def test_zero_or_more_paths_are_recognised() -> None:
    assert ZERO_OR_MORE_PATH.search("?c a/rdfs:subClassOf* thb:Claim ;")
    assert ZERO_OR_MORE_PATH.search("?u org:subOrganizationOf* ?o .")
    assert ZERO_OR_MORE_PATH.search("?u (org:a|org:b)* ?o")
    assert not ZERO_OR_MORE_PATH.search("SELECT * WHERE { ?s ?p ?o }")
    assert not ZERO_OR_MORE_PATH.search("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_named_queries_keep_clear_of_known_store_deviations(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    met = [name for name, meets in KNOWN_DEVIATIONS.items() if meets(text)]
    assert not met, f"{path.name} meets: {', '.join(met)}"


def test_lang_of_a_bound_string_is_recognised() -> None:
    assert lang_of_bound_string('BIND ("x" AS ?l) FILTER (lang(?l) IN ("en", ""))')
    assert not lang_of_bound_string('BIND ("x" AS ?l) FILTER (lang(?other) = "en")')
    assert not lang_of_bound_string('?s rdfs:label ?l FILTER (lang(?l) = "en")')


def test_group_concat_variables_are_found_with_their_separators() -> None:
    text = """SELECT ?a (GROUP_CONCAT(DISTINCT STR(?y); SEPARATOR=", ") AS ?years)
        (group_concat(?e ; separator = ' | ') as ?evidence) (GROUP_CONCAT(?z) AS ?plain)"""
    assert group_concats(text) == {"years": ", ", "evidence": " | ", "plain": " "}


def _through_app(settings: Settings, store: Store, text: str) -> QueryResult:
    """The query answered by the project's app over ``store``: POST /sparql when the
    endpoint is there, the store's own query otherwise."""
    from thb_graph.web import create_app

    app = create_app(settings, store)
    if not any(rule.rule == "/sparql" for rule in app.url_map.iter_rules()):
        return store.query(text)
    reply = app.test_client().post(
        "/sparql",
        data=text.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        },
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)
    if reply.mimetype == "application/n-triples":
        return QueryResult(
            kind="graph", triples=parse_triples(reply.get_data(), "application/n-triples")
        )
    assert reply.mimetype in ("application/sparql-results+json", "application/json")
    json.loads(reply.get_data())
    return parse_results_json(reply.get_data())


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_query_answers_match_the_embedded_store(
    path: Path, embedded: Store, virtuoso_france: tuple[Settings, Store]
) -> None:
    text = path.read_text(encoding="utf-8")
    settings, remote = virtuoso_france
    concats = group_concats(text)
    expected = _answers(embedded.query(text), concats)
    got = _answers(_through_app(settings, remote, text), concats)
    assert got == expected
    assert expected not in ((), None, False) and expected != ((), Counter())
