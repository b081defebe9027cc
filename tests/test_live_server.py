"""The endpoint served for real: a `thb-graph serve` process, real HTTP, real clients.

Uses the session-wide ``live_server`` (conftest). Protocol details over the wire, the
loopback canary that SERVICE/FROM/LOAD must never contact, a timeout that really stops the
work while the server keeps answering, and SPARQLWrapper (its defaults included), rdflib's
SPARQLStore and curl running every named query and getting the answers of an in-process run.
"""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from rdflib.term import Node
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from conftest import LiveServer, free_port, require_part
from thb_graph.config import Settings, load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.queries import Example, load_examples
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store

pytestmark = pytest.mark.server

ASK_ALL = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 10"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def source_settings(**overrides: object) -> Settings:
    """Settings over the sources the live server serves."""
    env = {k: v for k, v in os.environ.items() if k == "THB_GRAPH_SOURCE_DIR"}
    return load_settings(env=env, overrides=overrides)


def examples() -> list[Example]:
    return load_examples(source_settings().queries_dir)


# ---- protocol over the wire -------------------------------------------------------------


def test_get_post_form_and_post_direct_agree(live_server: LiveServer) -> None:
    url = live_server.url + "/sparql"
    accept = {"Accept": "application/sparql-results+json"}
    got = requests.get(url, params={"query": SELECT}, headers=accept, timeout=10)
    form = requests.post(url, data={"query": SELECT}, headers=accept, timeout=10)
    direct = requests.post(
        url,
        data=SELECT.encode(),
        headers={**accept, "Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert got.status_code == form.status_code == direct.status_code == 200
    assert got.headers["Content-Type"] == "application/sparql-results+json"
    assert got.json() == form.json() == direct.json()
    assert got.headers["Server"] != "Werkzeug", "a production server answers"


@pytest.mark.parametrize(
    ("query", "fmt", "media_type"),
    [
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (SELECT, "xml", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "nt", "application/n-triples"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "jsonld", "application/ld+json"),
    ],
)
def test_format_parameter_over_the_wire(
    live_server: LiveServer, query: str, fmt: str, media_type: str
) -> None:
    answer = requests.get(
        live_server.url + "/sparql", params={"query": query, "format": fmt}, timeout=10
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].split(";")[0] == media_type
    assert answer.headers["Vary"] == "Accept"


def test_errors_over_the_wire_have_the_one_shape(live_server: LiveServer) -> None:
    url = live_server.url + "/sparql"
    bad = requests.get(url, params={"query": "SELECT * WHERE {\n ?s "}, timeout=10)
    assert bad.status_code == 400 and bad.json()["line"] >= 1 and bad.json()["column"] >= 1
    unacceptable = requests.get(
        url, params={"query": SELECT}, headers={"Accept": "image/png"}, timeout=10
    )
    assert unacceptable.status_code == 406 and unacceptable.json()["status"] == 406


def test_oversized_queries_are_414_by_get_and_413_by_post(live_server: LiveServer) -> None:
    query = "#" + "x" * 70000 + "\n" + ASK_ALL
    url = live_server.url + "/sparql"
    assert requests.get(url, params={"query": query}, timeout=10).status_code == 414
    assert requests.post(url, data={"query": query}, timeout=10).status_code == 413


def test_etag_and_304_over_the_wire(live_server: LiveServer) -> None:
    url = live_server.url + "/sparql"
    first = requests.get(url, params={"query": ASK_ALL}, timeout=10)
    again = requests.get(
        url, params={"query": ASK_ALL}, headers={"If-None-Match": first.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304


def test_head_and_options_over_the_wire(live_server: LiveServer) -> None:
    url = live_server.url + "/sparql"
    head = requests.head(url, params={"query": ASK_ALL}, timeout=10)
    assert head.status_code == 200 and head.content == b""
    options = requests.options(url, headers={"Origin": "http://elsewhere.test"}, timeout=10)
    assert options.status_code == 204
    assert options.headers["Access-Control-Allow-Origin"] == "*"


# ---- the canary: nothing is ever fetched -----------------------------------------------


class Canary(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that records every request it gets."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                canary.hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b"<http://canary/s> <http://canary/p> <http://canary/o> .\n")

            do_GET = do_POST = do_HEAD = _record

            def log_message(self, *args: object) -> None:
                return

        super().__init__(("127.0.0.1", free_port()), Handler)


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_nothing_makes_the_server_fetch_a_url(live_server: LiveServer, canary: Canary) -> None:
    target = f"http://127.0.0.1:{canary.server_address[1]}/data"
    probe = requests.get(target, timeout=5)
    assert probe.status_code == 200 and canary.hits == ["GET /data"], "the canary answers"
    canary.hits.clear()
    url = live_server.url + "/sparql"
    attempts = [
        {"query": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}"},  # noqa: S608
        {"query": f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},  # noqa: S608
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": target},
        {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": target},
        {"query": f"LOAD <{target}>"},
        {"update": f"LOAD <{target}>"},
        {"query": f"DESCRIBE <{target}>", "default-graph-uri": target},
    ]
    for params in attempts:
        answer = requests.get(url, params=params, timeout=10)
        assert answer.status_code == 400, (params, answer.text)
        assert answer.json()["error"], params
        posted = requests.post(url, data=params, timeout=10)
        assert posted.status_code == 400, (params, posted.text)
    time.sleep(0.5)
    assert canary.hits == []


# ---- timeouts really stop the work -----------------------------------------------------


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def test_timeout_answers_503_and_stops_the_work(live_server: LiveServer) -> None:
    url = live_server.url + "/sparql"
    health: list[float] = []

    def poll_health() -> None:
        time.sleep(1.0)
        started = time.monotonic()
        assert requests.get(live_server.url + "/health", timeout=5).status_code == 200
        health.append(time.monotonic() - started)

    poller = threading.Thread(target=poll_health)
    poller.start()
    started = time.monotonic()
    answer = requests.get(url, params={"query": HEAVY}, timeout=30)
    took = time.monotonic() - started
    poller.join()
    assert answer.status_code == 503
    assert "stopped after 3 s" in answer.json()["error"]
    assert 2.5 < took < 6
    assert health and health[0] < 1.0, "the server answered while the query ran"
    pids = _descendants(live_server.process.pid)
    before = _cpu_ticks(pids)
    time.sleep(1.0)
    assert _cpu_ticks(_descendants(live_server.process.pid)) - before < 20, "nothing still runs"
    assert requests.get(url, params={"query": ASK_ALL}, timeout=10).status_code == 200


# ---- real clients get the in-process answers -------------------------------------------


@pytest.fixture(scope="module")
def local_store() -> Iterator[Store]:
    settings = source_settings(store="oxigraph:memory")
    store = open_store(settings)
    build_store(settings, store)
    yield store
    store.close()


def _normal(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, Literal) and term.datatype is None and term.language is None:
        return Literal(str(term)).n3()
    return term.n3()


def _from_json(cell: dict[str, str] | None) -> Node | None:
    if cell is None:
        return None
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    if cell["type"] == "bnode":
        return BNode(cell["value"])
    datatype = cell.get("datatype")
    return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=datatype)


_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?"
    r"(?:;\s*SEPARATOR\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'))?\s*\)\s*AS\s*\?(\w+)",
    re.IGNORECASE | re.DOTALL,
)


def _concatenated(query: str) -> dict[str, str]:
    """Variables bound by GROUP_CONCAT, with their separator: SPARQL leaves the order of
    the parts undefined, so two correct stores may join them differently."""
    return {var: (sep[1:-1] if sep else " ") for sep, var in _CONCAT.findall(query)}


def _canonical(
    rows: Iterable[Sequence[Node | None]], variables: Sequence[str], query: str
) -> list[tuple[str, ...]]:
    joined = _concatenated(query)
    out = []
    for row in rows:
        cells = []
        for name, term in zip(variables, row, strict=True):
            if name in joined and isinstance(term, Literal):
                parts = sorted(str(term).split(joined[name]))
                cells.append(f"{joined[name].join(parts)!r}@{term.language}^^{term.datatype}")
            else:
                cells.append(_normal(term))
        out.append(tuple(cells))
    return sorted(out)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_sparqlwrapper_gets_the_in_process_answers(
    live_server: LiveServer, local_store: Store, example: Example
) -> None:
    expected = local_store.query(example.query)
    # Its defaults first, as a user copies a query: GET, XML results, the query form
    # guessed from the text (a guess that the shipped comments must not mislead).
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(example.query)
    assert not client.isSparqlUpdateRequest()
    answer = client.query().response.read()
    parsed = Result.parse(io.BytesIO(answer), format="xml")
    if expected.kind == "ask":
        assert parsed.askAnswer == expected.boolean
    else:
        names = [str(v) for v in parsed.vars or []]
        assert _canonical(list(parsed), names, example.query) == _canonical(
            expected.rows, expected.variables, example.query
        ), "SPARQLWrapper with its defaults"
    for method, fmt in (("GET", JSON), ("POST", XML)):
        client = SPARQLWrapper(live_server.url + "/sparql")
        client.setQuery(example.query)
        client.setMethod(method)
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        if expected.kind == "ask":
            got = (
                converted["boolean"]
                if fmt == JSON
                else converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
            )  # type: ignore[index,union-attr]
            assert got == expected.boolean
            continue
        if fmt == JSON:
            bindings = converted["results"]["bindings"]  # type: ignore[index]
            names = converted["head"]["vars"]  # type: ignore[index]
            got = [tuple(_from_json(b.get(n)) for n in names) for b in bindings]
            assert _canonical(got, names, example.query) == _canonical(
                expected.rows, expected.variables, example.query
            ), method
        else:
            assert len(converted.getElementsByTagName("result")) == len(expected.rows)  # type: ignore[union-attr]


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_rdflib_sparqlstore_gets_the_in_process_answers(
    live_server: LiveServer, local_store: Store, example: Example
) -> None:
    expected = local_store.query(example.query)
    for options in ({}, {"method": "POST"}):  # its defaults (GET, XML results), then POST
        remote = Graph(store=SPARQLStore(query_endpoint=live_server.url + "/sparql", **options))
        result = remote.query(example.query)
        if expected.kind == "ask":
            assert bool(result.askAnswer) == expected.boolean
        elif expected.kind == "select":
            variables = [str(v) for v in result.vars or []]
            assert variables == list(expected.variables)
            got = _canonical(list(result), variables, example.query)
            assert got == _canonical(expected.rows, expected.variables, example.query), options
        else:
            assert len(result.graph or []) == len(set(expected.triples))


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_curl_gets_the_in_process_answers(
    live_server: LiveServer, local_store: Store, example: Example
) -> None:
    expected = local_store.query(example.query)
    require_part(shutil.which("curl") is not None, "curl is not installed")
    done = subprocess.run(
        ["curl", "-sS", "--fail-with-body", "-H", "Accept: application/sparql-results+json",
         "--data-urlencode", "query@-", live_server.url + "/sparql"],
        input=example.query.encode(), capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    parsed = Result.parse(io.BytesIO(done.stdout), format="json")
    if expected.kind == "ask":
        assert parsed.askAnswer == expected.boolean
    else:
        names = [str(v) for v in parsed.vars or []]
        assert _canonical(list(parsed), names, example.query) == _canonical(
            expected.rows, expected.variables, example.query
        )


# ---- start-up ---------------------------------------------------------------------------


def test_server_is_ready_in_under_two_seconds_once_built(tmp_path: Path) -> None:
    store_spec = f"oxigraph:{tmp_path / 'store'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    if "THB_GRAPH_SOURCE_DIR" in os.environ:
        env["THB_GRAPH_SOURCE_DIR"] = os.environ["THB_GRAPH_SOURCE_DIR"]
    env["THB_GRAPH_STORE"] = store_spec
    built = subprocess.run(
        [sys.executable, "-m", "thb_graph", "load"], capture_output=True, env=env, timeout=300
    )
    assert built.returncode == 0, built.stderr.decode()
    # The best of two starts, so that a briefly busy machine does not decide.
    times = [_time_to_ready(env, tmp_path / f"server-{n}.log") for n in range(2)]
    assert min(times) < 2.0, f"ready after {times} s"


def _time_to_ready(env: dict[str, str], log: Path) -> float:
    port = free_port()
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "thb_graph", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        while time.monotonic() - started < 30 and process.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=10).ok:
                    return time.monotonic() - started
            except requests.ConnectionError:
                time.sleep(0.01)
        pytest.fail(f"the server never answered:\n{log.read_text()}")
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_server_refuses_to_start_on_data_that_breaks_the_shapes(tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "source"
    shutil.copytree(Path(__file__).parent / "data" / "mini", source)
    data = source / "data" / "actors.ttl"
    data.write_text(
        data.read_text() + "\n<https://w3id.org/thb-graph/id/actor/broken> a "
        "<http://www.w3.org/ns/org#Organization> .\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(THB_GRAPH_SOURCE_DIR=str(source), THB_GRAPH_STORE=f"oxigraph:{tmp_path / 's'}")
    done = subprocess.run(
        [sys.executable, "-m", "thb_graph", "serve", "--port", str(free_port())],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert b"does not conform" in done.stderr
