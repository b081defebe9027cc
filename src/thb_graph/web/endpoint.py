"""The ``/sparql`` endpoint: adapts Flask's request and response to ``thb_graph.sparql``.

GET, POST and HEAD run a query (through the query worker pool of the app state; a
repeated identical request is replayed from the one answer cache, see ``web.replay``); OPTIONS
answers CORS preflights. Without a query, a browser gets the query editor and any other
client the SPARQL service description. A browser following a shared link
(``/sparql?query=...``, no ``format=``) gets the editor with that query in it.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from rdflib import Graph, URIRef

from thb_graph.errors import ThbGraphError
from thb_graph.kg.queries import load_examples
from thb_graph.namespaces import PREFIXES, SD
from thb_graph.pages.answers import plain_title
from thb_graph.sparql import negotiate
from thb_graph.sparql.cache import etag_of
from thb_graph.sparql.describe import service_description
from thb_graph.sparql.protocol import FORM, QueryRequest, parse_request
from thb_graph.web import http, i18n, i18n_pages, meta, pages, releases
from thb_graph.web.app_state import state
from thb_graph.web.direct import ERROR_ENVIRON
from thb_graph.web.replay import CACHE_HEADER, answer_key_of_request, mark_answer_reusable

bp = Blueprint("endpoint", __name__)
bp.after_request(http.secure)

#: The vendored YASGUI release (see scripts/vendor-yasgui.sh).
YASGUI_VERSION = "4.6.2"


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def sparql() -> Response:
    """SPARQL 1.1 Protocol, query operation."""
    if request.method == "OPTIONS":
        return http.preflight()
    settings = state().settings
    is_form = request.mimetype == FORM
    query_request = parse_request(
        request.method,
        request.args.to_dict(flat=False),
        request.form.to_dict(flat=False) if is_form else {},
        dict(request.headers),
        request.get_data() if request.method == "POST" and not is_form else b"",
        max_query_bytes=settings.max_query_bytes,
    )
    accept = request.headers.get("Accept")
    if query_request is None:
        if negotiate.prefers_html(accept, request.args.get("format")):
            return editor(None)
        return _service_description()
    if (
        query_request.method in ("GET", "HEAD")
        and query_request.format is None
        and negotiate.prefers_html(accept)
    ):
        return editor(query_request.query)
    return _run(query_request)


def _run(query_request: QueryRequest) -> Response:
    failed = request.environ.get(ERROR_ENVIRON)
    if isinstance(failed, ThbGraphError):  # run before Flask (``web.direct``): not again
        raise failed
    st = state()
    key = answer_key_of_request()
    tag = etag_of(key) if key is not None else None
    if tag is not None:
        held = http.not_modified(tag)
        if held is not None:
            return http.allow_reads_from_anywhere(held)
    result = st.queries().run(query_request, st.settings.query_timeout_s)
    mark_answer_reusable()
    response = Response(result.body, content_type=http.content_type_of(result.media_type))
    response.headers[CACHE_HEADER] = "miss"
    response.headers["X-THB-Truncated"] = "true" if result.truncated else "false"
    response.headers["X-THB-Result-Count"] = str(result.count)
    if query_request.method in ("GET", "HEAD") and tag is not None:
        http.cacheable(response, tag)
    else:
        response.vary.add("Accept")
        response.headers["Cache-Control"] = "no-store"
    return http.allow_reads_from_anywhere(response)


def editor(query: str | None) -> Response:
    """The YASGUI query editor, with the prefixes, the examples and maybe a query in it."""
    st = state()
    lang = pages.language().lang
    examples = [e.in_language(lang) for e in load_examples(st.settings.queries_dir)]
    prefix_block = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    config = {
        "endpoint": url_for("endpoint.sparql", _external=True),
        "query": query,
        "defaultQuery": prefix_block + "\nSELECT ?class (COUNT(?s) AS ?n)\nWHERE { ?s a ?class }\n"
        "GROUP BY ?class\nORDER BY DESC(?n)\nLIMIT 25\n",
        "prefixes": PREFIXES,
        "base": st.settings.base_iri,
        "root": request.script_root,
        "lang": pages.language().lang,
        "strings": {
            key: i18n.translate(f"editor_{key}", pages.language().lang)
            for key in ("rows_per_page", "endpoint", "query", "filter", "at_line", "chart")
        },
        "yasgui": {} if lang == "en" else yasgui_words(lang),
        "examples": [
            {
                "name": e.name,
                "title": e.title,
                "description": e.description,
                "descriptionLang": e.description_language(lang),
                "query": e.query,
            }
            for e in examples
        ],
    }
    html = render_template(
        "sparql.html",
        config=config,
        examples=examples,
        yasgui=f"yasgui-{YASGUI_VERSION}",
        settings=st.settings,
        plain_title=plain_title,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response


def yasgui_words(lang: str) -> dict[str, str]:
    """The query editor's own English words -> the same in ``lang``."""
    return {
        i18n.translate(key, "en"): i18n.translate(key, lang)
        for key in i18n_pages.STRINGS
        if key.startswith("yasgui_")
    }


def _service_description() -> Response:
    st = state()
    endpoint = url_for("endpoint.sparql", _external=True)
    served = releases.served_version()

    def build() -> Graph:
        graph = service_description(st.store, st.settings, endpoint)
        for dataset in set(graph.objects(URIRef(endpoint), SD.defaultDataset)):
            releases.add_version(graph, dataset)
        return graph

    return meta.rdf_answer(f"service {served.version}", build)
