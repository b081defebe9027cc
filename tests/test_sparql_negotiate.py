"""Content negotiation: Accept with q-values and wildcards, ?format= overrides, 406."""

from __future__ import annotations

import pytest

from thb_graph.errors import UnknownFormatError
from thb_graph.sparql import negotiate

SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        ("select", None, SRJ),
        ("select", "", SRJ),
        ("select", "*/*", SRJ),
        ("select", SRJ, SRJ),
        ("select", "application/json", "application/json"),
        ("select", SRX, SRX),
        ("select", "text/csv", "text/csv"),
        ("select", "text/tab-separated-values", "text/tab-separated-values"),
        ("select", "text/*", "text/csv"),
        ("select", f"text/csv;q=0.5, {SRX};q=0.9", SRX),
        ("select", f"text/csv;q=0.5, {SRX};q=0.1", "text/csv"),
        ("select", f"*/*;q=0.1, {SRX}", SRX),
        ("select", f"application/*;q=0.9, {SRJ};q=0", SRX),
        ("ask", "application/sparql-results+xml, */*;q=0.5", SRX),
        ("graph", None, "text/turtle"),
        ("graph", "*/*", "text/turtle"),
        ("graph", "application/n-triples", "application/n-triples"),
        ("graph", "application/ld+json", "application/ld+json"),
        ("graph", "application/rdf+xml", "application/rdf+xml"),
        ("graph", "application/trig", "application/trig"),
        ("graph", "application/n-quads", "application/n-quads"),
        ("graph", "text/turtle;q=0.2, application/n-triples;q=0.8", "application/n-triples"),
        ("graph", "application/rdf+xml;q=0.5, text/*;q=0.9", "text/turtle"),
        ("construct", "application/ld+json", "application/ld+json"),
    ],
)
def test_accept_picks_the_best_served_type(kind: str, accept: str | None, expected: str) -> None:
    assert negotiate.choose(kind, accept) == expected


@pytest.mark.parametrize(
    ("kind", "fmt", "expected"),
    [
        ("select", "json", SRJ),
        ("select", "xml", SRX),
        ("select", "csv", "text/csv"),
        ("select", "tsv", "text/tab-separated-values"),
        ("select", "TSV", "text/tab-separated-values"),
        ("select", SRX, SRX),
        ("graph", "ttl", "text/turtle"),
        ("graph", "nt", "application/n-triples"),
        ("graph", "jsonld", "application/ld+json"),
        ("graph", "rdf", "application/rdf+xml"),
        ("graph", "trig", "application/trig"),
        ("graph", "nq", "application/n-quads"),
    ],
)
def test_format_parameter_overrides_accept(kind: str, fmt: str, expected: str) -> None:
    assert negotiate.choose(kind, "text/html", fmt) == expected


@pytest.mark.parametrize(
    ("kind", "accept", "fmt"),
    [
        ("select", "image/png", None),
        ("select", "text/turtle", None),
        ("graph", SRJ, None),
        ("select", f"{SRJ};q=0, application/json;q=0, text/plain", None),
        ("select", None, "ttl"),
        ("graph", None, "csv"),
        ("select", None, "yaml"),
    ],
)
def test_nothing_that_fits_is_unknown_format(
    kind: str, accept: str | None, fmt: str | None
) -> None:
    with pytest.raises(UnknownFormatError):
        negotiate.choose(kind, accept, fmt)


def test_most_specific_range_sets_the_quality() -> None:
    ranges = negotiate.parse_accept("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1")
    assert negotiate.quality(ranges, "text/csv") == 0.7
    assert negotiate.quality(ranges, "text/turtle") == 0.3
    assert negotiate.quality(ranges, "application/n-triples") == 0.1


def test_malformed_accept_entries_are_ignored() -> None:
    ranges = negotiate.parse_accept("garbage, text/csv;q=abc, /x, text/turtle")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "csv", 0.0),
        ("text", "turtle", 1.0),
    ]


@pytest.mark.parametrize(
    ("accept", "fmt", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, True),
        ("text/html", None, True),
        ("*/*", None, False),
        (None, None, False),
        (SRJ, None, False),
        (f"text/html;q=0.5, {SRJ}", None, False),
        ("text/html", "json", False),
        ("*/*", "html", True),
    ],
)
def test_browsers_are_told_apart_from_clients(
    accept: str | None, fmt: str | None, html: bool
) -> None:
    assert negotiate.prefers_html(accept, fmt) is html


def test_aliases_resolve_to_a_table_entry() -> None:
    assert negotiate.canonical("application/json") == SRJ
    assert negotiate.canonical("text/turtle") == "text/turtle"
