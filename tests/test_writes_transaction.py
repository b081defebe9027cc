"""SHACL-gated transactions over every local store: accepted writes are committed with their
inferences and history, refused or failed ones leave the store byte-for-byte as it was."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from thb_graph.config import Settings
from thb_graph.errors import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    QueryRejectedError,
    QueryTimeoutError,
    ShapeViolationError,
    StoreError,
    UnsupportedMediaTypeError,
)
from thb_graph.kg.iris import Iris
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import ORG, PROV, RDF, SKOS
from thb_graph.pages.history import entity_history, entity_history_query
from thb_graph.writes.transaction import Plan, WriteJob, Writer, exclusive, lock_path_for

IRIS = Iris()
ACTORS = IRIS.data_graph("actors")
ACTOR = IRIS.id_prefix + "actor/"
PREFIXES = (
    "PREFIX thb: <https://w3id.org/thb-graph/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX org: <http://www.w3.org/ns/org#>\n"
    f"PREFIX actor: <{ACTOR}>\n"
)


def insert_unit(slug: str, *, label: bool = True) -> str:
    """An update adding a law enforcement unit to the actors graph."""
    named = f"; skos:prefLabel '{slug}'@en " if label else ""
    return (
        PREFIXES
        + f"INSERT DATA {{ GRAPH <{ACTORS}> {{ actor:{slug} a thb:LawEnforcementUnit {named}}} }}"
    )


def update(text: str, **kwargs: object) -> WriteJob:
    return WriteJob("update", "editor", update=text, **kwargs)  # type: ignore[arg-type]


def snapshot(store: Store) -> tuple[list[bytes], str]:
    """Every quad of the store (sorted N-Quads lines) and its version."""
    return sorted(store.dump("application/n-quads").splitlines()), store.version()


def has(store: Store, s: str, p: URIRef, o: object, graph: str | None = None) -> bool:
    term = o.n3() if isinstance(o, URIRef | Literal) else f"<{o}>"
    pattern = f"<{s}> <{p}> {term}"
    where = f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern
    result = store.query(f"ASK {{ {where} }}")
    return bool(result.boolean)


@pytest.fixture
def writer(settings: Settings, store: Store) -> Writer:
    return Writer(settings, store)


# ---- accepted writes ------------------------------------------------------------------------


def test_an_accepted_write_is_committed_with_a_new_version(writer: Writer, store: Store) -> None:
    before = store.version()
    outcome = writer.write(update(insert_unit("brigade")))
    assert outcome.plan.added == 2 and outcome.plan.removed == 0
    assert outcome.version == store.version() != before
    assert has(store, ACTOR + "brigade", SKOS.prefLabel, Literal("brigade", lang="en"), ACTORS)


def test_inferences_of_a_write_are_added_and_removed_with_it(writer: Writer, store: Store) -> None:
    writer.write(update(insert_unit("brigade")))
    assert has(store, ACTOR + "brigade", RDF.type, ORG.Organization, IRIS.inferred_graph)
    outcome = writer.write(
        update(PREFIXES + f"DELETE WHERE {{ GRAPH <{ACTORS}> {{ actor:brigade ?p ?o }} }}")
    )
    assert outcome.plan.removed == 2 and outcome.plan.inferred_removed >= 2
    assert not has(store, ACTOR + "brigade", RDF.type, ORG.Organization, IRIS.inferred_graph)


def test_every_accepted_write_is_a_prov_activity_an_entity_page_can_list(
    writer: Writer, store: Store
) -> None:
    first = writer.write(update(insert_unit("brigade")))
    second = writer.write(
        update(
            PREFIXES + f"INSERT DATA {{ GRAPH <{ACTORS}> {{ actor:brigade skos:altLabel 'B' }} }}"
        )
    )
    entries = entity_history(store, IRIS, ACTOR + "brigade")
    assert [e.activity for e in entries] == [second.plan.activity, first.plan.activity]
    assert (entries[0].added, entries[0].removed, entries[1].added) == (1, 0, 2)
    assert entries[0].agent_name == "editor" and entries[0].operation == "SPARQL Update"
    assert has(store, str(first.plan.activity), RDF.type, PROV.Activity, IRIS.history_graph)
    assert entity_history(store, IRIS, ACTOR + "never-written") == []


def test_a_removed_statement_does_not_come_back_through_the_history(
    writer: Writer, store: Store
) -> None:
    writer.write(update(insert_unit("brigade")))
    writer.write(
        update(PREFIXES + f"DELETE WHERE {{ GRAPH <{ACTORS}> {{ actor:brigade ?p ?o }} }}")
    )
    assert store.query(f"ASK {{ <{ACTOR}brigade> ?p ?o }}").boolean is False
    quoted = store.query(
        f"ASK {{ GRAPH <{IRIS.history_graph}> {{ ?st <{RDF.subject}> <{ACTOR}brigade> }} }}"
    )
    assert quoted.boolean is True


def test_the_history_query_takes_the_entity_as_a_checked_iri() -> None:
    assert "<https://example.org/x>" in entity_history_query(IRIS, "https://example.org/x")
    with pytest.raises(BadRequestError):
        entity_history_query(IRIS, "https://example.org/x> } ; DROP ALL ; {")


def test_using_graph_uri_chooses_what_the_where_clause_reads(writer: Writer, store: Store) -> None:
    sources = IRIS.data_graph("sources")
    text = PREFIXES + (
        f"INSERT {{ GRAPH <{ACTORS}> {{ ?s skos:note 'seen' }} }} WHERE {{ ?s ?p ?o }}"
    )
    outcome = writer.write(update(text, using=(sources,)))
    assert outcome.plan.added == 1  # only the one source, none of the actors
    with pytest.raises(BadRequestError, match="cannot be combined"):
        writer.write(update(text.replace("WHERE", f"USING <{ACTORS}> WHERE"), using=(sources,)))


def test_blank_nodes_are_written_and_removed_consistently(writer: Writer, store: Store) -> None:
    graph = "https://example.org/graph/notes"
    body = (
        b"<https://example.org/a> <https://example.org/note> [ <https://example.org/text> 'x' ] ."
    )
    writer.write(WriteJob("put", "editor", graph=graph, body=body, media_type="text/turtle"))
    writer.write(WriteJob("post", "editor", graph=graph, body=body, media_type="text/turtle"))
    assert store.count(graph) == 4  # two distinct blank nodes
    text = f"DELETE WHERE {{ GRAPH <{graph}> {{ ?n <https://example.org/text> 'x' }} }}"
    outcome = writer.write(update(text))
    assert outcome.plan.removed == 2 and store.count(graph) == 2
    rows = store.query(f"SELECT ?n WHERE {{ GRAPH <{graph}> {{ ?a ?p ?n }} }}").rows
    assert all(isinstance(row[0], BNode) for row in rows)


# ---- refused and failed writes -------------------------------------------------------------


def test_a_write_breaking_the_shapes_is_refused_with_the_report(
    writer: Writer, store: Store
) -> None:
    before = snapshot(store)
    with pytest.raises(ShapeViolationError) as refused:
        writer.write(update(insert_unit("nameless", label=False)))
    assert snapshot(store) == before
    assert any(ACTOR + "nameless" in d and "prefLabel" in d for d in refused.value.details)
    assert "preferred label" in refused.value.report.text
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/shacl#ValidationReport")) in (
        refused.value.report.graph
    )


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        (f"INSERT DATA {{ GRAPH <{IRIS.ontology_graph}> {{ <a:b> <a:c> <a:d> }} }}", "ontology"),
        (f"INSERT DATA {{ GRAPH <{IRIS.inferred_graph}> {{ <a:b> <a:c> <a:d> }} }}", "inferred"),
        (f"CLEAR GRAPH <{IRIS.history_graph}>", "history"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "default graph"),
        ("DROP ALL", "ontology"),
        (PREFIXES + "DELETE WHERE { actor:ocrteh a ?type }", "inferred"),
    ],
)
def test_writes_to_the_read_only_graphs_are_refused(
    writer: Writer, store: Store, text: str, refusal: str
) -> None:
    writer.write(update(insert_unit("brigade")))  # so the history is not empty
    before = snapshot(store)
    with pytest.raises(ForbiddenError, match=refusal):
        writer.write(update(text))
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", QueryRejectedError),
        (
            "INSERT { GRAPH <a:g> { ?s ?p ?o } } "
            "WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            QueryRejectedError,
        ),
        (
            "INSERT { GRAPH <a:g> { ?s ?p ?o } } USING <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
            QueryRejectedError,
        ),
        (f"CREATE GRAPH <{ACTORS}>", BadRequestError),
        ("INSERT DATA { GRAPH <a:g> { <a:s> <a:p> ", BadRequestError),
    ],
)
def test_refused_updates_change_nothing(
    writer: Writer, store: Store, text: str, error: type[Exception]
) -> None:
    before = snapshot(store)
    with pytest.raises(error):
        writer.write(update(text))
    assert snapshot(store) == before


def test_deleting_a_missing_graph_is_not_found(writer: Writer) -> None:
    with pytest.raises(NotFoundError):
        writer.write(WriteJob("delete", "editor", graph="https://example.org/graph/none"))


def test_a_commit_failing_half_way_leaves_the_store_as_it_was(
    settings: Settings, store: Store
) -> None:
    # the second operation fails at run time (the graph exists): the first must not stay
    failing = Plan(
        commit=f"INSERT DATA {{ GRAPH <{ACTORS}> {{ <a:s> <a:p> <a:o> }} }} ;\n"
        f"CREATE GRAPH <{ACTORS}>"
    )
    writer = Writer(settings, store, isolate=lambda planner: lambda job: failing)
    before = snapshot(store)
    with pytest.raises((BadRequestError, StoreError)):
        writer.write(update("ignored"))
    assert snapshot(store) == before


def test_a_no_op_write_commits_nothing(writer: Writer, store: Store) -> None:
    before = snapshot(store)
    outcome = writer.write(update(PREFIXES + "DELETE DATA { GRAPH <a:g> { <a:s> <a:p> <a:o> } }"))
    assert outcome.plan.commit == "" and outcome.plan.activity is None
    assert snapshot(store) == before


# ---- serialisation ---------------------------------------------------------------------------


def test_concurrent_writers_in_one_process_lose_nothing(writer: Writer, store: Store) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            writer.write(update(insert_unit(f"unit-{n}")))
        except BaseException as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    count = store.query(
        PREFIXES + "SELECT (COUNT(?u) AS ?n) WHERE { ?u a thb:LawEnforcementUnit "
        "FILTER (STRSTARTS(STR(?u), STR(actor:unit-))) }"
    ).rows[0][0]
    assert int(count) == 6  # type: ignore[arg-type]
    activities = store.query(
        f"SELECT ?a WHERE {{ GRAPH <{IRIS.history_graph}> {{ ?a a <{PROV.Activity}> }} }}"
    )
    assert len(activities.rows) == 6


def test_the_write_lock_is_held_across_processes(tmp_path: Path) -> None:
    lock = tmp_path / "store.write.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({str(lock)!r}, 'a+b'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        started = time.monotonic()
        with (
            pytest.raises(QueryTimeoutError, match="another write"),
            exclusive(threading.Lock(), lock, 0.5),
        ):
            pass
        assert 0.4 < time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with exclusive(threading.Lock(), lock, 0.5):
        pass  # free again once the holder is gone


def test_an_on_disk_store_locks_a_file_beside_it(tmp_path: Path, settings: Settings) -> None:
    disk = open_store(settings.replace(store=f"oxigraph:{tmp_path / 'store'}"))
    try:
        assert lock_path_for(disk) == tmp_path / "store.write.lock"
    finally:
        disk.close()
    memory = open_store(settings)
    assert lock_path_for(memory) is None


@pytest.mark.parametrize(
    "job",
    [
        update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "),
        update("LOAD <http://example.org/data.ttl>"),
        WriteJob("post", "editor", graph=ACTORS, body=b"<a> <b> <c> .", media_type="text/html"),
    ],
    ids=["malformed", "load", "format"],
)
def test_a_bad_write_does_not_wait_behind_a_running_one(
    settings: Settings, store: Store, job: WriteJob
) -> None:
    """A write that planning would refuse for its text or format is refused at once while
    another write holds the lock, instead of when that one is done."""
    writer = Writer(settings, store, timeout=30)
    with exclusive(writer._thread_lock, None, 5):  # a write in progress
        started = time.monotonic()
        with pytest.raises((BadRequestError, QueryRejectedError, UnsupportedMediaTypeError)):
            writer.write(job)
        assert time.monotonic() - started < 2


def test_the_statements_read_from_the_dump_are_those_of_the_staged_copy(store: Store) -> None:
    """Planning takes the statements before a write from the dump it parses, not by asking
    the staged Dataset: both must be the same set, blank nodes and the default graph too."""
    from thb_graph.writes.stage import quad_set, quads_of, staged_with_quads

    store.update(f"INSERT DATA {{ GRAPH <{ACTORS}> {{ <urn:x:a> <urn:x:b> [ <urn:x:c> 'd' ] }} }}")
    ds, statements = staged_with_quads(store.dump("application/n-quads"))
    assert quads_of(statements) == quad_set(ds)
    assert URIRef(ACTORS) in statements


def test_the_kept_staged_copy_follows_the_store_write_after_write(
    writer: Writer, store: Store
) -> None:
    """The planning process keeps its staged copy and applies only the lines of the dump
    that changed: after writes with blank nodes, deletions and a refused write, the copy is
    the one a fresh staging of the store gives."""
    from thb_graph.writes.plan import STAGING
    from thb_graph.writes.stage import quad_set, staged_with_quads

    writer.write(update(insert_unit("kept-1")))
    writer.write(
        update(f"INSERT DATA {{ GRAPH <{ACTORS}> {{ <urn:x:a> <urn:x:b> [ <urn:x:c> 'd' ] }} }}")
    )
    writer.write(update(PREFIXES + f"DELETE DATA {{ GRAPH <{ACTORS}> {{ actor:kept-1 "
                        "a thb:LawEnforcementUnit ; skos:prefLabel 'kept-1'@en } }"))  # fmt: skip
    with pytest.raises(ShapeViolationError):
        writer.write(update(insert_unit("kept-2", label=False)))
    dump = store.dump("application/n-quads")
    with STAGING.staged(dump) as (ds, before, change):
        change.added, change.removed = set(), set()
        fresh, statements = staged_with_quads(dump)
        assert before == statements
        assert quad_set(ds) == quad_set(fresh)  # blank nodes keep the dump's labels in both


def test_a_planning_that_fails_half_way_does_not_leave_its_change_in_the_copy(
    store: Store,
) -> None:
    from thb_graph.writes.plan import STAGING
    from thb_graph.writes.stage import staged_with_quads

    dump = store.dump("application/n-quads")
    with pytest.raises(RuntimeError), STAGING.staged(dump) as (ds, _before, _change):
        ds.graph(URIRef(ACTORS)).add((URIRef("urn:x:half"), RDF.type, ORG.Organization))
        raise RuntimeError("stopped half-way")
    with STAGING.staged(dump) as (ds, before, change):
        change.added, change.removed = set(), set()
        assert before == staged_with_quads(dump)[1]
        assert (URIRef("urn:x:half"), RDF.type, ORG.Organization) not in ds.graph(URIRef(ACTORS))
