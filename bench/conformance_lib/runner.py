"""Run one test case through the project's SPARQL endpoint and judge the answer.

Each case gets a fresh store of the chosen backend. Every file the case uses (``qt:data``,
``qt:graphData``, and what the query's ``FROM``/``FROM NAMED`` name) is parsed with its
own location as base and loaded into a named graph of that IRI. The app is made with
``create_app(settings, store)`` and asked over the SPARQL 1.1 Protocol: the query is POSTed
as ``application/sparql-query`` (with ``BASE`` set to its file, as the suites assume), the
``qt:data`` graphs are named with ``default-graph-uri`` (the endpoint's default graph is
otherwise the union of all graphs) and the ``qt:graphData`` ones with ``named-graph-uri``;
``Accept`` asks for the format of the expected result.

Why not a ``thb-graph serve`` process: a server opens its own store from its settings and
builds it from the project's sources, and nothing in the HTTP interface loads arbitrary
data unvalidated, so a server cannot be handed a fresh store per test (and an in-memory
store cannot be shared with another process at all). So the app runs in this process and is
asked through the Flask test client (the default) or, with ``via="http"``, over real HTTP on
a loopback port (see ``transport``). Both drive the same WSGI application: request parsing,
guards, negotiation, the forked query workers with their timeout, the result writers and
the error handlers; only gunicorn's own socket layer is left out.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
import requests

from conformance_lib.compare import compare_answers
from conformance_lib.formats import (
    RDF_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    AnswerSyntaxError,
    parse_answer,
    read_expected,
)
from conformance_lib.manifest import EVALUATION_TYPES, Case
from conformance_lib.querytext import dataset_iris, has_order_by
from conformance_lib.terms import Answer, Triples
from conformance_lib.transport import Via, post_query
from thb_graph.config import Settings
from thb_graph.errors import QueryRejectedError, QuerySyntaxError, ThbGraphError
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.sparql.guard import check_query
from thb_graph.web import create_app

Status = Literal["passed", "failed", "errored", "refused", "skipped"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "errored", "refused", "skipped")
#: The Accept sent for a SELECT or ASK whose expected result is written in RDF.
RDF_RESULT_ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class Outcome:
    """What happened to one case."""

    case: Case
    status: Status
    reason: str = ""
    diff: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class Options:
    """How cases are run."""

    store: str = "memory"
    numeric_by_value: bool = True
    timeout_s: float = 10.0
    via: Via = "client"


class _LogCapture(logging.Handler):
    """Keeps what the app logs during one case (the traceback of a 500, mostly)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(self.format(record).splitlines())


def run_case(case: Case, options: Options) -> Outcome:
    """Run ``case`` against a fresh store through the endpoint."""
    started = time.perf_counter()
    outcome = _run(case, options)
    return Outcome(
        case, outcome.status, outcome.reason, outcome.diff, time.perf_counter() - started
    )


def _run(case: Case, options: Options) -> Outcome:
    if case.type not in EVALUATION_TYPES:
        return Outcome(case, "skipped", f"not a query-evaluation test ({case.short_type})")
    if case.query is None or case.result is None:
        return Outcome(case, "skipped", "the test names no query or no result")
    try:
        expected = read_expected(case.result)
    except (AnswerSyntaxError, OSError) as e:
        return Outcome(case, "errored", f"expected result unreadable: {e}")
    query = f"BASE <{case.query.as_uri()}>\n" + case.query.read_text(encoding="utf-8")
    files = _files(case, query)
    settings = Settings().replace(store=options.store, workers=1, query_timeout_s=options.timeout_s)
    store = open_store(settings)
    try:
        loaded: set[str] = set()
        for path in files:
            try:
                triples = _ntriples(path)
                if triples.strip():
                    store.load(triples, "application/n-triples", path.as_uri())
                    loaded.add(path.as_uri())
            except (ThbGraphError, SyntaxError, OSError) as e:
                return Outcome(case, "errored", f"data not loadable: {path.name}: {e}")
        params = _protocol_graphs(case, query, loaded)
        return _ask(case, options, settings, store, query, params, expected)
    finally:
        store.close()


