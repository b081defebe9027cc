"""The one table from domain errors to HTTP statuses, and the one error body shape.

Every error answer is ``{"ok": false, "status": N, "error": "...", "errors": [...]}`` (plus
``line``/``column`` when known) as JSON, or ``error.html`` for browsers.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from thb_graph import errors as e

log = logging.getLogger(__name__)

#: Domain error -> HTTP status. The first matching class (most specific first) wins.
STATUS_TABLE: list[tuple[type[e.ThbGraphError], int]] = [
    (e.QuerySyntaxError, 400),
    (e.RdfSyntaxError, 400),
    (e.QueryRejectedError, 400),
    (e.BadRequestError, 400),
    (e.AuthenticationError, 401),
    (e.ForbiddenError, 403),
    (e.NotFoundError, 404),
    (e.UnknownFormatError, 406),
    (e.UriTooLongError, 414),
    (e.TooLargeError, 413),
    (e.UnsupportedMediaTypeError, 415),
    (e.ShapeViolationError, 422),
    (e.ConfigError, 500),
    (e.StoreUnavailableError, 502),
    (e.WorkerLostError, 503),
    (e.StorageFullError, 507),
    (e.LinksFullError, 507),
    (e.OverloadedError, 503),
    (e.StoreError, 500),
]


def status_for(error: e.ThbGraphError) -> int:
    """The HTTP status of a domain error."""
    for cls, status in STATUS_TABLE:
        if isinstance(error, cls):
            return status
    return 500


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body shared by every error answer."""
    errors = extra.pop("errors", None) or [message]
    body: dict[str, Any] = {"ok": False, "status": status, "error": message, "errors": errors}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def wants_html() -> bool:
    """True when the client is a browser that prefers HTML over JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > 0


def render_error(status: int, message: str, **extra: Any) -> Response:
    """An error answer in HTML for browsers, JSON for everyone else."""
    body = error_body(status, message, **extra)
    if wants_html():
        html = render_template("error.html", error=body)
        resp = Response(html, status=status, mimetype="text/html")
    else:
        from flask import json

        resp = Response(json.dumps(body), status=status, mimetype="application/json")
    resp.headers["Vary"] = "Accept"
    return resp


def _domain_error(error: e.ThbGraphError) -> Response:
    status = status_for(error)
    extra: dict[str, Any] = {"errors": [error.message, *error.details]}
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    if line is not None:
        extra["line"] = line
    if column is not None:
        extra["column"] = column
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.path, error.message)
    message = error.message if status < 500 or status in (502, 503, 507) else "internal error"
    resp = render_error(status, message, **extra)
    report = getattr(error, "report", None)
    if report is not None and hasattr(report, "text"):
        resp.headers["X-Validation-Conforms"] = "false"
    if isinstance(error, e.ServerBusyError):
        resp.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, e.AuthenticationError):
        resp.headers["WWW-Authenticate"] = 'Bearer realm="thb-graph writes"'
    return resp


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    resp = render_error(status, error.description or error.name)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        resp.headers["Allow"] = ", ".join(error.valid_methods)
    return resp


def _unexpected(error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path, exc_info=error)
    return render_error(500, "internal error")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers that turn every exception into the one error shape."""
    app.register_error_handler(e.ThbGraphError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
