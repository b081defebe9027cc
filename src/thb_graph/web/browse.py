"""Browsing: the home page, one page per class (paginated), and label search.

Search runs over a label index (every name, in every language, folded to lower case without
accents) built once per store version, so "securite" finds "Sécurité" without a query per
request.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter

from flask import Blueprint, Response, current_app, request, url_for
from rdflib import Graph, Literal, URIRef

from thb_graph.errors import BadRequestError, NotFoundError
from thb_graph.namespaces import QB, RDF, SKOS
from thb_graph.pages import class_table, overview
from thb_graph.pages.answers import plain_title
from thb_graph.pages.entity import Namer, Triple
from thb_graph.pages.labels import DERIVED, IndexCache, LabelIndex
from thb_graph.web import downloads, http, i18n, meta, pages, urls
from thb_graph.web.app_state import state
from thb_graph.web.entities import breakdown_chart

bp = Blueprint("browse", __name__)

MAX_QUERY_CHARS = 200
LIST_EXTS = ("html", *pages.RDF_EXTS)
_CACHE_KEY = "thb_graph.label_index"


def label_index() -> LabelIndex:
    """The label index of the store's current content (built on first use)."""
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_CACHE_KEY, IndexCache())
    return cache.get(state().store)  # type: ignore[no-any-return]


def _namer() -> Namer:
    st = state()
    return Namer(st.iris, pages.language().lang, st.settings.default_language)


@bp.get("/")
def home() -> Response:
    """What the graph holds, headline charts, a timeline, sources, example questions.

    Asked for RDF, the home page answers with its data: the dataset's VoID description
    (as ``/.well-known/void``, named in Content-Location).
    """
    fmt, _ = pages.negotiate(None, LIST_EXTS)
    if fmt != "html":
        response = meta.void()
        response.headers["Content-Location"] = url_for("meta.void")
        return pages.vary(response, "Accept")
    st = state()
    namer = _namer()
    lang = namer.lang
    breakdowns = overview.largest_breakdowns(st.store, namer)
    charts = [(b, breakdown_chart(b, lang, f"headline-{i}")) for i, b in enumerate(breakdowns, 1)]
    dated = overview.dated_things(st.store, st.iris, namer)
    years = [e.date[:4] for e in dated if e.date[:4].isdigit()]
    queries = overview.example_queries(st.settings.queries_dir, pages.language().lang)
    counts = overview.class_counts(st.store, st.iris, namer)
    names = Counter(c.cls.text.casefold() for c in counts)
    response = pages.render_page(
        "home.html",
        counts=counts,
        dataset_json=downloads.dataset_jsonld(i18n.translate("home_intro", lang)),
        technical_iris=[
            c.cls.iri
            for c in counts
            if c.cls.iri not in CORE_CLASSES and not c.cls.iri.startswith(st.iris.ontology)
        ],
        key_figures=overview.key_figures(st.store, namer),
        ambiguous={name for name, n in names.items() if n > 1},
        total=st.store.count(),
        sources=overview.sources(st.store, namer),
        charts=charts,
        dated=dated,
        first_year=min(years, default=""),
        last_year=max(years, default=""),
        queries=[
            (plain_title(q.title), urls.page_url("answers.answer", name=q.name), q.title_lang)
            for q in queries
        ],
    )
    return pages.vary(response, "Accept")


def _twin(triples: list[Triple], namer: Namer) -> Graph:
    """The RDF twin of a list page: the statements it shows and the names of what it names."""
    graph = Graph()
    for prefix, namespace in urls.prefixes().items():
        graph.bind(prefix, namespace, replace=True)
    for triple in triples:
        graph.add(triple)
    for iri, names in namer.names.items():
        for predicate, literal in names:
            graph.add((URIRef(iri), predicate, literal))
    return graph


CLASS_EXTS = (*LIST_EXTS, "csv")
#: Reused classes shown with the graph's own on the home page; every other class from
#: outside the ontology (periods, instants, data structures...) is listed apart, collapsed.
CORE_CLASSES = (str(QB.Observation), str(SKOS.Concept))


def _table_request() -> tuple[dict[str, str], str, bool]:
    """The facet filters, the sort column and its direction asked in the query string."""
    filters = {}
    for key in class_table.FACETS:
        value = request.args.get(key)
        if value:
            if len(value) > 2000:
                raise BadRequestError(f"{key} is longer than 2000 characters")
            filters[key] = value
    sort = request.args.get("sort", "name")
    if sort not in class_table.SORTS:
        raise BadRequestError(f"sort must be one of {', '.join(class_table.SORTS)}")
    return filters, sort, request.args.get("desc") in ("1", "true", "yes")


def _class_rows(curie: str) -> tuple[str, Namer, class_table.ClassTable]:
    st = state()
    iri = urls.expand_curie(curie)
    if iri is None:
        raise NotFoundError(f"no such class: {curie[:100]}")
    members = overview.class_members(st.store, iri)
    if not members:
        raise NotFoundError(f"no member of class {curie[:100]} in the graph")
    filters, sort, descending = _table_request()
    namer = _namer()
    namer.want([URIRef(iri)])
    ordered = overview.sort_by_label(members, label_index(), namer.lang)
    capped = len(ordered) > class_table.MAX_TABLE_ROWS
    rows = class_table.build_rows(st.store, st.iris, ordered[: class_table.MAX_TABLE_ROWS], namer)
    table = class_table.class_table(
        rows, filters=filters, sort=sort, descending=descending, capped=capped
    )
    return iri, namer, table


