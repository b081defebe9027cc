"""The ``/sparql`` endpoint: adapts Flask's request and response to ``thb_graph.sparql``.

GET, POST and HEAD run a query (through the process pool of ``sparql.executor``; a
repeated identical request is answered from a cache keyed by the store version); OPTIONS
answers CORS preflights. Without a query, a browser gets the query editor and any other
client the SPARQL service description. A browser following a shared link
(``/sparql?query=...``, no ``format=``) gets the editor with that query in it.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import partial

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from thb_graph.errors import ThbGraphError
from thb_graph.kg.queries import load_examples
from thb_graph.namespaces import PREFIXES
from thb_graph.pages.answers import plain_title
from thb_graph.sparql import negotiate
from thb_graph.sparql.answer import Answer, AnswerFromDisk, answer
from thb_graph.sparql.cache import ResultCache, cache_key
from thb_graph.sparql.describe import service_description
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.protocol import FORM, QueryRequest, parse_request
from thb_graph.web import http, i18n, meta, pages, state
from thb_graph.web.replay import VERSION_KEY

bp = Blueprint("endpoint", __name__)
bp.before_app_request(http.start_timer)
bp.after_app_request(http.finish)
bp.after_request(http.secure)

#: The vendored YASGUI release (see scripts/vendor-yasgui.sh).
YASGUI_VERSION = "4.6.2"
_EXTENSION_KEY = "thb_graph.endpoint"
_CACHE_KEY = "thb_graph.endpoint.cache"
_lock = threading.Lock()
log = logging.getLogger(__name__)


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
    st = state()
    version = request.environ.get(VERSION_KEY) or st.store.version()
    tag = http.etag_for(
        version,
        query_request.query,
        query_request.default_graphs,
        query_request.named_graphs,
        query_request.accept,
        query_request.format,
    )
    held = http.not_modified(tag)
    if held is not None:
        return http.allow_reads_from_anywhere(held)
    cache = answer_cache(current_app)
    key = cache_key(
        version,
        query_request.query,
        f"{query_request.accept}\x1f{query_request.format}",
        query_request.default_graphs,
        query_request.named_graphs,
        st.settings.max_result_rows,
    )
    result = cache.get(key)
    if result is None:
        result = executor(current_app).run(query_request, st.settings.query_timeout_s)
        cache.put(key, result)
        hit = "miss"
    else:
        hit = "hit"
    response = Response(result.body, content_type=_content_type(result.media_type))
    response.headers["X-THB-Cache"] = hit
    response.headers["X-THB-Truncated"] = "true" if result.truncated else "false"
    response.headers["X-THB-Result-Count"] = str(result.count)
    if query_request.method in ("GET", "HEAD"):
        http.cacheable(response, tag)
    else:
        response.vary.add("Accept")
        response.headers["Cache-Control"] = "no-store"
    return http.allow_reads_from_anywhere(response)


def executor(app: Flask) -> Executor[QueryRequest, Answer]:
    """The query process pool of this app in this process (made on first use, after a fork
    of the server process a new one)."""
    pool: Executor[QueryRequest, Answer] | None = app.extensions.get(_EXTENSION_KEY)
    if pool is not None and pool.owner_pid == os.getpid():
        return pool
    with _lock:
        pool = app.extensions.get(_EXTENSION_KEY)
        if pool is None or pool.owner_pid != os.getpid():
            st = app.extensions["thb_graph"]
            store, max_rows = st.store, st.settings.max_result_rows
            path = getattr(store, "path", None) if store.backend == "oxigraph" else None
            if path is not None:  # workers open the files themselves (see sparql.executor)
                pool = Executor(
                    AnswerFromDisk(str(path), max_rows),
                    size=st.settings.workers,
                    version=store.version,
                    start="forkserver",
                    preload=("thb_graph.sparql.answer", "thb_graph.kg.store.oxigraph"),
                )
            else:
                target = partial(answer, store, max_rows=max_rows)
                pool = Executor(target, size=st.settings.workers, version=store.version)
            app.extensions[_EXTENSION_KEY] = pool
            threading.Thread(target=_prestart, args=(pool,), daemon=True).start()
    return pool


def _prestart(pool: Executor[QueryRequest, Answer]) -> None:
    try:
        pool.prestart()
    except ThbGraphError as e:  # the first query will say what is wrong
        log.warning("could not start a query worker ahead of time: %s", e.message)


class AnswerCache(ResultCache[Answer]):
    """Answers of repeated identical requests, weighed by their body size."""

    @staticmethod
    def size_of(value: object) -> int:
        """The size of an answer's body."""
        return len(value.body) if isinstance(value, Answer) else 1


def answer_cache(app: Flask) -> AnswerCache:
    """The answer cache of this app (keys start with the store version, so a write makes
    old answers unreachable)."""
    cache: AnswerCache | None = app.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = app.extensions.setdefault(_CACHE_KEY, AnswerCache())
    return cache


def editor(query: str | None) -> Response:
    """The YASGUI query editor, with the prefixes, the examples and maybe a query in it."""
    st = state()
    examples = load_examples(st.settings.queries_dir)
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
            for key in ("rows_per_page", "endpoint", "query", "filter", "at_line")
        },
        "examples": [
            {"name": e.name, "title": e.title, "description": e.description, "query": e.query}
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


def _service_description() -> Response:
    st = state()
    endpoint = url_for("endpoint.sparql", _external=True)
    return meta.rdf_answer("service", lambda: service_description(st.store, st.settings, endpoint))


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
