"""The store backends behind one interface: every test runs on memory and Oxigraph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from thb_graph.config import Settings
from thb_graph.errors import (
    BadRequestError,
    ConfigError,
    ForbiddenError,
    QueryRejectedError,
    QuerySyntaxError,
    RdfSyntaxError,
    UnsupportedMediaTypeError,
)
from thb_graph.kg.iris import Iris
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import QUAD_MEDIA_TYPES, TRIPLE_MEDIA_TYPES, Store
from thb_graph.kg.store.oxigraph import OxigraphStore

IRIS = Iris()
ACTORS = IRIS.data_graph("actors")
STATS = IRIS.data_graph("statistics")
G1, G2 = "http://example.org/g/1", "http://example.org/g/2"
LABELS = "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"


def _load_two_graphs(store: Store) -> None:
    store.load(b'<http://example.org/a> <http://example.org/p> "one" .', "text/turtle", G1)
    store.load(b'<http://example.org/a> <http://example.org/p> "two" , 2 .', "text/turtle", G2)


def test_built_store_has_ontology_data_and_inferred_graphs(store: Store) -> None:
    names = store.graph_names()
    assert IRIS.ontology_graph in names
    assert IRIS.inferred_graph in names
    assert {ACTORS, STATS, IRIS.data_graph("sources")} <= set(names)


def test_default_graph_is_the_union_of_all_graphs(store: Store) -> None:
    result = store.query(
        "SELECT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
    )
    assert {str(r[0]) for r in result.rows} >= {IRIS.entity("actor", "ocrteh")}


def test_default_graphs_restrict_what_the_query_sees(store: Store) -> None:
    only_stats = store.query(LABELS, default_graphs=[STATS])
    assert only_stats.rows == []
    only_actors = store.query(LABELS, default_graphs=[ACTORS])
    assert Literal("OCRTEH", lang="en") in {r[0] for r in only_actors.rows}


def test_several_default_graphs_are_merged(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    result = empty_store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[G1, G2])
    assert sorted(str(r[0]) for r in result.rows) == ["2", "one", "two"]


def test_named_graphs_restrict_graph_patterns(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    result = empty_store.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G2]
    )
    assert [str(r[0]) for r in result.rows] == [G2]


def test_row_cap_cuts_and_signals(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    cut = empty_store.query("SELECT ?o WHERE { ?s ?p ?o }", max_rows=2)
    assert cut.truncated and len(cut.rows) == 2
    whole = empty_store.query("SELECT ?o WHERE { ?s ?p ?o }", max_rows=3)
    assert not whole.truncated and len(whole.rows) == 3


def test_graph_results_are_capped_at_max_rows_and_signalled(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    cut = empty_store.query(construct, max_rows=2)
    assert cut.kind == "graph" and cut.truncated and len(cut.triples) == 2
    whole = empty_store.query(construct, max_rows=3)
    assert not whole.truncated and len(whole.triples) == 3
    assert set(cut.triples) <= set(whole.triples)
    uncapped = empty_store.query(construct)
    assert not uncapped.truncated and len(uncapped.triples) == 3


def test_describe_results_are_capped_too(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    cut = empty_store.query("DESCRIBE <http://example.org/a>", max_rows=1)
    assert cut.kind == "graph" and cut.truncated and len(cut.triples) == 1


def test_the_graph_cap_counts_distinct_triples(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    same = "CONSTRUCT { <http://example.org/x> <http://example.org/q> 1 } WHERE { ?s ?p ?o }"
    result = empty_store.query(same, max_rows=1)
    assert not result.truncated and len(result.triples) == 1


def test_select_rows_are_rdflib_terms_in_variable_order(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    result = empty_store.query(
        "SELECT ?o ?s ?missing WHERE { ?s ?p ?o FILTER(isNumeric(?o)) "
        "OPTIONAL { ?s <http://example.org/none> ?missing } }"
    )
    assert result.kind == "select"
    assert result.variables == ("o", "s", "missing")
    assert result.rows == [(Literal(2), URIRef("http://example.org/a"), None)]
    assert result.dicts() == [{"o": Literal(2), "s": URIRef("http://example.org/a")}]


def test_plain_and_language_literals_round_trip(empty_store: Store) -> None:
    empty_store.load(
        b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        b'<http://example.org/a> <http://example.org/p> "x" , "y"@fr , "2010"^^xsd:gYear .',
        "text/turtle",
        G1,
    )
    values = {r[0] for r in empty_store.query("SELECT ?o WHERE { ?s ?p ?o }").rows}
    assert values == {
        Literal("x"),
        Literal("y", lang="fr"),
        Literal("2010", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
    }


def test_ask_and_construct(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    assert empty_store.query('ASK { ?s ?p "one" }').boolean is True
    assert empty_store.query('ASK { ?s ?p "three" }').boolean is False
    built = empty_store.query("CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s ?p ?o }")
    assert built.kind == "graph"
    assert (
        URIRef("http://example.org/a"),
        URIRef("http://example.org/q"),
        Literal("one"),
    ) in built.triples


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("SELECT * WHERE { ?s ?p }", 1),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }", 3),
    ],
)
def test_query_syntax_error_has_line_and_column(empty_store: Store, text: str, line: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        empty_store.query(text)
    assert caught.value.line == line
    assert caught.value.column is not None and caught.value.column > 0


def test_unknown_prefix_is_a_syntax_error(empty_store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        empty_store.query("SELECT * WHERE { ?s ex:p ?o }")


def test_load_syntax_error_keeps_nothing(empty_store: Store) -> None:
    with pytest.raises(RdfSyntaxError) as caught:
        empty_store.load(
            b"<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> .",
            "text/turtle",
            G1,
        )
    assert caught.value.line == 2
    assert empty_store.count(G1) == 0


def test_unknown_media_type_is_refused(empty_store: Store) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        empty_store.load(b"a,b,c", "text/csv", G1)


def test_replace_graph_swaps_content_and_keeps_it_on_bad_data(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    empty_store.replace_graph(
        G1, b'<http://example.org/z> <http://example.org/p> "new" .', "text/turtle"
    )
    assert [
        str(r[0])
        for r in empty_store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[G1]).rows
    ] == ["new"]
    with pytest.raises(RdfSyntaxError):
        empty_store.replace_graph(G1, b"<http://example.org/z> <oops", "text/turtle")
    assert empty_store.count(G1) == 1


def test_drop_graph_says_whether_it_existed(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    assert empty_store.drop_graph(G1) is True
    assert empty_store.drop_graph(G1) is False
    assert empty_store.graph_names() == [G2]


def test_counts_per_graph_and_in_total(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    assert empty_store.count(G1) == 1
    assert empty_store.count(G2) == 2
    assert empty_store.count() == 3


def test_update_inserts_and_bad_update_is_a_syntax_error(empty_store: Store) -> None:
    empty_store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <http://e/a> <http://e/p> 1 }} }}")
    assert empty_store.count(G1) == 1
    with pytest.raises(QuerySyntaxError):
        empty_store.update("INSERT DATA { GRAPH <http://g> { <http://e/a> }")
    assert empty_store.count(G1) == 1


def test_failed_update_changes_nothing(empty_store: Store) -> None:
    _load_two_graphs(empty_store)
    version = empty_store.version()
    with pytest.raises(BadRequestError, match="already exists"):
        empty_store.update(
            "INSERT DATA { GRAPH <http://example.org/g/3> { <http://e/a> <http://e/p> 3 } } ;\n"
            "CREATE GRAPH <http://example.org/g/1>"
        )
    assert empty_store.graph_names() == [G1, G2]
    assert empty_store.count() == 3
    assert empty_store.version() == version


def test_version_changes_on_every_write(empty_store: Store) -> None:
    seen = {empty_store.version()}
    _load_two_graphs(empty_store)
    seen.add(empty_store.version())
    empty_store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <http://e/a> <http://e/p> 9 }} }}")
    seen.add(empty_store.version())
    empty_store.drop_graph(G2)
    seen.add(empty_store.version())
    empty_store.write_meta("content_hash", "abc")
    seen.add(empty_store.version())
    assert len(seen) == 5
    assert empty_store.version() == empty_store.version()


def test_metadata_round_trips(empty_store: Store) -> None:
    assert empty_store.read_meta("content_hash") is None
    empty_store.write_meta("content_hash", "cafe")
    assert empty_store.read_meta("content_hash") == "cafe"


@pytest.mark.parametrize("media_type", TRIPLE_MEDIA_TYPES)
def test_triple_dumps_parse_back_to_the_union(store: Store, media_type: str) -> None:
    rdflib_format = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
    }[media_type]
    dumped = Graph().parse(data=store.dump(media_type), format=rdflib_format)
    expected = Graph().parse(data=store.dump("application/n-triples"), format="nt")
    assert len(expected) > 0
    assert isomorphic(dumped, expected)
    one = Graph().parse(data=store.dump(media_type, ACTORS), format=rdflib_format)
    assert len(one) == store.count(ACTORS)


@pytest.mark.parametrize("media_type", QUAD_MEDIA_TYPES)
def test_quad_dumps_keep_the_named_graphs(store: Store, media_type: str) -> None:
    fmt = "trig" if media_type == "application/trig" else "nquads"
    ds = Dataset()
    ds.parse(data=store.dump(media_type), format=fmt)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert set(store.graph_names()) <= names
    assert len(ds.graph(URIRef(ACTORS))) == store.count(ACTORS)


def test_memory_store_refuses_service(settings: Settings) -> None:
    memory = open_store(settings.replace(store="memory"))
    with pytest.raises(QueryRejectedError, match="SERVICE"):
        memory.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryRejectedError, match="LOAD"):
        memory.update("LOAD <http://127.0.0.1:9/data.ttl>")


def test_memory_store_from_clause_selects_local_graphs(settings: Settings) -> None:
    memory = open_store(settings.replace(store="memory"))
    _load_two_graphs(memory)
    result = memory.query("SELECT ?o FROM <http://example.org/g/1> WHERE { ?s ?p ?o }")
    assert [str(r[0]) for r in result.rows] == ["one"]


def test_oxigraph_store_on_disk_persists_data_and_meta(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "store"
    first = open_store(settings.replace(store=f"oxigraph:{path}"))
    _load_two_graphs(first)
    first.write_meta("content_hash", "feed")
    version = first.version()
    first.close()
    del first
    assert (tmp_path / "store.meta.json").is_file()
    again = open_store(settings.replace(store=f"oxigraph:{path}"))
    assert again.count() == 3
    assert again.read_meta("content_hash") == "feed"
    assert again.version() == version


def test_read_only_oxigraph_store_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = OxigraphStore(path)
    _load_two_graphs(writer)
    writer.close()
    del writer
    reader = OxigraphStore(path, read_only=True)
    assert reader.count(G1) == 1
    with pytest.raises(ForbiddenError):
        reader.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <http://e/a> <http://e/p> 1 }} }}")


@pytest.mark.parametrize("spec", ["bogus", "postgres:localhost", "oxigraph:"])
def test_unknown_store_spec_is_a_config_error(settings: Settings, spec: str) -> None:
    with pytest.raises(ConfigError):
        open_store(settings.replace(store=spec))


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "a?+*", "q") }',
        "SELECT * WHERE { ?s !(^<http://example.org/p>) ?o }",
    ],
)
def test_memory_engine_failures_are_client_errors(query: str) -> None:
    from thb_graph.errors import BadRequestError
    from thb_graph.kg.store.memory import MemoryStore

    store = MemoryStore()
    store.load(
        b'<http://example.org/a> <http://example.org/p> "a" .',
        "application/n-triples",
        "http://example.org/g",
    )
    with pytest.raises(BadRequestError, match=r"regular expression|cannot be evaluated"):
        store.query(query)


def test_memory_engine_leaves_an_expression_error_unbound() -> None:
    from thb_graph.kg.store.memory import MemoryStore

    result = MemoryStore().query("SELECT ?x WHERE { BIND(COALESCE() AS ?x) }")
    assert result.rows == [(None,)]


def test_a_read_only_handle_sees_every_version_the_writer_makes(tmp_path: Path) -> None:
    writer = OxigraphStore(tmp_path / "store")
    writer.write_meta("content_hash", "0123456789abcdef0123")
    reader = OxigraphStore(tmp_path / "store", read_only=True)
    seen = [reader.version()]
    for n in range(3):
        writer.update(f"INSERT DATA {{ <http://example.org/a> <http://example.org/p> {n} }}")
        seen.append(reader.version())
        assert seen[-1] == writer.version()
    assert len(set(seen)) == 4


# ---- a full disk ----------------------------------------------------------------------------


def test_a_nearly_full_disk_refuses_a_write_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os as os_module

    from thb_graph.errors import StorageFullError
    from thb_graph.kg.store import oxigraph, space

    store = oxigraph.OxigraphStore(tmp_path / "store")
    real = os_module.statvfs(tmp_path)

    class Nearly:
        f_frsize = real.f_frsize
        f_bavail = 1024 * 1024 // real.f_frsize  # 1 MiB free

    monkeypatch.setattr(space.os, "statvfs", lambda _path: Nearly)
    version = store.version()
    with pytest.raises(StorageFullError, match="disk holding the store is full"):
        store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    assert store.count() == 0 and store.version() == version
    store.close()


def test_an_engine_out_of_space_error_is_a_storage_full_error(tmp_path: Path) -> None:
    from thb_graph.errors import StorageFullError
    from thb_graph.kg.store import space

    error = space.write_error("the update failed", OSError("IO error: No space left on device"))
    assert isinstance(error, StorageFullError)
    assert "nothing was changed" in error.message
    other = space.write_error("the update failed", OSError("IO error: bad block"))
    assert not isinstance(other, StorageFullError)


def test_a_count_that_cannot_be_recorded_still_moves_the_version_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thb_graph.kg.store import oxigraph

    store = oxigraph.OxigraphStore(tmp_path / "store")
    before = store.version()

    def full(_meta: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_all_meta", full)
    store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    assert store.version() != before, "answers cached before the write are not reused"
    monkeypatch.undo()
    store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:d> }")
    assert store.version().endswith(".2"), "the missed count is recorded with the next one"
    store.close()
