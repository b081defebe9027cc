"""Property-based fuzzing of the protocol layer: random methods, paths, parameters, headers
and bodies (random text and SPARQL/RDF-shaped token soup) through the app. Whatever comes
in, the answer is never a 5xx (but the intended 503 of a query stopped at its time limit),
always in bounded time, always the one error shape, and nothing is ever fetched."""

from __future__ import annotations

import http.server
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thb_graph.config import Settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.web import create_app

TOKEN = "fuzz-token-93b1"  # noqa: S105 - a test token
#: Longest any fuzzed request may take to be answered (the query timeout is 2 s).
BOUND_S = 10.0
EXAMPLES = 400

_canary_hits: list[str] = []


class _Canary(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        _canary_hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def fuzz_client(canary_url: str) -> Iterator[FlaskClient]:
    """One app over the fixture tree with writes on, shared by every example."""
    from conftest import MINI
    from thb_graph.config import load_settings

    base: Settings = load_settings(
        env={},
        overrides={
            "source_dir": str(MINI),
            "store": "oxigraph:memory",
            "write_token": TOKEN,
            "query_timeout_s": 2,
            "write_timeout_s": 5,
            "max_body_bytes": 256 * 1024,
        },
    )
    store = open_store(base)
    build_store(base, store)
    app = create_app(base, store)
    yield app.test_client()
    store.close()
    assert _canary_hits == [], f"the canary was contacted: {_canary_hits}"


# ---- strategies ----------------------------------------------------------------------------

TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "*", "{", "}", "(", ")", "[", "]", ".",
    ";", ",", "?s", "?p", "?o", "?g", "$x", "a", "GRAPH", "OPTIONAL", "UNION", "MINUS", "FILTER",
    "BIND", "AS", "VALUES", "SERVICE", "SILENT", "LOAD", "INTO", "FROM", "NAMED", "USING", "WITH",
    "INSERT", "DELETE", "DATA", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "TO", "ALL",
    "DEFAULT", "PREFIX", "BASE", "thb:", "ex:x", "skos:prefLabel", "COUNT(*)", "GROUP BY",
    "ORDER BY", "LIMIT 3", "OFFSET 1", "IRI('a b')", "STR(?s)", "REGEX(?o, '(a+)+$')",
    "<https://w3id.org/thb-graph/graph/data/actors>", "<https://w3id.org/thb-graph/graph/inferred>",
    "<https://w3id.org/thb-graph/graph/history>", "<https://w3id.org/thb-graph/id/actor/x>",
    "<file:///etc/passwd>", "<CANARY>", "'x'", '"y"@en', '"""z"""', "1", "-1", "2.5e3",
    "true", "'unclosed", "#", "\n", "\t", "\x00", "\u202e", "é", "<<", ">>", "^^", "@en",
]  # fmt: skip
MEDIA_TYPES = [
    "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
    "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
    "application/n-quads", "application/json", "text/plain", "multipart/form-data; boundary=x",
    "text/turtle; charset=utf-16", "", "*/*", "a/b/c", "application/sparql-results+json",
]  # fmt: skip
ACCEPTS = [
    "", "*/*", "text/html", "application/json", "text/turtle;q=0.5, */*;q=0.1", "image/png",
    "application/sparql-results+xml", "text/csv", "text/*", "application/ld+json;q=abc",
    "application/n-triples;q=0", ";;;,,,", "text/html, application/xhtml+xml, */*;q=0.8",
]  # fmt: skip


