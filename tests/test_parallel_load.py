"""Bulk loads cut into parts: nothing lost or repeated, blank nodes kept whole, errors placed."""

from __future__ import annotations

from pathlib import Path

import pytest

from thb_graph.config import Settings
from thb_graph.errors import RdfSyntaxError
from thb_graph.kg.load import build_store
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.kg.store.parallel_load import (
    MIN_PARALLEL_BYTES,
    load_parts,
    parts_for,
    split_lines,
)

GRAPH = "https://w3id.org/thb-graph/graph/extra/big"


def _big_ntriples(statements: int) -> bytes:
    """N-Triples over the parallel threshold, with one blank node used at both ends."""
    lines = [b'_:shared <http://example.org/first> "start" .\n']
    lines += [
        f'<http://example.org/s{i}> <http://example.org/p> "value number {i:08d}" .\n'.encode()
        for i in range(statements)
    ]
    lines.append(b'_:shared <http://example.org/last> "end" .\n')
    return b"".join(lines)


@pytest.fixture(scope="module")
def big() -> bytes:
    data = _big_ntriples(120_000)
    assert len(data) > MIN_PARALLEL_BYTES
    return data


def test_split_keeps_every_line_once_and_blank_nodes_together(big: bytes) -> None:
    pieces = split_lines(big, 3)
    assert len(pieces) == 4  # three plain parts and the blank-node part
    assert sorted(b"".join(pieces).splitlines()) == sorted(big.splitlines())
    assert all(p.endswith(b"\n") for p in pieces)
    assert pieces[-1].count(b"_:shared") == 2
    assert all(b"_:" not in p for p in pieces[:-1])


def test_small_input_or_one_core_is_not_cut() -> None:
    assert parts_for(MIN_PARALLEL_BYTES - 1, cores=8) == 1
    assert parts_for(MIN_PARALLEL_BYTES, cores=1) == 1
    assert parts_for(MIN_PARALLEL_BYTES, cores=2) == 2
    assert parts_for(10 * MIN_PARALLEL_BYTES, cores=64) == 4
    assert split_lines(b"<a> <b> <c> .\n", 1) == [b"<a> <b> <c> .\n"]
    assert split_lines(b"", 4) == []


def test_load_parts_raises_the_first_error_after_all_finish() -> None:
    loaded: list[bytes] = []

    def load(piece: bytes) -> None:
        if piece == b"bad":
            raise ValueError("bad piece")
        loaded.append(piece)

    with pytest.raises(ValueError, match="bad piece"):
        load_parts(load, [b"one", b"bad", b"two"])
    assert sorted(loaded) == [b"one", b"two"]


def test_oxigraph_bulk_load_in_parts_keeps_every_triple_and_blank_node(
    big: bytes, tmp_path: Path
) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.bulk_load(big, "application/n-triples", GRAPH)
    assert store.count(GRAPH) == 120_002
    rows = store.query(
        "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { "
        "?b <http://example.org/first> ?x ; <http://example.org/last> ?y }"
    ).rows
    assert int(rows[0][0]) == 1  # one blank node, though its lines are far apart


def test_oxigraph_bulk_load_in_parts_reports_the_line_in_the_whole_input(
    big: bytes, tmp_path: Path
) -> None:
    lines = big.splitlines(keepends=True)
    lines[100_000] = b"<http://example.org/broken> <http://example.org/p> .\n"
    with pytest.raises(RdfSyntaxError) as caught:
        OxigraphStore(tmp_path / "store").bulk_load(b"".join(lines), "application/n-triples", GRAPH)
    assert caught.value.line == 100_001


def test_optimize_compacts_a_bulk_loaded_store_and_keeps_its_data(
    big: bytes, tmp_path: Path
) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.bulk_load(big, "application/n-triples", GRAPH)
    before = len(list((tmp_path / "store").glob("*.sst")))
    store.optimize()
    after = len(list((tmp_path / "store").glob("*.sst")))
    assert after < before, (before, after)
    assert store.count(GRAPH) == 120_002
    OxigraphStore().optimize()  # nothing to compact in memory: a no-op


def test_a_build_compacts_the_store_it_filled(settings: Settings, tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    calls: list[str] = []
    original = store.optimize
    store.optimize = lambda: calls.append("optimize") or original()  # type: ignore[method-assign]
    report = build_store(settings, store)
    assert calls == ["optimize"]
    assert "optimize" in report.seconds
