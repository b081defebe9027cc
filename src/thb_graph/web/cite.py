"""Citing the graph: what every page's footer and "Cite this" box show (title, version,
licence, release date, the date the facts run up to, the page's address), schema.org
``Dataset`` JSON-LD for the home and download pages (built in
:mod:`thb_graph.web.downloads`, which knows the files), and ``/cite`` answering the citation
of the graph or of one of its pages as text, BibTeX or CSL-JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from thb_graph.errors import BadRequestError, UnknownFormatError
from thb_graph.pages.cite import Citation, DatasetInfo, InfoCache
from thb_graph.web import i18n
from thb_graph.web.app_state import state
from thb_graph.web.pages import split_extension

bp = Blueprint("cite", __name__)

_CACHE_KEY = "thb_graph.dataset_info"
FALLBACK_TITLE = "thb-graph"
#: ``/cite?format=`` -> media type.
CITE_FORMATS = {
    "text": "text/plain",
    "bib": "application/x-bibtex",
    "csl": "application/vnd.citationstyles.csl+json",
}


def site_info() -> DatasetInfo:
    """The dataset description of the store's current content (cached per version)."""
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_CACHE_KEY, InfoCache())
    st = state()
    return cache.get(st.store, st.iris.ontology, FALLBACK_TITLE)  # type: ignore[no-any-return]


def page_address() -> str:
    """The stable address of the page being shown: the entity IRI for an ``/id/`` page,
    else the page's own URL without the language switch."""
    path = request.path.lstrip("/")
    if path.startswith("id/"):
        return state().iris.from_local_path(split_extension(path)[0])
    return request.base_url


def citation(title: str | None = None, address: str | None = None) -> Citation:
    """The citation of the graph, or of the page ``title`` at ``address``."""
    return Citation(
        info=site_info(),
        address=address or state().settings.base_iri,
        accessed=dt.datetime.now(dt.UTC).date(),
        page_title=title,
    )


def _context() -> dict[str, Any]:
    return {
        "site_info": site_info,
        "cite_for": citation,
        "page_address": page_address,
    }


bp.app_context_processor(_context)


@bp.get("/cite")
def cite() -> Response:
    """The citation of the graph (or of ``?iri=`` with ``?title=``) as ``?format=`` text,
    bib or csl."""
    fmt = request.args.get("format", "text")
    if fmt not in CITE_FORMATS:
        raise UnknownFormatError(f"format must be one of {', '.join(CITE_FORMATS)}")
    iri = request.args.get("iri")
    title = request.args.get("title")
    if iri is not None and (len(iri) > 2000 or not state().iris.is_local(iri)):
        raise BadRequestError("iri must be an address of this graph")
    if title is not None and len(title) > 300:
        raise BadRequestError("title is longer than 300 characters")
    lang = i18n.choose_language(request.args.get("lang"), None).lang
    item = citation(title if iri else None, iri)
    if fmt == "bib":
        body = item.bibtex()
    elif fmt == "csl":
        body = json.dumps([item.csl()], ensure_ascii=False, indent=2)
    else:
        body = item.text(i18n.translate("release_unknown", lang))
    response = Response(body, mimetype=CITE_FORMATS[fmt])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
