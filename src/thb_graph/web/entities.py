"""Entity pages: every IRI under ``{base}id/`` as HTML for people and RDF for machines, the
description of outside IRIs the graph speaks about (``/resource?iri=``), and the ontology
at its own IRI (``/ontology``).

All three follow the one negotiation pattern of :mod:`thb_graph.web.pages`: the IRI is
answered directly (no 303), ``?format=`` beats a file extension which beats ``Accept``, and
``Content-Location`` names the extension URL of what was sent. One
:class:`~thb_graph.pages.entity.Description` feeds both the template and the RDF serialiser,
so the RDF twin of a page holds the statements the page shows.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, request

from thb_graph.errors import BadRequestError, NotFoundError, UnknownFormatError
from thb_graph.export.dump import export
from thb_graph.pages.conflicts import compare
from thb_graph.pages.describe import MAX_HISTORY, describe, description_graph
from thb_graph.pages.entity import Breakdown, Description, Namer
from thb_graph.pages.once import acronym, show_once
from thb_graph.pages.ontology_doc import document_ontology
from thb_graph.pages.source_doc import document_facts
from thb_graph.pages.statuses import statuses_of
from thb_graph.web import i18n, pages, urls
from thb_graph.web.app_state import state
from thb_graph.web.charts import Bar, bar_chart, describe_bars

bp = Blueprint("entities", __name__)

PAGE_EXTS = ("html", *pages.RDF_EXTS, "csv")
_EXPORT_NAMES = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "xml"}


@bp.get("/id/<path:path>")
def page(path: str) -> Response:
    """The page of the entity ``{base}id/{path}`` (or its RDF, or its table as CSV)."""
    stem, ext = pages.split_extension(path)
    return _serve(urls.entity_iri(stem), ext, "id/" + stem)


@bp.get("/resource")
def resource() -> Response:
    """The description of any IRI the graph speaks about (``?iri=``), e.g. an ELI."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BadRequestError("give the IRI to describe as ?iri=")
    return _serve(iri, None, None)


def breakdown_chart(breakdown: Breakdown, lang: str, chart_id: str) -> str:
    """The SVG chart of a breakdown, with its text alternative."""
    bars = [Bar(r.category.text, r.number, r.value, r.category.lang) for r in breakdown.rows]
    title = breakdown.total.label.text
    if breakdown.dimension is not None:
        title = (
            f"{title} \u2014 {i18n.translate('breakdown_by', lang, dim=breakdown.dimension.text)}"
        )
    description = i18n.translate("chart_desc", lang, title=title, items=describe_bars(bars))
    return bar_chart(chart_id, title, description, bars)


def _csv(desc: Description) -> Response:
    breakdown = desc.breakdown
    assert breakdown is not None  # noqa: S101 - checked by the caller
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["category", "category_iri", "value", "total", "part_iri", "source"])
    for row in breakdown.rows:
        writer.writerow(
            [
                row.category.text,
                row.category.iri,
                str(row.number),
                str(breakdown.total.number if breakdown.total.number is not None else ""),
                row.part.iri,
                " | ".join(s.iri or s.text for s in row.part.sources),
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    name = desc.iri.rstrip("/").rsplit("/", 1)[-1] or "table"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return response


def _serve(iri: str, ext: str | None, path: str | None) -> Response:
    st = state()
    choice = pages.language()
    tag = pages.page_tag()
    cached = pages.held_by_client(tag)
    if cached is not None:
        return cached
    desc = describe(
        st.store,
        st.iris,
        iri,
        lang=choice.lang,
        page=pages.page_number(),
        page_size=st.settings.page_size,
        fallback=st.settings.default_language,
    )
    show_once(desc, st.store, st.iris.ontology)
    fmt, negotiated = pages.negotiate(ext, PAGE_EXTS)
    if desc.incoming and desc.incoming.page > desc.incoming.pages:
        raise NotFoundError(f"there is no page {desc.incoming.page} of incoming links")
    exts = PAGE_EXTS if desc.breakdown else PAGE_EXTS[:-1]
    if fmt == "csv":
        if desc.breakdown is None:
            if negotiated:
                raise UnknownFormatError("this entity has no table to give as CSV")
            raise NotFoundError("this entity has no table to give as CSV")
        response = _csv(desc)
    elif fmt == "html":
        alternates = urls.alternate_urls(path) if path else {}
        if path is None:
            alternates = {e: urls.page_url("entities.resource", iri=iri, format=e) for e in exts}
        chart = (
            breakdown_chart(desc.breakdown, choice.lang, "breakdown-chart")
            if desc.breakdown and desc.breakdown.rows
            else None
        )
        namer = Namer(st.iris, choice.lang, st.settings.default_language)
        response = pages.render_page(
            "entity.html",
            desc=desc,
            statuses=statuses_of(st.store, iri, namer),
            acronym=acronym(desc),
            document=document_facts(st.store, iri, namer),
            comparison=compare(st.store, st.iris, iri, namer),
            chart=chart,
            max_history=MAX_HISTORY,
            alternates=[(pages.FORMATS[e].label, alternates[e]) for e in exts if e != "html"],
        )
    else:
        response = pages.rdf_response(description_graph(desc, urls.prefixes()), fmt)
    return pages.finish(response, path=path, ext=fmt, negotiated=negotiated, exts=exts, tag=tag)


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology: documentation for people, the ontology graph for machines."""
    if ext is not None and ext.lower() not in pages.FORMATS:
        raise NotFoundError(f"no such document: ontology.{ext[:20]}")
    st = state()
    exts = ("html", *pages.RDF_EXTS)
    fmt, negotiated = pages.negotiate(ext.lower() if ext else None, exts)
    tag = pages.page_tag()
    cached = pages.held_by_client(tag)
    if cached is not None:
        return cached
    if fmt == "html":
        namer = Namer(st.iris, pages.language().lang, st.settings.default_language)
        doc = document_ontology(st.store, st.iris, namer)
        response = pages.render_page("ontology.html", doc=doc)
    else:
        data = export(
            st.store, _EXPORT_NAMES[fmt], base_iri=st.settings.base_iri,
            graph=st.iris.ontology_graph,
        )  # fmt: skip
        response = Response(data, mimetype=pages.FORMATS[fmt].media_type)
    return pages.finish(
        response, path="ontology", ext=fmt, negotiated=negotiated, exts=exts, tag=tag
    )
