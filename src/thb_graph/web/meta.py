"""Metadata views: the VoID/DCAT description at ``/.well-known/void`` and ``/health``.

The SPARQL service description is served by the endpoint itself (GET ``/sparql`` without a
query, asking for RDF) through :func:`rdf_answer`, shared with the VoID view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request, url_for
from rdflib import Graph
from rdflib.namespace import VOID
from werkzeug.routing import BuildError

from thb_graph import formats
from thb_graph.kg.store.base import QueryResult
from thb_graph.sparql import negotiate, results
from thb_graph.sparql.describe import void_description
from thb_graph.web import http, releases
from thb_graph.web.app_state import state

bp = Blueprint("meta", __name__)
bp.after_request(http.secure)


def rdf_answer(kind_key: str, build: Callable[[], Graph]) -> Response:
    """A graph answer in the negotiated RDF type, ETagged by store version (304 when held)."""
    st = state()
    version = st.store.version()
    fmt = request.values.get("format")
    media_type = negotiate.choose("graph", request.headers.get("Accept"), fmt)
    tag = http.etag_for(version, kind_key, request.host_url, media_type)
    cached = http.not_modified(tag)
    if cached is not None:
        return http.allow_reads_from_anywhere(cached)
    graph = build()
    body = results.serialise(
        QueryResult(kind="graph", triples=list(graph)), negotiate.canonical(media_type, "graph")
    )
    response = Response(body, content_type=http.content_type_of(media_type))
    http.cacheable(response, tag)
    return http.allow_reads_from_anywhere(response)


def dump_urls() -> dict[str, str]:
    """Absolute URLs of the whole-graph dumps, by media type."""
    urls = {}
    for fmt in formats.DUMPS:
        ext = fmt.extension
        try:
            urls[fmt.media_type] = url_for("downloads.dump", fmt=ext, _external=True)
        except BuildError:
            urls[fmt.media_type] = f"{request.host_url}download/thb-graph.{ext}"
    return urls


@bp.route("/.well-known/void", methods=["GET", "OPTIONS"], provide_automatic_options=False)
def void() -> Response:
    """The VoID/DCAT description of the dataset."""
    if request.method == "OPTIONS":
        return http.preflight("GET, HEAD, OPTIONS")
    st = state()
    endpoint = url_for("endpoint.sparql", _external=True)
    served = releases.served_version()

    def build() -> Graph:
        graph = void_description(st.store, st.settings, endpoint, dump_urls())
        for dataset in set(graph.subjects(VOID.sparqlEndpoint, None)):
            releases.add_version(graph, dataset)
        return graph

    return rdf_answer(f"void {served.version}", build)


@bp.route("/health")
def health() -> Response:
    """Liveness and readiness: the store answers, with its size and version."""
    st = state()
    response = jsonify(
        ok=True,
        store=st.store.backend,
        version=st.store.version(),
        graphs=len(st.store.graph_names()),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
