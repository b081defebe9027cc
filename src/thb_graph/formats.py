"""The one table of formats, and the one content negotiator.

Every place that reads or writes a serialisation (the SPARQL endpoint, entity pages,
downloads, uploads and the Graph Store Protocol, the stores, the command line) takes its
formats from :data:`TABLE`: media type, short names, file extension, the rdflib plugin name
and the W3C format IRI. A context offers a *selection* of the table, in the order ties are
broken (its first entry is its default), never a table of its own.

``?format=`` (a short name, an extension or a media type) beats ``Accept``; ``Accept`` is
read with q-values and wildcards (RFC 9110 §12.5.1): each offered type takes the q of the
most specific range that matches it, q=0 excludes, and ties go to the order of the offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from thb_graph.errors import UnknownFormatError

Kind = Literal["triples", "quads", "results", "page"]
#: The namespace of the W3C format IRIs (service descriptions, VoID).
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One serialisation: how clients name it and how the libraries call it."""

    name: str
    media_type: str
    extension: str
    label: str
    kind: Kind
    rdflib: str | None = None
    w3c: str | None = None
    #: Other short names accepted for it (``turtle`` for ``ttl``).
    names: tuple[str, ...] = ()
    #: Other media types answered with it (echoed as Content-Type, body of this format).
    media_aliases: tuple[str, ...] = ()

    @property
    def quads(self) -> bool:
        """True when the format keeps named graphs."""
        return self.kind == "quads"

    @property
    def w3c_iri(self) -> str | None:
        """The W3C format IRI (http://www.w3.org/ns/formats/…), when there is one."""
        return None if self.w3c is None else W3C_FORMATS + self.w3c

    def called(self, text: str) -> bool:
        """True when ``text`` (lower case) names this format: name, extension or media type."""
        bare = text.removeprefix(".")
        return bare in (self.name, self.extension, *self.names) or text in (
            self.media_type,
            *self.media_aliases,
        )


TURTLE = Format(
    "ttl", "text/turtle", "ttl", "Turtle", "triples", "turtle", "Turtle",
    names=("turtle",), media_aliases=("application/x-turtle",),
)  # fmt: skip
NTRIPLES = Format(
    "nt", "application/n-triples", "nt", "N-Triples", "triples", "nt", "N-Triples",
    names=("ntriples", "n-triples"), media_aliases=("text/plain",),
)  # fmt: skip
JSONLD = Format(
    "jsonld", "application/ld+json", "jsonld", "JSON-LD", "triples", "json-ld", "JSON-LD",
    names=("json-ld", "json"), media_aliases=("application/json",),
)  # fmt: skip
RDFXML = Format(
    "xml", "application/rdf+xml", "rdf", "RDF/XML", "triples", "xml", "RDF_XML",
    names=("rdfxml", "rdf+xml", "owl"),
)  # fmt: skip
TRIG = Format("trig", "application/trig", "trig", "TriG", "quads", "trig", "TriG")
NQUADS = Format(
    "nq", "application/n-quads", "nq", "N-Quads", "quads", "nquads", "N-Quads",
    names=("nquads", "n-quads"),
)  # fmt: skip
RESULTS_JSON = Format(
    "json", "application/sparql-results+json", "srj", "SPARQL results (JSON)", "results",
    w3c="SPARQL_Results_JSON", media_aliases=("application/json",),
)  # fmt: skip
RESULTS_XML = Format(
    "xml", "application/sparql-results+xml", "srx", "SPARQL results (XML)", "results",
    w3c="SPARQL_Results_XML", media_aliases=("application/xml", "text/xml"),
)  # fmt: skip
CSV = Format("csv", "text/csv", "csv", "CSV", "results", w3c="SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", "tsv", "TSV", "results", w3c="SPARQL_Results_TSV")
HTML = Format(
    "html", "text/html", "html", "HTML", "page",
    names=("htm",), media_aliases=("application/xhtml+xml",),
)  # fmt: skip

#: Every format of the project.
TABLE: tuple[Format, ...] = (
    TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS,
    RESULTS_JSON, RESULTS_XML, CSV, TSV, HTML,
)  # fmt: skip

#: The selections the contexts offer (first entry: the default).
RDF_TRIPLES = (TURTLE, NTRIPLES, JSONLD, RDFXML)
RDF_QUADS = (TRIG, NQUADS)
GRAPH_ANSWERS = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS)
RESULT_ANSWERS = (RESULTS_JSON, RESULTS_XML, CSV, TSV)
DUMPS = (TURTLE, JSONLD, NTRIPLES, TRIG, RDFXML, NQUADS)


def find(text: str, among: Sequence[Format] = TABLE) -> Format | None:
    """The format ``text`` names (short name, extension or media type; parameters and case
    ignored) among ``among``, or None."""
    key = text.split(";", 1)[0].strip().lower()
    return next((f for f in among if f.called(key)), None)


def by_media_type(media_type: str, among: Sequence[Format] = TABLE) -> Format | None:
    """The format a media type (or one of its aliases) stands for among ``among``."""
    key = media_type.split(";", 1)[0].strip().lower()
    exact = next((f for f in among if key == f.media_type), None)
    return exact or next((f for f in among if key in f.media_aliases), None)


# ---- negotiation ---------------------------------------------------------------------


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """2 for ``a/b``, 1 for ``a/*``, 0 for ``*/*``."""
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        """True when this range covers ``media_type``."""
        main, _, sub = media_type.partition("/")
        return (self.type in ("*", main)) and (self.subtype in ("*", sub))


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        kind = pieces[0].lower()
        if "/" not in kind:
            continue
        main, _, sub = kind.partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q an Accept header gives ``media_type`` (1.0 when the header is empty)."""
    if not ranges:
        return 1.0
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best else 0.0


def best_media_type(offered: Sequence[str], accept: str | None) -> str | None:
    """The offered media type ``accept`` likes best (ties: the first offered), or None."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > best_q:
            best, best_q = media_type, q
    return best


def negotiate(
    offered: Sequence[Format], accept: str | None, asked: str | None = None
) -> tuple[Format, str]:
    """The format to answer in and the media type to label it with (maybe an alias the
    client asked for). ``asked`` (``?format=``) beats ``accept``. UnknownFormatError (406)
    when nothing offered fits."""
    if asked:
        key = asked.split(";", 1)[0].strip().lower()
        for fmt in offered:
            if fmt.called(key):
                echoed = key if key in fmt.media_aliases else fmt.media_type
                return fmt, echoed
        names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
        raise UnknownFormatError(f"format {asked[:60]!r} is not served here; use one of {names}")
    media_types = [f.media_type for f in offered]
    media_types += [a for f in offered for a in f.media_aliases if a not in media_types]
    chosen = best_media_type(media_types, accept)
    if chosen is None:
        names = ", ".join(f.media_type for f in offered)
        raise UnknownFormatError(f"none of the accepted media types is served here; try {names}")
    found = by_media_type(chosen, offered)
    if found is None:  # pragma: no cover - chosen comes from offered
        raise UnknownFormatError(f"{chosen} is not served here")
    return found, chosen
