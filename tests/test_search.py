"""Label search over the France graph: word-start matching, every entity findable,
snippets, totals before their parts, French names of figures, suggestions as you type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from thb_graph.config import load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.search import query_words
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.namespaces import THB
from thb_graph.pages.labels import DERIVED, LabelIndex

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVE = "http://data.europa.eu/eli/dir/2011/36/oj"


@pytest.fixture(scope="module")
def france() -> Iterator[OxigraphStore]:
    store = OxigraphStore()
    build_store(load_settings(env={}, overrides={"source_dir": str(ROOT)}), store, validate=False)
    yield store
    store.close()


@pytest.fixture(scope="module")
def index(france: OxigraphStore) -> LabelIndex:
    return LabelIndex.build(france)


def test_words_match_at_their_start_only(index: LabelIndex) -> None:
    hits = index.search("loi")
    assert hits, "the Loi sur la Sécurité intérieure has 'loi' in its name"
    for hit in hits:
        assert any(w.startswith("loi") for w in query_words(hit.matched)), hit.matched
    assert not index.search("ploitation")  # inside "exploitation": no match


def test_the_directive_is_found_by_its_number(index: LabelIndex) -> None:
    hits = index.search("Directive 2011/36")
    assert hits[0].iri == DIRECTIVE
    assert ("Directive", True) in hits[0].segments and ("2011", True) in hits[0].segments
    assert index.search("2011/36/EU")[0].iri == DIRECTIVE


def test_totals_come_before_their_parts(france: OxigraphStore, index: LabelIndex) -> None:
    hits = index.search("victims 2011")
    order = {h.iri: n for n, h in enumerate(hits)}
    rows = france.query(f"SELECT ?part ?whole WHERE {{ ?part <{THB.partOf}> ?whole }}").rows
    pairs = [(str(p), str(w)) for p, w in rows if str(p) in order and str(w) in order]
    assert pairs, "some parts and their total both match"
    assert all(order[whole] < order[part] for part, whole in pairs)


def test_figures_have_names_in_french_made_from_their_dimensions(index: LabelIndex) -> None:
    hits = index.search("exploitation sexuelle France")
    derived = [h for h in hits if h.predicate == DERIVED]
    assert derived and all(h.matched_lang == "fr" for h in derived)
    assert all("exploitation sexuelle" in h.matched for h in derived)


def test_every_figure_is_found_by_french_words(france: OxigraphStore, index: LabelIndex) -> None:
    """A figure's French name is made from the French names of its dimensions, its data set
    first: every data set has one, so "victimes 2011" finds the figures of 2011 as "victims
    2011" does."""
    unnamed = france.query(
        "PREFIX qb: <http://purl.org/linked-data/cube#> "
        "SELECT DISTINCT ?ds WHERE { ?o qb:dataSet ?ds FILTER NOT EXISTS { "
        "?ds <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (lang(?l) = 'fr') } }"
    ).rows
    assert unnamed == []
    in_french = {h.iri for h in index.search("victimes 2011")}
    in_english = {h.iri for h in index.search("victims 2011")}
    total = "https://w3id.org/thb-graph/id/observation/victims-all-nationalities-2011"
    assert total in in_french
    figures = {iri for iri in in_english if "/observation/" in iri}
    assert figures and figures <= in_french


def test_suggestions_as_json(pages_client) -> None:  # type: ignore[no-untyped-def]
    response = pages_client.get("/search/suggest?q=minis")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    found = json.loads(response.data)
    assert 0 < len(found) <= 8
    assert all(s["href"] and s["label"] for s in found)
    assert any("Ministry" in s["label"] for s in found)
    assert json.loads(pages_client.get("/search/suggest?q=").data) == []


def test_search_page_marks_the_matched_words(pages_client) -> None:  # type: ignore[no-untyped-def]
    response = pages_client.get("/search?q=interi", headers={"Accept": "text/html"})
    assert b"<mark>Interior</mark>" in response.data
    assert b"suggest-0.1.0.js" in response.data
