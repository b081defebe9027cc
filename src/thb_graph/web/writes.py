"""Writes: SPARQL 1.1 Update at ``/sparql/update``, the Graph Store Protocol at
``/rdf-graph-store``. Off (403) unless a write token is configured.

Both adapt Flask's request to a :class:`~thb_graph.writes.transaction.WriteJob` and hand it to
the app's :class:`~thb_graph.writes.transaction.Writer`, which plans it on a snapshot in a
killable worker process (staging, validation, inference; the write timeout stops it) and
commits it in this one. A write the shapes refuse is a 422 whose body is the validation report: the
JSON error shape (its ``errors`` name focus node, path and message, its ``report`` is the
readable text), or, when the client asks for it, the ``sh:ValidationReport`` in Turtle,
JSON-LD or N-Triples, or plain text. No CORS here: browsers of other origins never write.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from pathlib import PurePath
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import MethodNotAllowed

from thb_graph import formats
from thb_graph.errors import (
    BadRequestError,
    NotFoundError,
    ShapeViolationError,
    UnknownFormatError,
    UnsupportedMediaTypeError,
)
from thb_graph.formats import Format
from thb_graph.kg.iris import checked_iri
from thb_graph.sparql import negotiate
from thb_graph.sparql.protocol import FORM, parse_update_request
from thb_graph.web import http
from thb_graph.web.app_state import state
from thb_graph.web.auth import authorise_write, require_writes_enabled
from thb_graph.web.errors import render_error
from thb_graph.writes.transaction import (
    Operation,
    WriteJob,
    WriteOutcome,
)
from thb_graph.writes.upload import upload_format

bp = Blueprint("writes", __name__)
bp.after_request(http.secure)

_EXTENSION_KEY = "thb_graph.writes"
MULTIPART = "multipart/form-data"
_lock = threading.Lock()
#: A refused write's report: the JSON error shape, the report graph, or its text; HTML for
#: browsers (first is the default).
_REPORT_FORMATS = (
    Format("json", "application/json", "json", "JSON error", "page"),
    formats.TURTLE,
    formats.JSONLD,
    formats.NTRIPLES,
    Format("text", "text/plain", "txt", "Text", "page"),
)


# ---- SPARQL Update ----------------------------------------------------------------------


@bp.route("/sparql/update", methods=["POST", "OPTIONS"], provide_automatic_options=False)
def update() -> Response:
    """SPARQL 1.1 Protocol, update operation (POST form or ``application/sparql-update``)."""
    if request.method == "OPTIONS":
        return _options("POST, OPTIONS")
    settings = state().settings
    agent = authorise_write(settings, request.headers.get("Authorization"))
    is_form = request.mimetype == FORM
    parsed = parse_update_request(
        request.mimetype,
        request.args.to_dict(flat=False),
        request.form.to_dict(flat=False) if is_form else {},
        request.get_data() if not is_form else b"",
        max_update_bytes=settings.max_query_bytes,
    )
    text, using, using_named = parsed.update, parsed.using, parsed.using_named
    job = WriteJob("update", agent, update=text, using=using, using_named=using_named)
    outcome = state().writer().write(job)
    plan = outcome.plan
    response = jsonify(
        ok=True,
        added=plan.added,
        removed=plan.removed,
        inferred_added=plan.inferred_added,
        inferred_removed=plan.inferred_removed,
        graphs=list(plan.graphs),
        activity=plan.activity,
        version=outcome.version,
        seconds=plan.seconds,
    )
    return _written(response, outcome)


# ---- Graph Store Protocol -----------------------------------------------------------------

_GSP_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"


@bp.route(
    "/rdf-graph-store",
    methods=["GET", "PUT", "POST", "DELETE", "OPTIONS"],
    provide_automatic_options=False,
)
def graph_store() -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification."""
    if request.method == "OPTIONS":
        return _options(_GSP_METHODS)
    settings = state().settings
    require_writes_enabled(settings)
    # A POST to the store itself (neither ?graph= nor ?default) creates a graph (GSP §5.5).
    to_store = request.method == "POST" and not ({"graph", "default"} & set(request.args))
    graph = _new_graph() if to_store else _target_graph()
    if request.method in ("GET", "HEAD"):
        return _read_graph(graph)
    agent = authorise_write(settings, request.headers.get("Authorization"))
    if graph is None:
        raise MethodNotAllowed(
            valid_methods=["GET", "HEAD", "OPTIONS"],
            description="the default graph is the union of the named graphs and is never "
            "written; name a graph with ?graph=",
        )
    if request.method == "DELETE":
        job = WriteJob("delete", agent, graph=graph)
    elif request.mimetype == MULTIPART and request.method == "POST":
        job = WriteJob("post", agent, graph=graph, parts=_multipart_files())
    else:
        media_type = request.headers.get("Content-Type", "")
        upload_format(media_type)  # 415 before the body is shipped anywhere
        operation: Operation = "put" if request.method == "PUT" else "post"
        job = WriteJob(
            operation, agent, graph=graph, body=request.get_data(), media_type=media_type
        )
    outcome = state().writer().write(job)
    created = outcome.plan.created
    if to_store:
        if not created:
            raise BadRequestError("the upload holds no statement: no graph was created")
        response = jsonify(ok=True, graph=graph, added=outcome.plan.added)
        response.status_code = 201
        response.headers["Location"] = _graph_url(graph)
        return _written(response, outcome)
    response = Response(status=201 if created else 204)
    del response.headers["Content-Type"]  # no body
    if created:
        response.headers["Location"] = url_for("writes.graph_store", graph=graph, _external=True)
    return _written(response, outcome)


