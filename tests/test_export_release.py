"""Releases: every dump gzip-compressed with its SHA-256, a DCAT/VoID description of the
version, and a change log against the release before that names exactly what changed."""

from __future__ import annotations

import datetime
import gzip
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, OWL, SKOS, VOID

from thb_graph.cli import main
from thb_graph.config import Settings, load_settings
from thb_graph.errors import ConfigError
from thb_graph.export.dump import FORMATS
from thb_graph.export.release import ReleaseResult, make_release
from thb_graph.export.releases import list_releases, read_release
from thb_graph.kg.build import content_hash
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store

DAY = datetime.date(2026, 1, 2)
BASE = "https://w3id.org/thb-graph/"
OCRTEH = URIRef(BASE + "id/actor/ocrteh")


def _release(settings: Settings, version: str, out: Path) -> ReleaseResult:
    store = open_store(settings)
    try:
        build_store(settings, store)
        return make_release(
            store,
            version=version,
            out=out,
            base_iri=settings.base_iri,
            content_hash=content_hash(settings),
            issued=DAY,
        )
    finally:
        store.close()


@pytest.fixture
def two_releases(source_tree: Path, tmp_path: Path) -> tuple[ReleaseResult, ReleaseResult]:
    settings = load_settings(env={}, overrides={"source_dir": str(source_tree), "store": "memory"})
    out = tmp_path / "releases"
    first = _release(settings, "0.1.0", out)
    actors = source_tree / "data" / "actors.ttl"
    actors.write_text(
        actors.read_text(encoding="utf-8") + '\nactor:ocrteh skos:altLabel "Central Office"@en .\n',
        encoding="utf-8",
    )
    second = _release(settings, "0.2.0", out)
    return first, second


def test_a_release_holds_every_format_gzipped_with_its_checksum(
    two_releases: tuple[ReleaseResult, ReleaseResult],
) -> None:
    release = two_releases[0].release
    assert release.folder.name == "thb-graph-0.1.0_2026-01-02"
    names = {f.name for f in release.files}
    assert names == {f"thb-graph-0.1.0.{fmt.extension}.gz" for fmt in FORMATS.values()}
    sums = (release.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((release.folder / name).read_bytes()).hexdigest() == digest
    assert len(sums) == len(FORMATS)
    ttl = gzip.decompress((release.folder / "thb-graph-0.1.0.ttl.gz").read_bytes())
    assert (OCRTEH, SKOS.prefLabel, Literal("OCRTEH", lang="en")) in Graph().parse(data=ttl)


def test_the_description_names_version_date_and_counts_per_graph(
    two_releases: tuple[ReleaseResult, ReleaseResult],
) -> None:
    release = two_releases[1].release
    graph = Graph().parse(release.folder / "release.ttl")
    node = URIRef(BASE + "release/0.2.0")
    assert (node, OWL.versionIRI, node) in graph
    assert (node, URIRef(str(DCAT) + "version"), Literal("0.2.0")) in graph
    assert (node, URIRef(str(DCAT) + "previousVersion"), URIRef(BASE + "release/0.1.0")) in graph
    assert str(graph.value(node, URIRef("http://purl.org/dc/terms/issued"))) == "2026-01-02"
    counted = {
        str(graph.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))): int(
            graph.value(s, VOID.triples)  # type: ignore[arg-type]
        )
        for s in graph.objects(node, VOID.subset)
    }
    assert counted == release.graphs
    assert counted[BASE + "graph/data/actors"] > 0


def test_the_change_log_names_exactly_the_one_change(
    two_releases: tuple[ReleaseResult, ReleaseResult],
) -> None:
    first, second = two_releases
    assert first.changes is None
    changes = second.changes
    assert changes is not None
    assert changes.entities == [(str(OCRTEH), "OCRTEH", "alternative label added")]
    asserted = [g for g in changes.graphs if not g.graph.endswith("/inferred")]
    assert [(g.graph, len(g.added), len(g.removed)) for g in asserted] == [
        (BASE + "graph/data/actors", 1, 0)
    ]
    text = (second.release.folder / "CHANGES.md").read_text(encoding="utf-8")
    assert "- OCRTEH: alternative label added" in text
    rdf = Dataset().parse(second.release.folder / "changes.trig", format="trig")
    added = [
        (s, p, o)
        for s, p, o, g in rdf.quads()
        if g is not None
        and str(g).startswith(BASE + "release/0.2.0/changes/added/")
        and (s, p, o) == (OCRTEH, SKOS.altLabel, Literal("Central Office", lang="en"))
    ]
    assert len(added) == 1


def test_listing_reads_releases_oldest_first(
    two_releases: tuple[ReleaseResult, ReleaseResult],
) -> None:
    root = two_releases[0].release.folder.parent
    assert [r.version for r in list_releases(root)] == ["0.1.0", "0.2.0"]
    assert read_release(two_releases[1].release.folder).previous == "0.1.0"


def test_a_version_released_twice_is_refused(
    two_releases: tuple[ReleaseResult, ReleaseResult], source_tree: Path
) -> None:
    settings = load_settings(env={}, overrides={"source_dir": str(source_tree), "store": "memory"})
    with pytest.raises(ConfigError, match="already exists"):
        _release(settings, "0.2.0", two_releases[0].release.folder.parent)


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-rc1", "01.0.0"])
def test_a_malformed_version_is_a_usage_error(mini_dir: Path, tmp_path: Path, version: str) -> None:
    done = CliRunner().invoke(
        main,
        [
            "--source-dir",
            str(mini_dir),
            "--store",
            "memory",
            "release",
            "--version",
            version,
            "--out",
            str(tmp_path),
        ],
    )
    assert done.exit_code == 2, done.output
    assert "X.Y.Z" in done.output
    assert not any(tmp_path.iterdir())
