"""Short links to queries: ``POST /q`` keeps a query and answers its link, ``/q/<key>``
opens it.

The query editor's "Link to this query" uses these for any query that is not one of the
named examples (those have ``/sparql?example=NAME``), so a link fits in a message or a
footnote. A browser opening a link gets the editor with the query in it; any other client
gets the query text itself (``application/sparql-query``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from thb_graph.errors import BadRequestError, NotFoundError
from thb_graph.sparql import negotiate
from thb_graph.sparql.links import SharedQueries
from thb_graph.sparql.protocol import FORM, decode_query
from thb_graph.web import http
from thb_graph.web.app_state import state
from thb_graph.web.endpoint import editor

bp = Blueprint("links", __name__)
bp.after_request(http.secure)

QUERY_TYPE = "application/sparql-query"


@bp.post("/q")
def make_link() -> tuple[Response, int, dict[str, str]]:
    """Keep the query of the body (``query=`` form field, or the query text) -> its link."""
    table = _table()
    if request.mimetype == FORM:
        found = request.form.getlist("query")
        if len(found) != 1:
            raise BadRequestError("give exactly one query= field")
        query = found[0]
    elif request.mimetype == QUERY_TYPE:
        query = decode_query(request.get_data())
    else:
        raise BadRequestError(
            f"send the query as {FORM} (query=...) or as {QUERY_TYPE}, "
            f"not {request.mimetype or 'no content type'}"
        )
    key = table.keep(query)
    link = url_for("links.open_link", key=key, _external=True)
    body = jsonify({"ok": True, "key": key, "link": link})
    return body, 201, {"Location": link, "Cache-Control": "no-store"}


@bp.get("/q/<key>")
def open_link(key: str) -> Response:
    """The editor holding the linked query for a browser; the query text for anyone else."""
    query = _table().find(key)
    if query is None:
        raise NotFoundError(f"no shared query has the link {key!r}")
    if negotiate.prefers_html(request.headers.get("Accept"), request.args.get("format")):
        return editor(query)
    response = Response(query, content_type=f"{QUERY_TYPE}; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=86400"  # a key never changes query
    return http.allow_reads_from_anywhere(response)


def _table() -> SharedQueries:
    table = state().links()
    if table is None:
        raise NotFoundError("short query links are turned off on this server")
    return table
