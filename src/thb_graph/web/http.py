"""HTTP hygiene shared by the endpoint and metadata views.

One log line per request (method, path, status, duration, size), ``nosniff`` on every
answer, a Content-Security-Policy with ``frame-ancestors`` on every answer (unless a view
set its own), CORS for reads (any origin, never credentials), weak ETags derived from
the store version with 304 on ``If-None-Match``, and ``Cache-Control``.
"""

from __future__ import annotations

import hashlib
import logging
import time

from flask import Response, g, request

log = logging.getLogger("thb_graph.access")

#: The policy of the query editor and the metadata answers: nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
READ_METHODS = "GET, HEAD, POST, OPTIONS"
EXPOSED = "ETag, Content-Length, X-THB-Truncated, X-THB-Result-Count, X-THB-Cache, Vary"
#: Cache lifetime of answers that depend only on the store content (revalidated by ETag).
MAX_AGE_S = 60


def content_type_of(media_type: str) -> str:
    """The Content-Type of an answer in ``media_type`` (text in UTF-8, said so)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def start_timer() -> None:
    """Remember when the request started (``before_app_request``)."""
    g.thb_started = time.perf_counter()


def finish(response: Response) -> Response:
    """Log the request and set headers every answer gets (``after_app_request``)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    secure(response)  # every page, whichever blueprint served it (a view may set its own)
    started = g.get("thb_started")
    took_ms = (time.perf_counter() - started) * 1000 if started is not None else -1.0
    size = response.calculate_content_length()
    log.info(
        '%s "%s %s" %s %.1fms %s',
        request.remote_addr or "-",
        request.method,
        request.full_path.rstrip("?"),
        response.status_code,
        took_ms,
        "-" if size is None else size,
    )
    return response


def secure(response: Response) -> Response:
    """Add the security policy of pages served by the endpoint and metadata views."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def allow_reads_from_anywhere(response: Response) -> Response:
    """CORS for a read: any origin, no credentials, the protocol headers visible."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def preflight(methods: str = READ_METHODS) -> Response:
    """The answer to OPTIONS: what the resource allows, and CORS for reads."""
    response = Response(status=204)
    response.headers["Allow"] = methods
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
    response.headers["Access-Control-Max-Age"] = "86400"
    return allow_reads_from_anywhere(response)


def etag_for(*parts: object) -> str:
    """A short, stable tag for an answer determined by ``parts`` (store version first)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:32]


def not_modified(tag: str) -> Response | None:
    """A 304 when the client already holds ``tag`` (GET and HEAD only), else None."""
    if request.method not in ("GET", "HEAD") or not request.if_none_match.contains_weak(tag):
        return None
    response = Response(status=304)
    cacheable(response, tag)
    return response


def cacheable(response: Response, tag: str, *, max_age: int = MAX_AGE_S) -> Response:
    """Mark a read answer cacheable for ``max_age`` seconds, revalidated by its weak ETag."""
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.vary.add("Accept")
    return response
