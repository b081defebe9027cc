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

import os
import re
import threading

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import MethodNotAllowed

from thb_graph.errors import (
    BadRequestError,
    NotFoundError,
    QueryTimeoutError,
    ShapeViolationError,
    StoreError,
    TooLargeError,
    UnsupportedMediaTypeError,
)
from thb_graph.sparql import negotiate
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.protocol import FORM, SPARQL_UPDATE
from thb_graph.web import http, state
from thb_graph.web.auth import authorise_write, require_writes_enabled
from thb_graph.web.errors import render_error
from thb_graph.writes.transaction import (
    Operation,
    Plan,
    Planner,
    Rejection,
    WriteJob,
    WriteOutcome,
    Writer,
)
from thb_graph.writes.upload import upload_format

bp = Blueprint("writes", __name__)
bp.after_request(http.secure)

_EXTENSION_KEY = "thb_graph.writes"
_lock = threading.Lock()
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
#: What a refused write's report can be sent as, first is the default.
_REPORT_TYPES = {
    "application/json": None,
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": None,
}


# ---- SPARQL Update ----------------------------------------------------------------------


@bp.route("/sparql/update", methods=["POST", "OPTIONS"], provide_automatic_options=False)
def update() -> Response:
    """SPARQL 1.1 Protocol, update operation (POST form or ``application/sparql-update``)."""
    if request.method == "OPTIONS":
        return _options("POST, OPTIONS")
    settings = state().settings
    agent = authorise_write(settings, request.headers.get("Authorization"))
    text, using, using_named = _update_request(settings.max_query_bytes)
    job = WriteJob("update", agent, update=text, using=using, using_named=using_named)
    outcome = writer(current_app).write(job)
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


def _update_request(max_bytes: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    mimetype = request.mimetype
    args = request.args.to_dict(flat=False)
    if "query" in args:
        raise BadRequestError("the update endpoint does not run queries (query= given)")
    if mimetype == FORM:
        form = request.form.to_dict(flat=False)
        if "query" in form:
            raise BadRequestError("the update endpoint does not run queries (query= given)")
        updates = [*args.get("update", ()), *form.get("update", ())]
        using = [*args.get("using-graph-uri", ()), *form.get("using-graph-uri", ())]
        named = [*args.get("using-named-graph-uri", ()), *form.get("using-named-graph-uri", ())]
    elif mimetype == SPARQL_UPDATE:
        try:
            updates = [request.get_data().decode("utf-8"), *args.get("update", ())]
        except UnicodeDecodeError as e:
            raise BadRequestError(f"the update is not UTF-8 text (byte {e.start})") from e
        using = args.get("using-graph-uri", [])
        named = args.get("using-named-graph-uri", [])
    else:
        raise UnsupportedMediaTypeError(
            f"an update is POSTed as {SPARQL_UPDATE} or {FORM}, not {mimetype or 'nothing'}"
        )
    if len(updates) != 1:
        raise BadRequestError(f"exactly one update per request, got {len(updates)}")
    text = updates[0]
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise TooLargeError(f"the update is {size} bytes, more than the limit of {max_bytes}")
    if not text.strip():
        raise BadRequestError("the update is empty")
    return text, _iris("using-graph-uri", using), _iris("using-named-graph-uri", named)


def _iris(name: str, values: list[str]) -> tuple[str, ...]:
    for value in values:
        if not _ABSOLUTE_IRI.match(value):
            raise BadRequestError(f"{name} is not an absolute IRI: {value!r}")
    return tuple(dict.fromkeys(values))


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
    graph = _target_graph()
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
    else:
        media_type = request.headers.get("Content-Type", "")
        upload_format(media_type)  # 415 before the body is shipped anywhere
        operation: Operation = "put" if request.method == "PUT" else "post"
        job = WriteJob(
            operation, agent, graph=graph, body=request.get_data(), media_type=media_type
        )
    outcome = writer(current_app).write(job)
    created = outcome.plan.created
    response = Response(status=201 if created else 204)
    del response.headers["Content-Type"]  # no body
    if created:
        response.headers["Location"] = url_for("writes.graph_store", graph=graph, _external=True)
    return _written(response, outcome)


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
    if not _ABSOLUTE_IRI.match(iri):
        raise BadRequestError(f"graph= is not an absolute IRI: {iri!r}")
    return iri


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
    body = st.store.dump(negotiate.canonical(media_type), graph)
    content_type = f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
    response = Response(body, content_type=content_type)
    return http.cacheable(response, tag)


# ---- shared -------------------------------------------------------------------------------


def writer(app: Flask) -> Writer:
    """The Writer of this app in this process (made on first use; after a fork, anew)."""
    found: tuple[int, Writer] | None = app.extensions.get(_EXTENSION_KEY)
    if found is not None and found[0] == os.getpid():
        return found[1]
    with _lock:
        found = app.extensions.get(_EXTENSION_KEY)
        if found is None or found[0] != os.getpid():
            st = app.extensions["thb_graph"]
            timeout = st.settings.write_timeout_s

            # Planning works on a snapshot and never opens the store. Beside an on-disk
            # store the worker comes from a clean fork server (a fork of this threaded
            # process could inherit a lock some other thread holds); an in-memory store
            # lives only here, and a fork is ready at once.
            on_disk = getattr(st.store, "path", None) is not None

            def isolate(planner: Planner) -> Planner:
                pool: Executor[WriteJob, Plan | Rejection] = Executor(
                    planner,
                    size=1,
                    max_jobs=50,
                    start="forkserver" if on_disk else "fork",
                    preload=("thb_graph.writes.transaction",),
                )
                return lambda job: _planned(pool, job, timeout)

            found = (os.getpid(), Writer(st.settings, st.store, isolate=isolate, timeout=timeout))
            app.extensions[_EXTENSION_KEY] = found
    return found[1]


def _planned(
    pool: Executor[WriteJob, Plan | Rejection], job: WriteJob, timeout: float
) -> Plan | Rejection:
    try:
        return pool.run(job, timeout)
    except QueryTimeoutError as e:
        raise QueryTimeoutError(
            f"the write was stopped after {timeout:g} s (staging, validation and inference); "
            "nothing was changed"
        ) from e
    except StoreError as e:  # the same class: a lost worker stays a 503
        raise type(e)(f"the write failed unexpectedly; nothing was changed ({e})") from e


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
    ranges = negotiate.parse_accept(request.headers.get("Accept"))
    wanted = max(_REPORT_TYPES, key=lambda t: negotiate.quality(ranges, t) if ranges else 0)
    html = negotiate.quality(ranges, "text/html") if ranges else 0.0
    rdf_format = _REPORT_TYPES[wanted]
    if html >= negotiate.quality(ranges, wanted) and html > 0:
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
