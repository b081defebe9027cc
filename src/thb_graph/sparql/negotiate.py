"""Content negotiation: ``Accept`` or ``?format=`` -> one media type from the tables below.

The tables are the single list of what the endpoint serves. ``?format=`` (a short name or a
full media type) beats ``Accept``; ``Accept`` is read with q-values and wildcards (RFC 9110
§12.5.1): each offered type takes the q of the most specific range that matches it, q=0
excludes, and ties go to the order of the table (the first entry is the default).
"""

from __future__ import annotations

from dataclasses import dataclass

from thb_graph.errors import UnknownFormatError

#: SELECT and ASK results: media type -> short name. First entry is the default.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}

#: CONSTRUCT and DESCRIBE results: media type -> short name. First entry is the default.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/trig": "trig",
    "application/n-quads": "nq",
}

#: Media types served under another name: the alias is echoed as Content-Type, the body is
#: the one of the canonical type.
ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}

HTML = "text/html"


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


def table_for(kind: str) -> dict[str, str]:
    """The media-type table for a query form: ``select``/``ask`` or ``graph``."""
    return GRAPH_TYPES if kind in ("graph", "construct", "describe") else RESULT_TYPES


def choose(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The media type to answer a ``kind`` query with; raises UnknownFormatError (406).

    The result may be an alias (``application/json``); :func:`canonical` gives the body type.
    """
    table = table_for(kind)
    if fmt:
        return _from_format(table, fmt.strip())
    ranges = parse_accept(accept)
    offered = [*table, *(a for a, c in ALIASES.items() if c in table)]
    best, best_q = "", 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > best_q:
            best, best_q = media_type, q
    if not best:
        names = ", ".join(table)
        raise UnknownFormatError(f"none of the accepted media types is served here; try {names}")
    return best


def canonical(media_type: str) -> str:
    """The table entry behind an alias (identity for table entries)."""
    return ALIASES.get(media_type, media_type)


def prefers_html(accept: str | None, fmt: str | None = None) -> bool:
    """True when a client (a browser) asks for HTML before any SPARQL or RDF type."""
    if fmt:
        return fmt.strip().lower() in ("html", HTML)
    ranges = parse_accept(accept)
    html_q = max((r.q for r in ranges if r.type == "text" and r.subtype == "html"), default=0.0)
    if html_q <= 0:
        return False
    others = [*RESULT_TYPES, *GRAPH_TYPES, *ALIASES]
    explicit = [r.q for r in ranges if r.specificity == 2 and f"{r.type}/{r.subtype}" in others]
    return html_q >= max(explicit, default=0.0)


def _from_format(table: dict[str, str], fmt: str) -> str:
    lowered = fmt.lower()
    for media_type, short in table.items():
        if lowered in (short, media_type):
            return media_type
    if lowered in ALIASES and ALIASES[lowered] in table:
        return lowered
    names = ", ".join(f"{short} ({media})" for media, short in table.items())
    raise UnknownFormatError(f"format {fmt!r} is not served for this query; use one of {names}")
