"""Repeated /sparql requests replayed before Flask: same answer, never stale, never wider."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from thb_graph.config import Settings
from thb_graph.errors import StoreUnavailableError
from thb_graph.kg.store.base import Store
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.protocol import QueryRequest
from thb_graph.web import create_app

ORGS = "SELECT (COUNT(?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
JSON = {"Accept": "application/sparql-results+json"}
NEW_ORG = (
    "INSERT DATA { GRAPH <https://w3id.org/thb-graph/graph/data/actors> { "
    "<https://w3id.org/thb-graph/id/actor/new> a <http://www.w3.org/ns/org#Organization> } }"
)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries a query worker ran (not replayed), whether Flask or ``web.direct``
    handed them over."""
    seen: list[str] = []
    original = Executor.run

    def counting(self, job, timeout):  # type: ignore[no-untyped-def]
        if isinstance(job, QueryRequest):
            seen.append(job.query)
        return original(self, job, timeout)

    monkeypatch.setattr(Executor, "run", counting)
    return seen


def _count(response) -> int:  # type: ignore[no-untyped-def]
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_a_repeated_post_is_replayed_with_the_same_answer(
    client: FlaskClient, runs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    first = client.post("/sparql", data={"query": ORGS}, headers=JSON)
    with caplog.at_level(logging.INFO, logger="thb_graph.access"):
        second = client.post("/sparql", data={"query": ORGS}, headers=JSON)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert first.headers["X-THB-Cache"] == "miss" and second.headers["X-THB-Cache"] == "hit"
    without_cache = {k: v for k, v in first.headers.items() if k != "X-THB-Cache"}
    assert {k: v for k, v in second.headers.items() if k != "X-THB-Cache"} == without_cache
    assert runs == [ORGS], "the second request never reached the view"
    assert any('"POST /sparql" 200' in r.getMessage() for r in caplog.records)


def test_a_write_moves_the_version_so_nothing_stale_is_replayed(
    client: FlaskClient, store: Store, runs: list[str]
) -> None:
    before = _count(client.post("/sparql", data={"query": ORGS}, headers=JSON))
    store.update(NEW_ORG)
    after = client.post("/sparql", data={"query": ORGS}, headers=JSON)
    assert _count(after) == before + 1
    assert len(runs) == 2


def test_what_differs_is_not_replayed(client: FlaskClient, runs: list[str]) -> None:
    client.post("/sparql", data={"query": ORGS}, headers=JSON)
    csv = client.post("/sparql", data={"query": ORGS}, headers={"Accept": "text/csv"})
    assert csv.mimetype == "text/csv"
    other = client.post("/sparql", data={"query": ORGS + " LIMIT 1"}, headers=JSON)
    assert other.status_code == 200
    got = client.get("/sparql", query_string={"query": ORGS}, headers=JSON)
    assert got.status_code == 200 and got.headers["ETag"]
    assert len(runs) == 4


def test_conditional_and_head_requests_go_to_flask(client: FlaskClient, runs: list[str]) -> None:
    first = client.get("/sparql", query_string={"query": ORGS}, headers=JSON)
    client.get("/sparql", query_string={"query": ORGS}, headers=JSON)  # replayed
    revalidated = client.get(
        "/sparql",
        query_string={"query": ORGS},
        headers={**JSON, "If-None-Match": first.headers["ETag"]},
    )
    assert revalidated.status_code == 304
    head = client.head("/sparql", query_string={"query": ORGS}, headers=JSON)
    assert head.status_code == 200 and head.data == b""
    assert len(runs) == 2  # the first GET and the HEAD; the 304 runs nothing


def test_errors_are_never_replayed(client: FlaskClient, runs: list[str]) -> None:
    for _ in range(2):
        bad = client.post("/sparql", data={"query": "SELECT * WHERE {"}, headers=JSON)
        assert bad.status_code == 400
    assert len(runs) == 2


def test_a_body_over_the_limit_is_refused_by_flask_unread(settings: Settings, store: Store) -> None:
    app = create_app(settings.replace(max_body_bytes=64), store)
    big = {"query": ORGS + " " * 100}
    assert app.test_client().post("/sparql", data=big, headers=JSON).status_code == 413


def test_an_unreachable_store_is_the_endpoints_error_not_a_crash(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app: Flask = create_app(settings, store)

    def down() -> str:
        raise StoreUnavailableError("the remote store did not answer")

    monkeypatch.setattr(store, "version", down)
    response = app.test_client().post("/sparql", data={"query": ORGS}, headers=JSON)
    assert response.status_code == 502
    assert "did not answer" in response.get_json()["error"]


REQUESTS = [
    ("GET", {"query_string": {"query": ORGS}, "headers": JSON}),
    ("GET", {"query_string": {"query": ORGS}, "headers": {"Accept": "text/csv"}}),
    ("GET", {"query_string": {"query": ORGS, "format": "tsv"}}),
    ("POST", {"data": {"query": ORGS}, "headers": {"Accept": "application/sparql-results+xml"}}),
    (
        "POST",
        {
            "data": ORGS,
            "headers": {"Content-Type": "application/sparql-query", **JSON},
        },
    ),
    (
        "POST",
        {
            "data": {"query": "CONSTRUCT { ?o a ?t } WHERE { ?o a ?t } LIMIT 3"},
            "headers": {"Accept": "text/turtle"},
        },
    ),
]


def _comparable(response) -> tuple[int, dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Server")}
    return response.status_code, headers, response.data


@pytest.mark.parametrize(("method", "kwargs"), REQUESTS)
def test_a_first_answer_given_before_flask_is_the_one_flask_gives(
    settings: Settings, store: Store, runs: list[str], method: str, kwargs: dict[str, object]
) -> None:
    """Once Flask has answered one query, the next new ones are answered before it
    (``web.direct``), with the same status, headers and body as Flask's own answer."""
    warm = "ASK { ?s ?p ?o }"
    by_flask = create_app(settings, store)
    by_direct = create_app(settings, store)
    try:
        flask_client, direct_client = by_flask.test_client(), by_direct.test_client()
        expected = flask_client.open("/sparql", method=method, **kwargs)  # type: ignore[arg-type]
        direct_client.get("/sparql", query_string={"query": warm}, headers=JSON)
        direct_client.post("/sparql", data={"query": warm}, headers=JSON)
        handed = by_direct.view_functions["endpoint.sparql"]
        by_direct.view_functions["endpoint.sparql"] = _never_called
        got = direct_client.open("/sparql", method=method, **kwargs)  # type: ignore[arg-type]
        by_direct.view_functions["endpoint.sparql"] = handed
    finally:
        by_flask.extensions["thb_graph"].close()
        by_direct.extensions["thb_graph"].close()
    assert expected.status_code == 200
    assert _comparable(got) == _comparable(expected)


def _never_called() -> None:
    raise AssertionError("the request reached Flask's view")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ",  # refused when the request is read
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",  # stopped
    ],
)
def test_a_query_failing_before_flask_gets_flask_s_error_and_runs_once(
    settings: Settings, store: Store, runs: list[str], query: str
) -> None:
    settings = settings.replace(query_timeout_s=0.5)
    by_flask = create_app(settings, store)
    try:
        expected = by_flask.test_client().post("/sparql", data={"query": query}, headers=JSON)
    finally:
        by_flask.extensions["thb_graph"].close()
    flask_runs = len(runs)
    by_direct = create_app(settings, store)
    try:
        client = by_direct.test_client()
        client.post("/sparql", data={"query": ORGS}, headers=JSON)
        before = len(runs)
        got = client.post("/sparql", data={"query": query}, headers=JSON)
    finally:
        by_direct.extensions["thb_graph"].close()
    assert expected.status_code in (400, 503)  # malformed; over the time limit
    assert _comparable(got) == _comparable(expected)
    assert len(runs) - before == flask_runs