def _protocol_graphs(case: Case, query: str, loaded: set[str]) -> list[tuple[str, str]]:
    """``default-graph-uri`` for the data, ``named-graph-uri`` for the graph data; none when
    the query has FROM or FROM NAMED (its own dataset then wins, as the suites expect).
    Empty files are left out: a store has no empty graphs, and the guard refuses a graph it
    does not have; leaving one out of the dataset is what an empty file means anyway."""
    if case.query is None or dataset_iris(query, case.query.as_uri()):
        return []
    params = [("default-graph-uri", p.as_uri()) for p in case.data if p.as_uri() in loaded]
    params += [("named-graph-uri", p.as_uri()) for p in case.graph_data if p.as_uri() in loaded]
    return params


def _files(case: Case, query: str) -> list[Path]:
    """Every file to load: data, graph data, and local files named by FROM clauses."""
    named = [*case.data, *case.graph_data]
    for iri in dataset_iris(query, case.query.as_uri() if case.query else ""):
        parsed = urlparse(iri)
        if parsed.scheme == "file" and Path(unquote(parsed.path)).is_file():
            named.append(Path(unquote(parsed.path)))
    return list(dict.fromkeys(named))


def _ntriples(path: Path) -> bytes:
    """The file as N-Triples, its relative IRIs resolved against its own location."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    quads = ox.parse(path=path, format=fmt, base_iri=path.as_uri(), rename_blank_nodes=True)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


def _accept(result: Path, expected: Answer) -> str:
    suffix = result.suffix.lower()
    if suffix in RESULT_MEDIA_TYPES:
        return RESULT_MEDIA_TYPES[suffix]
    if isinstance(expected, Triples):
        return RDF_MEDIA_TYPES.get(suffix, "text/turtle")
    return RDF_RESULT_ACCEPT


def _ask(
    case: Case,
    options: Options,
    settings: Settings,
    store: Store,
    query: str,
    params: list[tuple[str, str]],
    expected: Answer,
) -> Outcome:
    assert case.result is not None
    accept = _accept(case.result, expected)
    app = create_app(settings, store)
    capture = _LogCapture()
    logger = logging.getLogger("thb_graph")
    logger.addHandler(capture)
    try:
        reply = post_query(
            app, params, query, accept, via=options.via, timeout_s=options.timeout_s + 30
        )
    except requests.RequestException as e:
        return Outcome(case, "errored", f"no answer over HTTP: {e}")
    finally:
        logger.removeHandler(capture)
        app.extensions["thb_graph"].close()
    body, media_type = reply.body, reply.media_type
    if reply.status != 200:
        return _error(case, query, reply.status, body, capture.lines)
    if media_type != accept:
        return Outcome(case, "errored", f"asked for {accept}, got {media_type}")
    try:
        actual = parse_answer(body, media_type)
    except AnswerSyntaxError as e:
        head = body[:400].decode("utf-8", "replace")
        return Outcome(case, "errored", f"the reply does not parse: {e}", (head,))
    ordered = not isinstance(expected, Triples) and has_order_by(query)
    verdict = compare_answers(
        expected, actual, ordered=ordered, lax=case.lax, numeric_by_value=options.numeric_by_value
    )
    if verdict.equal:
        return Outcome(case, "passed")
    return Outcome(case, "failed", verdict.reason, verdict.diff)


def _error(case: Case, query: str, status: int, body: bytes, log: list[str]) -> Outcome:
    text = body.decode("utf-8", "replace")
    try:
        message = str(json.loads(text).get("error", text))
    except ValueError:
        message = text[:300]
    if status == 400 and _refused_by_guard(query, message):
        return Outcome(case, "refused", f"refused by guard: {message}")
    return Outcome(case, "errored", f"HTTP {status}: {message}", tuple(log[-20:]))


def _refused_by_guard(query: str, message: str) -> bool:
    """True when the guard (not the store, not the parser) refused the query."""
    if "may only name graphs" in message:
        return True
    try:
        check_query(query)
    except QueryRejectedError:
        return True
    except QuerySyntaxError:
        return False
    return False
