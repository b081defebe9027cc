"""The citation read model: what the data say about the dataset, unknown where they say
nothing, and the text, BibTeX and CSL-JSON built from it."""

from __future__ import annotations

import datetime as dt

import pytest

from thb_graph.kg.store import open_store
from thb_graph.pages.cite import Citation, DatasetInfo, dataset_info, schema_dataset

THB = "https://w3id.org/thb-graph/ontology#"
DESCRIBED = b"""
@prefix void: <http://rdfs.org/ns/void#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix thb: <https://w3id.org/thb-graph/ontology#> .
<https://w3id.org/thb-graph/id/dataset/x> a void:Dataset ; dct:title "A graph"@en .
<https://w3id.org/thb-graph/ontology> a owl:Ontology ; owl:versionInfo "2.3.0" ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> .
<https://w3id.org/thb-graph/id/status/a> thb:asOf "2012"^^xsd:gYear .
<https://w3id.org/thb-graph/id/status/b> thb:asOf "2013-01-03"^^xsd:date .
"""
#: As the France graph states it: a period with its year.
AS_OF_A_PERIOD = b"""
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix thb: <https://w3id.org/thb-graph/ontology#> .
<https://w3id.org/thb-graph/id/status/c> thb:asOf <https://w3id.org/thb-graph/id/period/p> .
<https://w3id.org/thb-graph/id/period/p> thb:year "2014"^^xsd:gYear .
"""


@pytest.fixture
def memory(settings):  # type: ignore[no-untyped-def]
    store = open_store(settings.replace(store="memory"))
    yield store
    store.close()


def test_dataset_info_reads_title_version_licence_and_latest_as_of(memory):
    memory.load(DESCRIBED, "text/turtle", "https://w3id.org/thb-graph/graph/data")
    info = dataset_info(memory, THB, "fallback")
    assert info.title == "A graph"
    assert info.version == "2.3.0"
    assert info.licence_name == "CC BY 4.0"
    assert info.facts_until == "2013"
    assert info.issued is None  # the data give no release date: nothing is invented


def test_as_of_a_period_counts_with_the_period_s_year(memory):
    memory.load(DESCRIBED, "text/turtle", "https://w3id.org/thb-graph/graph/data")
    memory.load(AS_OF_A_PERIOD, "text/turtle", "https://w3id.org/thb-graph/graph/data")
    assert dataset_info(memory, THB, "fallback").facts_until == "2014"


def test_the_france_graph_is_dated_by_the_profile_s_year(france):
    """The real data state "as of" with periods: the site says up to 2013, never "?"."""
    assert dataset_info(france, THB, "fallback").facts_until == "2013"


def test_dataset_info_of_an_empty_store_knows_nothing(memory):
    info = dataset_info(memory, THB, "fallback")
    assert (info.title, info.version, info.licence, info.issued, info.facts_until) == (
        "fallback", None, None, None, None
    )  # fmt: skip


def _citation(issued: str | None, page: str | None = None) -> Citation:
    info = DatasetInfo("A graph", None, "1.0", "https://creativecommons.org/licenses/by/4.0/",
                       issued, "2013")  # fmt: skip
    return Citation(info, "https://w3id.org/thb-graph/id/actor/ocrteh", dt.date(2026, 1, 2), page)


def test_citation_text_says_the_release_date_is_unknown_when_it_is():
    text = _citation(None, "OCRTEH").text()
    assert text.startswith("\u201cOCRTEH\u201d, in A graph. Version 1.0, release date unknown.")
    assert "Licence CC BY 4.0." in text
    assert text.endswith("https://w3id.org/thb-graph/id/actor/ocrteh (accessed 2026-01-02).")


def test_bibtex_has_year_only_when_known():
    unknown = _citation(None).bibtex()
    assert unknown.startswith("@misc{thb-graph,") and "year" not in unknown
    assert "version = {1.0}" in unknown and "urldate = {2026-01-02}" in unknown
    assert "year = {2025}" in _citation("2025-06-01").bibtex()


def test_csl_json_is_a_dataset_with_issued_only_when_known():
    item = _citation(None, "OCRTEH").csl()
    assert item["type"] == "dataset" and item["container-title"] == "A graph"
    assert item["license"].endswith("/by/4.0/") and "issued" not in item
    assert _citation("2025-06-01").csl()["issued"] == {"date-parts": [[2025, 6, 1]]}


def test_schema_dataset_lists_the_downloads_and_licence():
    info = _citation(None).info
    data = schema_dataset(info, "http://x/", "d", [("http://x/download/a.ttl", "text/turtle")])
    assert data["@type"] == "Dataset" and data["license"] == info.licence
    assert data["distribution"][0]["encodingFormat"] == "text/turtle"
    assert "datePublished" not in data
