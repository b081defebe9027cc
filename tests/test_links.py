"""Short links to shared queries: kept across restarts, capped, only for real queries."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, LinksFullError, QuerySyntaxError, TooLargeError
from thb_graph.kg.store.base import Store
from thb_graph.sparql.links import SharedQueries
from thb_graph.web import create_app

QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


def _table(tmp_path: Path, **caps: int) -> SharedQueries:
    limits = {"max_links": 100, "max_query_bytes": 65536} | caps
    return SharedQueries(tmp_path / "links.sqlite", **limits)


def test_the_same_query_gets_the_same_short_key_and_is_found_again(tmp_path: Path) -> None:
    table = _table(tmp_path)
    key = table.keep(QUERY)
    assert len(key) == 10 and key.isalnum() and key == key.lower()
    assert table.keep(QUERY) == key
    assert table.keep(QUERY + " ") != key
    assert table.find(key) == QUERY


def test_links_outlive_the_table_object(tmp_path: Path) -> None:
    key = _table(tmp_path).keep(QUERY)
    assert _table(tmp_path).find(key) == QUERY


def test_unknown_or_malformed_keys_find_nothing(tmp_path: Path) -> None:
    table = _table(tmp_path)
    assert table.find("abcdefghij") is None  # no file yet
    table.keep(QUERY)
    for key in ("abcdefghij", "../../etc", "ABCDEFGHIJ", "a" * 200, "", "abc'; DROP"):
        assert table.find(key) is None


def test_only_queries_the_endpoint_runs_are_kept(tmp_path: Path) -> None:
    table = _table(tmp_path)
    with pytest.raises(QuerySyntaxError):
        table.keep("SELECT * WHERE { ?s ?p }")
    with pytest.raises(BadRequestError):
        table.keep("INSERT DATA { <a:b> <a:c> <a:d> }")
    with pytest.raises(BadRequestError):
        table.keep("   ")
    with pytest.raises(TooLargeError):
        _table(tmp_path, max_query_bytes=100).keep(QUERY + " #" + "x" * 100)


def test_a_full_table_refuses_new_links_but_still_gives_old_ones(tmp_path: Path) -> None:
    table = _table(tmp_path, max_links=3)
    keys = [table.keep(f"{QUERY} # {n}") for n in range(3)]
    with pytest.raises(LinksFullError, match="full"):
        table.keep(QUERY + " # another")
    assert table.keep(f"{QUERY} # 1") == keys[1]
    assert [table.find(k) for k in keys] == [f"{QUERY} # {n}" for n in range(3)]


def test_concurrent_writers_never_go_over_the_cap(tmp_path: Path) -> None:
    kept: list[str] = []
    refused: list[Exception] = []

    def share(n: int) -> None:
        table = _table(tmp_path, max_links=10)
        try:
            kept.append(table.keep(f"{QUERY} # {n}"))
        except LinksFullError as e:
            refused.append(e)

    threads = [threading.Thread(target=share, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kept) == 10 and len(refused) == 20


# ---- over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def linked(settings: Settings, store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(settings.replace(links_file=str(tmp_path / "links.sqlite")), store)
    yield app.test_client()
    app.extensions["thb_graph"].close()


def test_post_makes_a_link_that_opens_the_editor_or_gives_the_text(linked) -> None:  # type: ignore[no-untyped-def]
    made = linked.post("/q", data={"query": QUERY})
    assert made.status_code == 201
    link = made.get_json()["link"]
    assert made.headers["Location"] == link and "/q/" in link
    path = "/q/" + link.rsplit("/", 1)[1]

    page = linked.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"' in page.get_data(as_text=True)

    text = linked.get(path, headers={"Accept": "application/sparql-query"})
    assert text.status_code == 200 and text.mimetype == "application/sparql-query"
    assert text.get_data(as_text=True) == QUERY

    again = linked.post("/q", data=QUERY, content_type="application/sparql-query")
    assert again.status_code == 201 and again.get_json()["link"] == link


def test_bad_link_requests_say_what_is_wrong(linked) -> None:  # type: ignore[no-untyped-def]
    broken = linked.post("/q", data={"query": "SELECT * WHERE { ?s ?p }"})
    assert broken.status_code == 400 and broken.get_json()["line"] == 1
    update = linked.post("/q", data={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert update.status_code == 400
    wrong_type = linked.post("/q", data=QUERY, content_type="text/plain")
    assert wrong_type.status_code == 400
    assert "application/sparql-query" in wrong_type.get_json()["error"]
    not_utf8 = linked.post("/q", data=b"\xff\xfe", content_type="application/sparql-query")
    assert not_utf8.status_code == 400
    missing = linked.get("/q/abcdefghij", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "abcdefghij" in missing.get_json()["error"]
    assert linked.get("/q/..%2F..%2Fetc").status_code == 404


def test_links_can_be_turned_off(settings: Settings, store: Store) -> None:
    app = create_app(settings.replace(links_file=""), store)
    try:
        off = app.test_client().post("/q", data={"query": QUERY})
        assert off.status_code == 404 and "turned off" in off.get_json()["error"]
    finally:
        app.extensions["thb_graph"].close()