@bp.get("/class/<curie>")
def class_page(curie: str) -> Response:
    """The members of a class as a table: sortable, faceted, one page at a time (or the
    table as CSV, or the members' types as RDF)."""
    st = state()
    curie, ext = pages.split_extension(curie)
    fmt, negotiated = pages.negotiate(ext, CLASS_EXTS)
    page = pages.page_number()
    iri, namer, table = _class_rows(curie)
    path = f"class/{curie}"
    if fmt == "csv":
        response = _table_csv(table)
        return pages.finish(response, path=path, ext=fmt, negotiated=negotiated, exts=CLASS_EXTS)
    size = st.settings.page_size
    pages_total = max(1, math.ceil(len(table.rows) / size))
    if page > pages_total:
        raise NotFoundError(f"there is no page {page} of {curie[:100]}")
    shown = table.rows[(page - 1) * size : page * size]
    if fmt != "html":
        triples: list[Triple] = [(r.thing.node, RDF.type, URIRef(iri)) for r in shown]
        triples += [(r.thing.node, RDF.type, t.node) for r in shown for t in r.types]
        response = pages.rdf_response(_twin(triples, namer), fmt)
        return pages.finish(response, path=path, ext=fmt, negotiated=negotiated, exts=CLASS_EXTS)
    response = pages.render_page(
        "class.html",
        cls=namer.term(URIRef(iri)),
        curie=curie,
        definition=overview.definition(st.store, iri, namer.lang),
        table=table,
        rows=shown,
        page=page,
        pages=pages_total,
        json_url=urls.page_url("browse.class_rows", curie=curie, **request.args.to_dict()),
        csv_url=pages.current_url(format="csv", page=None),
        alternates=[(pages.FORMATS[e].label, urls.alternate_urls(path)[e]) for e in CLASS_EXTS[1:]],
    )
    return pages.finish(response, path=path, ext=fmt, negotiated=negotiated, exts=CLASS_EXTS)


@bp.get("/class/<curie>/rows.json")
def class_rows(curie: str) -> Response:
    """The rows of a class table as JSON (the same filters and sort as the page)."""
    _, _, table = _class_rows(curie)
    body = {
        "total": table.total,
        "filtered": len(table.rows),
        "capped": table.capped,
        "filters": table.filters,
        "sort": table.sort,
        "descending": table.descending,
        "rows": [class_table.row_record(r) for r in table.rows],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/json"
    )
    return http.allow_reads_from_anywhere(response)


def _table_csv(table: class_table.ClassTable) -> Response:
    records = [class_table.row_record(r) for r in table.rows]
    columns = list(dict.fromkeys(k for r in records for k in r)) or ["iri", "name"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return Response(out.getvalue(), mimetype="text/csv")


#: Suggestions given as a name is typed.
SUGGESTIONS = 8


@bp.get("/search/suggest")
def suggest() -> Response:
    """Names starting with the words typed so far (``?q=``), as JSON for the search boxes:
    ``[{"label", "href", "iri", "matched"}]``, best first."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequestError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    hits = label_index().search(q, limit=SUGGESTIONS) if q else []
    lang = pages.language().lang
    index = label_index()
    body = [
        {
            "label": index.label(h.iri, lang).text,
            "href": urls.href(h.iri, described=True),
            "iri": h.iri,
            "matched": h.matched,
        }
        for h in hits
    ]
    response = Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/search")
def search() -> Response:
    """Things whose English or French names contain the words of ``?q=`` (or their RDF)."""
    st = state()
    fmt, negotiated = pages.negotiate(None, LIST_EXTS)
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequestError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    page = pages.page_number()
    hits = label_index().search(q) if q else []
    size = st.settings.page_size
    pages_total = max(1, math.ceil(len(hits) / size))
    shown = hits[(page - 1) * size : page * size]
    namer = _namer()
    namer.want(URIRef(h.iri) for h in shown)
    namer.resolve(st.store)
    types = overview.asserted_types(st.store, st.iris, [h.iri for h in shown], namer)
    results = [(namer.term(URIRef(h.iri)), h, types.get(h.iri, [])) for h in shown]
    if fmt != "html":
        triples: list[Triple] = [
            (URIRef(h.iri), h.predicate, Literal(h.matched, lang=h.matched_lang))
            for h in shown
            if h.predicate != DERIVED  # a name made for search, never a statement
        ]
        triples += [(URIRef(h.iri), RDF.type, t.node) for h in shown for t in types.get(h.iri, [])]
        response = pages.rdf_response(_twin(triples, namer), fmt)
    else:
        response = pages.render_page(
            "search.html", q=q, results=results, total=len(hits), page=page, pages=pages_total
        )
    return pages.finish(response, path=None, ext=fmt, negotiated=negotiated, exts=LIST_EXTS)