#: Well-formed requests with a hole each, filled with token soup: they get past the parsers
#: to the guards, the store, the SHACL gate and the serialisers.
TEMPLATES = [
    "SELECT * WHERE {{ ?s ?p ?o {} }} LIMIT 5",
    "SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p {} }} GROUP BY ?s",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {}",
    "ASK {{ {} }}",
    "INSERT DATA {{ GRAPH <https://example.org/g> {{ <https://example.org/s> "
    "<https://example.org/p> {} }} }}",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA {{ GRAPH "
    "<https://w3id.org/thb-graph/graph/data/actors> {{ <https://w3id.org/thb-graph/id/actor/f> "
    "a <https://w3id.org/thb-graph/ontology#GovernmentBody> ; skos:prefLabel {} }} }}",
    "DELETE WHERE {{ GRAPH <https://example.org/g> {{ ?s ?p {} }} }}",
    "INSERT DATA {{ GRAPH <https://w3id.org/thb-graph/graph/data/actors> {{ "
    "<https://w3id.org/thb-graph/id/actor/u> a <https://w3id.org/thb-graph/ontology#"
    "GovernmentBody> ; <http://www.w3.org/2004/02/skos/core#altLabel> {} }} }}",
    "WITH <https://example.org/g> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p {} }} WHERE {{ ?s ?p ?o }}",
]
FILLERS = ["'x'", "1", "?o", "<CANARY>", "'é'@fr", "true", "?s ?p ?o", "5", '"""a\nb"""']


def soup(canary_url: str, *, templated: bool = False) -> st.SearchStrategy[str]:
    """Text made of protocol-shaped tokens, templates with holes, or anything printable;
    ``templated``: mostly templates, so that requests get far into the work."""
    host = canary_url.removeprefix("http://")
    tokens = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map(" ".join)
    filled = st.builds(
        lambda t, f: t.format(f),
        st.sampled_from(TEMPLATES),
        st.one_of(st.sampled_from(FILLERS), tokens),
    )
    anything = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
    mix = [filled, filled, filled, tokens] if templated else [tokens, filled, anything]
    return st.one_of(*mix).map(lambda t: t.replace("CANARY", host))


def requests_strategy(canary_url: str) -> st.SearchStrategy[dict[str, object]]:
    """Requests aimed at each protocol (a plausible shape with random parts), and strays."""
    text = soup(canary_url)
    work = soup(canary_url, templated=True)
    param = st.sampled_from(
        ["query", "update", "default-graph-uri", "named-graph-uri", "using-graph-uri",
         "using-named-graph-uri", "format", "graph", "default", "q", "page"]
    )  # fmt: skip
    auth = st.sampled_from(
        [None, f"Bearer {TOKEN}", f"Bearer {TOKEN}", "Bearer wrong", "Basic Zm9vOmJhcg==", ""]
    )
    noise = st.sampled_from(["format", "q", "using-graph-uri", "default-graph-uri"])
    common = {
        "params": st.lists(st.tuples(noise, text), max_size=1),
        "form": st.one_of(st.none(), st.lists(st.tuples(noise, text), max_size=1)),
        "body": st.one_of(text.map(str.encode), st.binary(max_size=300)),
        "content_type": st.sampled_from(MEDIA_TYPES),
        "accept": st.sampled_from(ACCEPTS),
        "authorization": auth,
        "if_none_match": st.one_of(st.none(), st.sampled_from(['"x"', "*", 'W/"abc"', ","])),
    }

    def aimed(paths: list[str], methods: list[str], **fixed: object) -> st.SearchStrategy:
        parts = {**common, **{k: st.just(v) for k, v in fixed.items()}}
        return st.fixed_dictionaries(
            {"path": st.sampled_from(paths), "method": st.sampled_from(methods), **parts}
        )

    graph = st.sampled_from(
        ["https://example.org/g", "https://w3id.org/thb-graph/graph/data/actors",
         "https://w3id.org/thb-graph/graph/ontology", "relative", ""]
    )  # fmt: skip
    writer = f"Bearer {TOKEN}"
    turtle = st.builds(
        lambda f: f"<https://example.org/s> <https://example.org/p> {f} .".encode(),
        st.one_of(st.sampled_from(FILLERS), work),
    )
    return st.one_of(
        # well-formed envelopes with fuzzed contents: they reach the guards, the store,
        # the SHACL gate and the writers
        st.builds(
            lambda r, q: {**r, "params": [("query", q), *r["params"]], "form": None},
            aimed(["/sparql"], ["GET"]),
            work,
        ),
        st.builds(
            lambda r, q: {**r, "form": [("query", q), *(r["form"] or [])]},
            aimed(["/sparql"], ["POST"]),
            work,
        ),
        st.builds(
            lambda r, u: {**r, "form": [("update", u), *(r["form"] or [])]},
            aimed(["/sparql/update"], ["POST"], authorization=writer),
            work,
        ),
        st.builds(
            lambda r, u: {**r, "form": None, "body": u.encode()},
            aimed(
                ["/sparql/update"],
                ["POST"],
                authorization=writer,
                content_type="application/sparql-update",
            ),
            work,
        ),
        st.builds(
            lambda r, g, body: {**r, "params": [("graph", g)], "form": None, "body": body},
            aimed(
                ["/rdf-graph-store"],
                ["PUT", "POST"],
                authorization=writer,
                content_type="text/turtle",
            ),
            graph,
            turtle,
        ),
        # anything else
        st.builds(
            lambda r, g: {**r, "params": [("graph", g), *r["params"]]},
            aimed(["/rdf-graph-store"], ["GET", "PUT", "POST", "DELETE"], form=None),
            graph,
        ),
        st.builds(
            lambda r, params, form: {**r, "params": params, "form": form},
            aimed(["/sparql", "/sparql/update", "/rdf-graph-store"], ["GET", "POST", "PUT"]),
            st.lists(st.tuples(param, text), max_size=4),
            st.one_of(st.none(), st.lists(st.tuples(param, text), max_size=3)),
        ),
        aimed(
            [
                "/sparql",
                "/sparql/update",
                "/rdf-graph-store",
                "/health",
                "/search",
                "/id/actor/ocrteh",
                "/.well-known/void",
                "/download/",
                "/nowhere",
            ],
            ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"],
        ),
    )


def send(client: FlaskClient, r: dict[str, object]) -> object:
    headers = {"Accept": r["accept"], "Content-Type": r["content_type"]}
    if r["authorization"] is not None:
        headers["Authorization"] = r["authorization"]
    if r["if_none_match"] is not None:
        headers["If-None-Match"] = r["if_none_match"]
    kwargs: dict[str, object] = {"query_string": r["params"], "headers": headers}
    if r["method"] not in ("GET", "HEAD", "OPTIONS"):
        if r["form"] is not None:
            kwargs["data"] = dict(r["form"])  # type: ignore[arg-type]
            headers.pop("Content-Type")
        else:
            kwargs["data"] = r["body"]
    return client.open(str(r["path"]), method=str(r["method"]), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def strategy(canary_url: str) -> st.SearchStrategy[dict[str, object]]:
    return requests_strategy(canary_url)


def test_no_request_gets_a_5xx_or_hangs(
    fuzz_client: FlaskClient, strategy: st.SearchStrategy[dict[str, object]]
) -> None:
    tried: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=strategy)
    def check(request: dict[str, object]) -> None:
        started = time.monotonic()
        response = send(fuzz_client, request)
        took = time.monotonic() - started
        status = response.status_code  # type: ignore[attr-defined]
        tried.append(status)
        assert took < BOUND_S, f"{took:.1f} s for {request!r}"
        body = response.get_data(as_text=True)  # type: ignore[attr-defined]
        if status == 503:
            assert "stopped after" in body or "held the graph" in body, body[:300]
        else:
            assert status < 500, f"{status} for {request!r}: {body[:300]}"
        is_json = response.mimetype == "application/json"  # type: ignore[attr-defined]
        if status >= 400 and is_json and request["method"] != "HEAD":
            error = response.get_json()  # type: ignore[attr-defined]
            assert error["ok"] is False and error["status"] == status and error["errors"]

    check()
    print(f"fuzz: {len(tried)} requests, statuses {sorted(Counter(tried).items())}")
    assert len(tried) >= EXAMPLES
    assert len(set(tried)) > 5, f"the fuzzer reached too few outcomes: {sorted(set(tried))}"
    assert _canary_hits == []
