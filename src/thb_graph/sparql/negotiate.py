"""What the SPARQL endpoint serves for each query form, chosen by the one negotiator.

The formats and the negotiation rules are those of :mod:`thb_graph.formats`; this module
only says which of them answer which query form, and when a client is a browser.
"""

from __future__ import annotations

from thb_graph import formats
from thb_graph.formats import Format, parse_accept, quality

__all__ = ["canonical", "choose", "offered_for", "parse_accept", "prefers_html", "quality"]

HTML = formats.HTML.media_type
#: Every media type an answer of the endpoint can have, aliases included.
_SERVED = frozenset(
    t
    for f in (*formats.RESULT_ANSWERS, *formats.GRAPH_ANSWERS)
    for t in (f.media_type, *f.media_aliases)
)


def offered_for(kind: str) -> tuple[Format, ...]:
    """The formats answering a query form: ``select``/``ask`` or ``graph``/``construct``/…"""
    graph = kind in ("graph", "construct", "describe")
    return formats.GRAPH_ANSWERS if graph else formats.RESULT_ANSWERS


def choose(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The media type to answer a ``kind`` query with; raises UnknownFormatError (406).

    The result may be an alias (``application/json``); :func:`canonical` gives the body type.
    """
    return formats.negotiate(offered_for(kind), accept, fmt)[1]


def canonical(media_type: str, kind: str = "select") -> str:
    """The media type of the body behind an alias for a ``kind`` query (identity for a
    format's own type): ``application/json`` is SPARQL JSON for SELECT, JSON-LD for a graph."""
    found = formats.by_media_type(media_type, offered_for(kind))
    return found.media_type if found is not None else media_type


def prefers_html(accept: str | None, fmt: str | None = None) -> bool:
    """True when a client (a browser) asks for HTML before any SPARQL or RDF type."""
    if fmt:
        return formats.HTML.called(fmt.strip().lower())
    ranges = parse_accept(accept)
    html_q = max((r.q for r in ranges if r.type == "text" and r.subtype == "html"), default=0.0)
    if html_q <= 0:
        return False
    explicit = [r.q for r in ranges if r.specificity == 2 and f"{r.type}/{r.subtype}" in _SERVED]
    return html_q >= max(explicit, default=0.0)