@bp.get("/graph/<path:rest>")
def graph_by_iri(rest: str) -> Response:
    """A named graph under the base, at its own path (direct graph identification): where
    the ``Location`` of a graph created by a POST to the store points."""
    require_writes_enabled(state().settings)
    return _read_graph(state().iris.from_local_path("graph/" + rest))


def _new_graph() -> str:
    """A fresh graph IRI under the base, readable and sortable by creation time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%S%fz")
    return state().iris.posted_graph(f"{stamp}-{secrets.token_hex(4)}")


def _graph_url(graph: str) -> str:
    """The absolute URL this server serves ``graph`` at: the graph IRI itself when the
    server is mounted at the base IRI (GSP §5.5 wants the two to be one)."""
    path = state().iris.local_path(graph) or ""
    return f"{request.host_url.rstrip('/')}{request.script_root}/{quote(path, safe='/')}"


#: Media types of a multipart part by file extension, when the part does not say.
def _multipart_files() -> tuple[tuple[str, bytes, str], ...]:
    """Every file of a multipart/form-data upload with its media type (the part's
    Content-Type, else its file extension); 400/415 before anything is parsed."""
    if request.form:
        names = ", ".join(sorted(request.form))
        raise BadRequestError(f"every part of the upload must be a file (filename=); not: {names}")
    parts = []
    for field, upload in request.files.items(multi=True):
        name = upload.filename or field
        media_type = upload.mimetype
        if media_type in ("", "application/octet-stream", "text/plain"):
            by_name = formats.find(PurePath(name).suffix, formats.RDF_TRIPLES)
            media_type = by_name.media_type if by_name is not None else media_type
        try:
            upload_format(media_type)
        except UnsupportedMediaTypeError as e:
            raise UnsupportedMediaTypeError(f"{name}: {e.message}") from e
        parts.append((name, upload.read(), media_type))
    if not parts:
        raise BadRequestError("the multipart upload holds no file")
    return tuple(parts)


def _target_graph() -> str | None:
    """The graph IRI of ``?graph=``, or None for ``?default``; 400 for anything else."""
    graphs = request.args.getlist("graph")
    has_default = "default" in request.args
    if has_default and graphs:
        raise BadRequestError("give either ?graph=IRI or ?default, not both")
    if has_default:
        return None
    if len(graphs) != 1:
        raise BadRequestError(
            "name exactly one graph: ?graph=IRI (or ?default for the default graph)"
        )
    iri = graphs[0]
    return checked_iri(iri, "graph=")


def _read_graph(graph: str | None) -> Response:
    st = state()
    fmt = request.args.get("format")
    media_type = negotiate.choose("graph", request.headers.get("Accept"), fmt)
    tag = http.etag_for(st.store.version(), "gsp", graph, media_type)
    held = http.not_modified(tag)
    if held is not None:
        return held
    if graph is not None and graph not in st.store.graph_names():
        raise NotFoundError(f"there is no graph <{graph}> in this store")
    # the default graph, as for queries, is the union of the named graphs
    body = st.store.dump(negotiate.canonical(media_type, "graph"), graph)
    content_type = f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
    response = Response(body, content_type=content_type)
    return http.cacheable(response, tag)


# ---- shared -------------------------------------------------------------------------------


def _written(response: Response, outcome: WriteOutcome) -> Response:
    plan = outcome.plan
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-THB-Added"] = str(plan.added)
    response.headers["X-THB-Removed"] = str(plan.removed)
    response.headers["X-THB-Version"] = outcome.version
    if plan.activity:
        response.headers["X-THB-Activity"] = plan.activity
    return response


def _options(methods: str) -> Response:
    """What the resource allows; deliberately no CORS headers (no cross-origin writes)."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    response.headers["Allow"] = methods
    return response


@bp.errorhandler(ShapeViolationError)
def _refused(error: ShapeViolationError) -> Response:
    """A 422 carrying the validation report in the form the client asked for."""
    report = error.report
    accept = request.headers.get("Accept")
    try:
        chosen, wanted = formats.negotiate(_REPORT_FORMATS, accept)
    except UnknownFormatError:
        chosen, wanted = _REPORT_FORMATS[0], _REPORT_FORMATS[0].media_type
    rdf_format = chosen.rdflib
    ranges = formats.parse_accept(accept)
    html = formats.quality(ranges, "text/html") if ranges else 0.0
    if html >= formats.quality(ranges, wanted) and html > 0:
        rdf_format, wanted = None, "text/html"
    if report is not None and rdf_format is not None:
        body = report.graph.serialize(format=rdf_format, encoding="utf-8")
        content_type = f"{wanted}; charset=utf-8" if wanted.startswith("text/") else wanted
        response = Response(body, status=422, content_type=content_type)
    elif report is not None and wanted == "text/plain":
        response = Response(report.text, status=422, content_type="text/plain; charset=utf-8")
    else:
        text = report.text if report is not None else None
        response = render_error(
            422, error.message, errors=[error.message, *error.details], report=text
        )
    response.headers["X-Validation-Conforms"] = "false"
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-store"
    return response
