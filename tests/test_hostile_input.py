"""Hostile input everywhere: uploads, updates, queries and pages. Every bad input gets a
clear 4xx in bounded time, changes nothing, and makes the server fetch nothing: a loopback
canary counts every request it receives, and must receive none."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, RdfSyntaxError, ThbGraphError, TooLargeError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.sparql.guard import check_query, check_update
from thb_graph.web import create_app
from thb_graph.writes.upload import MAX_NESTING, parse_upload

TOKEN = "hostile-test-token-0d2e"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
GRAPH = "https://example.org/graph/upload"
MAX_BODY = 64 * 1024
#: Longest any hostile request may take to be answered.
BOUND_S = 10.0


@dataclass
class Canary:
    """A loopback HTTP server that records every request made to it."""

    url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    found = Canary(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.hits.append(self.path)
            body = b'{"@context": {"x": "http://example.org/x"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()
    assert found.hits == [], f"the canary was contacted: {found.hits}"


@pytest.fixture
def client(settings: Settings, store: Store) -> FlaskClient:
    app = create_app(
        settings.replace(write_token=TOKEN, max_body_bytes=MAX_BODY, query_timeout_s=5), store
    )
    app.config["TESTING"] = True
    return app.test_client()


def dump(store: Store) -> list[bytes]:
    return sorted(store.dump("application/n-quads").splitlines())


def nested(open_: str, inner: str, close: str, depth: int) -> str:
    return open_ * depth + inner + close * depth


# ---- uploads -----------------------------------------------------------------------------

XML_HEAD = '<?xml version="1.0"?>\n'
RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e.org/">'
)


def hostile_uploads(canary_url: str) -> list[tuple[str, str, bytes, int]]:
    """(name, media type, body, expected status) of every hostile upload tried."""
    deep = MAX_NESTING + 1
    return [
        (
            "xxe-file",
            "application/rdf+xml",
            (
                XML_HEAD
                + '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                + RDF_OPEN
                + '<rdf:Description rdf:about="http://a"><e:p>&x;</e:p>'
                "</rdf:Description></rdf:RDF>"
            ).encode(),
            400,
        ),
        (
            "xxe-http",
            "application/rdf+xml",
            (
                XML_HEAD
                + f'<!DOCTYPE r [<!ENTITY x SYSTEM "{canary_url}/xxe">]>\n'
                + RDF_OPEN
                + '<rdf:Description rdf:about="http://a"><e:p>&x;</e:p>'
                "</rdf:Description></rdf:RDF>"
            ).encode(),
            400,
        ),
        (
            "xxe-parameter-entity",
            "application/rdf+xml",
            (
                f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{canary_url}/dtd"> %p;]>'
                + RDF_OPEN
                + "</rdf:RDF>"
            ).encode(),
            400,
        ),
        (
            "billion-laughs",
            "application/rdf+xml",
            (
                '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                + RDF_OPEN
                + '<rdf:Description rdf:about="http://a"><e:p>&c;</e:p>'
                "</rdf:Description></rdf:RDF>"
            ).encode(),
            400,
        ),
        ("doctype-lowercase", "application/rdf+xml", b"<!doctype x>" + RDF_OPEN.encode(), 400),
        (
            "xml-utf16",
            "application/rdf+xml",
            ("\ufeff<!DOCTYPE r []>" + RDF_OPEN + "</rdf:RDF>").encode("utf-16"),
            400,
        ),
        (
            "xml-deep",
            "application/rdf+xml",
            (
                RDF_OPEN
                + '<rdf:Description rdf:about="http://a">'
                + nested("<e:p><rdf:Description>", "", "</rdf:Description></e:p>", deep)
                + "</rdf:Description></rdf:RDF>"
            ).encode(),
            400,
        ),
        (
            "jsonld-remote-context",
            "application/ld+json",
            f'{{"@context": "{canary_url}/context", "@id": "http://a", "x": 1}}'.encode(),
            400,
        ),
        (
            "jsonld-remote-context-in-list",
            "application/ld+json",
            f'{{"@context": [{{"e": "http://e.org/"}}, "{canary_url}/c"], "@id": "http://a"}}'.encode(),
            400,
        ),
        (
            "jsonld-nested-remote-context",
            "application/ld+json",
            (
                '{"@id": "http://a", "http://e.org/p": {"@context": "'
                + canary_url
                + '/n", "@id": "http://b"}}'
            ).encode(),
            400,
        ),
        (
            "jsonld-scoped-remote-context",
            "application/ld+json",
            (
                '{"@context": {"p": {"@id": "http://e.org/p", "@context": "'
                + canary_url
                + '/scoped"}}, "@id": "http://a", "p": {"@id": "http://b"}}'
            ).encode(),
            400,
        ),
        (
            "jsonld-import",
            "application/ld+json",
            f'{{"@context": {{"@import": "{canary_url}/i"}}, "@id": "http://a"}}'.encode(),
            400,
        ),
        ("jsonld-deep", "application/ld+json", nested("[", "1", "]", deep).encode(), 400),
        (
            "jsonld-deep-objects",
            "application/ld+json",
            (
                '{"@id": "http://a", "http://p": ' + nested('{"http://p": ', "1", "}", deep) + "}"
            ).encode(),
            400,
        ),
        ("jsonld-not-utf8", "application/ld+json", b'{"@id": "http://\xff"}', 400),
        ("jsonld-broken", "application/ld+json", b'{"@id": "http://a",\n "x": [1,\n }', 400),
        (
            "turtle-deep-blank-nodes",
            "text/turtle",
            ("<http://a> <http://p> " + nested("[ <http://p> ", "1", " ]", deep) + " .").encode(),
            400,
        ),
        (
            "turtle-deep-lists",
            "text/turtle",
            ("<http://a> <http://p> " + nested("( ", "1", " )", deep) + " .").encode(),
            400,
        ),
        ("turtle-broken", "text/turtle", b"<http://a> <http://p>\n  oops .", 400),
        ("turtle-relative-prefix-iri", "text/turtle", b"@prefix e: <> .\ne:a e:b e:c .", 201),
        (
            "turtle-rdf-star",
            "text/turtle",
            b"<< <http://a> <http://b> <http://c> >> <http://p> 1 .",
            400,
        ),
        ("turtle-not-utf8", "text/turtle", b'<http://a> <http://p> "\xff\xfe" .', 400),
        ("ntriples-broken", "application/n-triples", b'<http://a> <http://p> "x .\n', 400),
        ("ntriples-relative", "application/n-triples", b"<a> <b> <c> .\n", 400),
        ("too-large", "text/turtle", b"#" + b"x" * (MAX_BODY + 10), 413),
        ("unknown-type", "application/x-evil", b"x", 415),
        (
            "quads-to-a-graph",
            "application/n-quads",
            b"<http://a> <http://b> <http://c> <http://g> .",
            415,
        ),
        ("latin1-charset", "text/turtle; charset=iso-8859-1", b"<http://a> <http://b> 1 .", 415),
    ]


UPLOAD_NAMES = [u[0] for u in hostile_uploads("http://127.0.0.1:9")]


@pytest.mark.parametrize("name", UPLOAD_NAMES)
def test_hostile_uploads_are_refused_fast_and_change_nothing(
    client: FlaskClient, store: Store, canary: Canary, name: str
) -> None:
    _, media_type, body, status = next(u for u in hostile_uploads(canary.url) if u[0] == name)
    before = dump(store)
    started = time.monotonic()
    response = client.put(
        f"/rdf-graph-store?graph={GRAPH}", data=body, headers={"Content-Type": media_type, **AUTH}
    )
    assert time.monotonic() - started < BOUND_S
    assert response.status_code == status, response.get_data(as_text=True)
    if status >= 400:
        error = response.get_json()
        assert error["ok"] is False and error["status"] == status and error["error"]
        assert dump(store) == before
    assert canary.hits == []


@pytest.mark.parametrize(
    ("media_type", "body", "line", "column"),
    [
        (
            "text/turtle",
            b"<http://a> <http://b> <http://c> .\n<http://a> <http://b>\n  oops .",
            3,
            3,
        ),
        (
            "application/n-triples",
            b'<http://a> <http://b> <http://c> .\n<http://a> <http://b> "x .',
            2,
            23,
        ),
        ("application/ld+json", b'{"@id": "http://a",\n "http://p": [1,\n }', 3, 2),
        (
            "application/rdf+xml",
            (RDF_OPEN + '\n<rdf:Description rdf:about="http://a">\n</rdf:RDF>').encode(),
            3,
            3,
        ),
    ],
)
def test_broken_uploads_say_the_line_and_column(
    client: FlaskClient, media_type: str, body: bytes, line: int, column: int
) -> None:
    response = client.put(
        f"/rdf-graph-store?graph={GRAPH}", data=body, headers={"Content-Type": media_type, **AUTH}
    )
    error = response.get_json()
    assert response.status_code == 400
    assert (error["line"], error["column"]) == (line, column)
    assert f"line {line}" in error["error"]


def test_an_xxe_upload_never_reads_the_file() -> None:
    body = (
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        + RDF_OPEN
        + '<rdf:Description rdf:about="http://a"><e:p>&x;</e:p></rdf:Description></rdf:RDF>'
    ).encode()
    with pytest.raises(RdfSyntaxError, match="DOCTYPE"):
        parse_upload(body, "application/rdf+xml", max_bytes=MAX_BODY)


def test_upload_checks_stop_at_the_size_limit() -> None:
    with pytest.raises(TooLargeError):
        parse_upload(b"#" * 11, "text/turtle", max_bytes=10)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    body = "<http://a> <http://p> " + nested("[ <http://p> ", "1", " ]", MAX_NESTING) + " ."
    assert len(parse_upload(body.encode(), "text/turtle", max_bytes=MAX_BODY)) == MAX_NESTING + 1
    text_with_brackets = b'<http://a> <http://p> "[[[[(((" . # ]]]] ((((\n'
    assert len(parse_upload(text_with_brackets, "text/turtle", max_bytes=MAX_BODY)) == 1


def test_an_inline_json_ld_context_is_read() -> None:
    body = b'{"@context": {"e": "http://e.org/"}, "@id": "http://a", "e:p": {"@id": "http://b"}}'
    triples = parse_upload(body, "application/ld+json", max_bytes=MAX_BODY)
    assert [tuple(map(str, t)) for t in triples] == [("http://a", "http://e.org/p", "http://b")]


# ---- updates and queries -------------------------------------------------------------------


def hostile_updates(canary_url: str) -> list[tuple[str, str, int]]:
    return [
        ("load", f"LOAD <{canary_url}/data.ttl>", 400),
        ("load-into", f"LOAD SILENT <{canary_url}/d> INTO GRAPH <{GRAPH}>", 400),
        ("load-file", "LOAD <file:///etc/passwd>", 400),
        (
            "service",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{canary_url}/s> "
            "{ ?s ?p ?o } }",
            400,
        ),
        (
            "service-silent-nested",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ {{ OPTIONAL {{ SERVICE SILENT "
            f"<{canary_url}/s> {{ ?s ?p ?o }} }} }} }}",
            400,
        ),
        (
            "using-outside",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} USING <{canary_url}/u> "
            "WHERE { ?s ?p ?o }",
            400,
        ),
        (
            "using-named-outside",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} USING NAMED <file:///etc/passwd> "
            "WHERE { GRAPH ?g { ?s ?p ?o } }",
            400,
        ),
        ("deep", "INSERT DATA { GRAPH <a:g> { <a:s> <a:p> " + "(" * 5000 + " } }", 400),
        ("deep-where", "DELETE WHERE { " + nested("{ ", "?s ?p ?o", " }", 3000) + " }", 400),
        ("clear-all", "CLEAR ALL", 403),
        ("drop-ontology", f"DROP GRAPH <{IRIS.ontology_graph}>", 403),
        (
            "forge-history",
            f"INSERT DATA {{ GRAPH <{IRIS.history_graph}> {{ <a:a> <a:b> <a:c> }} }}",
            403,
        ),
        (
            "bad-iri-function",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?x <a:p> 1 }} }} WHERE {{ BIND(IRI('a b') AS ?x) }}",
            400,
        ),
        (
            "literal-subject",
            f"INSERT {{ GRAPH <{GRAPH}> {{ ?x <a:p> 1 }} }} WHERE {{ BIND('lit' AS ?x) }}",
            400,
        ),
        ("not-utf8", "INSERT DATA { GRAPH <a:g> { <a:s> <a:p> '\udcff' } }", 400),
    ]


UPDATE_NAMES = [u[0] for u in hostile_updates("http://127.0.0.1:9")]


@pytest.mark.parametrize("name", UPDATE_NAMES)
def test_hostile_updates_are_refused_and_fetch_nothing(
    client: FlaskClient, store: Store, canary: Canary, name: str
) -> None:
    _, text, status = next(u for u in hostile_updates(canary.url) if u[0] == name)
    before = dump(store)
    started = time.monotonic()
    response = client.post(
        "/sparql/update",
        data=text.encode("utf-8", "surrogateescape"),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert time.monotonic() - started < BOUND_S
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["status"] == status
    assert dump(store) == before
    assert canary.hits == []


def hostile_queries(canary_url: str) -> list[tuple[str, str, int]]:
    return [
        ("service", f"SELECT * WHERE {{ SERVICE <{canary_url}/q> {{ ?s ?p ?o }} }}", 400),
        ("from", f"SELECT * FROM <{canary_url}/f> WHERE {{ ?s ?p ?o }}", 400),  # noqa: S608
        ("from-named-file", "SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", 400),
        ("update-in-query", f"LOAD <{canary_url}/l>", 400),
        ("deep-groups", "SELECT * WHERE { " + nested("{ ", "?s ?p ?o", " }", 5000) + " }", 400),
        ("deep-parens", "ASK { FILTER(" + nested("(", "1", ")", 20000) + ") }", 400),
        ("deep-brackets", "ASK { ?s ?p " + nested("[ ?p ", "1", " ]", 5000) + " }", 400),
        ("huge", "#" + "x" * 70000 + "\nASK {}", 413),
        ("unclosed-string", "SELECT * WHERE { ?s ?p 'x }", 400),
        ("nul", "SELECT * WHERE { ?s ?p ?o }\x00", 400),
    ]


QUERY_NAMES = [q[0] for q in hostile_queries("http://127.0.0.1:9")]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_hostile_queries_are_refused_and_fetch_nothing(
    client: FlaskClient, canary: Canary, name: str
) -> None:
    _, text, status = next(q for q in hostile_queries(canary.url) if q[0] == name)
    started = time.monotonic()
    response = client.post("/sparql", data={"query": text}, headers={"Accept": "application/json"})
    assert time.monotonic() - started < BOUND_S
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert canary.hits == []


def test_the_guards_refuse_deep_nesting_before_parsing() -> None:
    with pytest.raises(ThbGraphError, match="nested"):
        check_query("SELECT * WHERE { " + nested("{ ", "?s ?p ?o", " }", 100) + " }")
    with pytest.raises(ThbGraphError, match="nested"):
        check_update("INSERT DATA { GRAPH <a:g> { <a:s> <a:p> " + "(" * 3000 + " } }")
    check_query("SELECT * WHERE { " + nested("{ ", "?s ?p ?o", " }", 20) + " }")


def test_a_update_refusal_names_what_was_refused() -> None:
    with pytest.raises(BadRequestError, match="LOAD is not allowed"):
        check_update("LOAD <http://127.0.0.1:9/x>")


# ---- pages: escaping and security headers --------------------------------------------------

XSS = "<script>alert(1)</script>"
ATTRIBUTE_XSS = '"><img src=x onerror=alert(1)>'


class _Scripts(HTMLParser):
    """Collects what would run: script elements and event handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]
        kind = (dict(attrs).get("type") or "text/javascript").lower()
        # a JSON data block is never run; only JavaScript is
        self._in_script = tag == "script" and ("javascript" in kind or kind == "module")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


PAGES = [
    "/",
    "/sparql",
    "/sparql?query={payload}",
    "/search?q={payload}",
    "/id/actor/{payload}",
    "/class/{payload}",
    "/ontology",
    "/download/",
    "/nowhere/{payload}",
    "/rdf-graph-store?graph={payload}",
]


@pytest.mark.parametrize("payload", [XSS, ATTRIBUTE_XSS])
@pytest.mark.parametrize("page", PAGES)
def test_pages_escape_what_they_echo_and_send_the_security_headers(
    client: FlaskClient, page: str, payload: str
) -> None:
    response = client.get(page.format(payload=payload), headers={"Accept": "text/html"})
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    if response.mimetype != "text/html":
        return
    html = response.get_data(as_text=True)
    assert payload not in html
    found = _Scripts()
    found.feed(html)
    assert found.handlers == []
    assert all("alert(1)" not in script for script in found.scripts)
