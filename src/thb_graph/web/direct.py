"""Answer a plain ``/sparql`` query request before Flask, as Flask would have answered it.

Why: over HTTP a small query cost about 0.5 ms more than in a bare Flask + pyoxigraph app,
and about 0.3 ms of it was Flask's own request and response handling around a view that
only forwards the request to a query worker. ``web.replay`` already answers repeated
requests before Flask; this answers the first one the same way.

Only requests whose answer Flask would build the same way come here: GET or POST (form or
``application/sparql-query``) with a query, not asking for the editor, once Flask has built
one answer of the same kind. The headers are that answer's (the security policy, CORS, the
version: what the app-wide hooks set), with the ones that belong to each answer written
here as the endpoint writes them (``web.endpoint``). Anything unusual, and every error,
goes to Flask: a request that fails here carries its error to the endpoint, which raises it
there (the query is not run twice), so errors keep their one shape (``web.errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from thb_graph.errors import ThbGraphError
from thb_graph.sparql import negotiate
from thb_graph.sparql.answer import Answer
from thb_graph.sparql.cache import etag_of
from thb_graph.sparql.protocol import FORM, QueryRequest, parse_request
from thb_graph.web import http

#: Where a request that failed here leaves its error for the endpoint to raise.
ERROR_ENVIRON = "thb_graph.direct_error"
#: Headers written for each answer; every other header comes from the template.
OWN_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "x-thb-cache",
        "x-thb-truncated",
        "x-thb-result-count",
        "etag",
        "cache-control",
        "vary",
        "date",
        "server",
    }
)
Headers = list[tuple[str, str]]


class DirectAnswers:
    """Runs plain query requests without Flask (see the module docstring)."""

    def __init__(
        self,
        run: Callable[[QueryRequest], Answer],
        *,
        max_query_bytes: int,
        max_age_s: int,
    ) -> None:
        self._run = run
        self._max_query_bytes = max_query_bytes
        self._max_age_s = max_age_s
        self._templates: dict[tuple[str, str], Headers] = {}

    def learn(self, version: str, method: str, headers: Headers) -> None:
        """Keep the headers of an answer Flask built, as the template of its kind."""
        kept = [(n, v) for n, v in headers if n.lower() not in OWN_HEADERS]
        self._templates = {(version, method): kept} | {
            k: v for k, v in self._templates.items() if k[0] == version
        }

    def answer(
        self, environ: dict[str, Any], body: bytes, key: str, version: str
    ) -> tuple[Headers, bytes] | None:
        """The headers and body of the answer, or None to let Flask answer."""
        method = environ["REQUEST_METHOD"]
        template = self._templates.get((version, method))
        if template is None or method not in ("GET", "POST"):
            return None
        try:
            request = self._parse(environ, method, body)
        except (ThbGraphError, UnicodeDecodeError):
            return None  # Flask parses it again and answers the error in its usual shape
        if request is None or (
            method == "GET" and request.format is None and negotiate.prefers_html(request.accept)
        ):
            return None  # the editor or the service description
        try:
            result = self._run(request)
        except ThbGraphError as e:
            environ[ERROR_ENVIRON] = e
            return None
        headers = [*template, *self._own_headers(result, method, key)]
        return headers, result.body

    def _parse(self, environ: dict[str, Any], method: str, body: bytes) -> QueryRequest | None:
        args = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        content_type = str(environ.get("CONTENT_TYPE", ""))
        is_form = content_type.split(";")[0].strip().lower() == FORM
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True) if is_form else {}
        headers = {"Content-Type": content_type, "Accept": str(environ.get("HTTP_ACCEPT", ""))}
        return parse_request(
            method,
            args,
            form,
            headers,
            b"" if is_form else body,
            max_query_bytes=self._max_query_bytes,
        )

    def _own_headers(self, result: Answer, method: str, key: str) -> Headers:
        headers = [
            ("Content-Type", http.content_type_of(result.media_type)),
            ("Content-Length", str(len(result.body))),
            ("X-THB-Cache", "miss"),
            ("X-THB-Truncated", "true" if result.truncated else "false"),
            ("X-THB-Result-Count", str(result.count)),
        ]
        if method == "GET":
            headers += [
                ("ETag", f'W/"{etag_of(key)}"'),
                ("Cache-Control", f"public, max-age={self._max_age_s}"),
                ("Vary", "Accept"),
            ]
        else:
            headers += [("Vary", "Accept"), ("Cache-Control", "no-store")]
        return headers
