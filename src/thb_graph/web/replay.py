"""Replay the answer of a repeated ``/sparql`` request before Flask sees it.

Even a cached answer would go through Flask's request parsing, routing, hooks and response
building: measured over HTTP under gunicorn, about 0.6 ms per repeated query. This WSGI
layer reads the application's one answer cache (``sparql.cache.AnswerCache``): a request
whose key (the store version and everything in the request that can change the answer:
method, path, query string, body, content type, ``Accept``, host) is there is answered at
once, with its access log line. The key is left in the WSGI environ, where the endpoint
finds it for the ETag and :func:`keep_answer` for storing the finished answer. The store
version moves on with every write, so a replayed answer is never older than the data.

Anything else goes to Flask unchanged: other paths, HEAD and OPTIONS, conditional requests
(``If-None-Match``, ``If-Modified-Since``, answered 304 by Flask), bodies without a
``Content-Length`` or larger than the configured body limit (Flask refuses those), and every
answer that is not a query's ``200`` (errors, the editor, the service description).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, g, request

from thb_graph.errors import ThbGraphError
from thb_graph.kg.store.base import Store
from thb_graph.sparql.cache import AnswerCache, StoredAnswer, answer_key
from thb_graph.web.direct import DirectAnswers

log = logging.getLogger("thb_graph.access")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Where the key of the request's answer is left for the endpoint and ``keep_answer``.
KEY_ENVIRON = "thb_graph.answer_key"
#: The header every query answer carries: ``miss`` when computed, ``hit`` when replayed.
CACHE_HEADER = "X-THB-Cache"
_PATH = "/sparql"
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


class AnswerReplay:
    """WSGI middleware around the Flask app: see the module docstring."""

    def __init__(
        self,
        app: WsgiApp,
        answers: AnswerCache,
        store: Store,
        *,
        max_body_bytes: int,
        direct: DirectAnswers | None = None,
    ) -> None:
        self.app = app
        self.answers = answers
        self.store = store
        self.max_body_bytes = max_body_bytes
        self.direct = direct

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Answer from the cache when the request's answer is there, else through the app."""
        body = self._body_of(environ)
        if body is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        if body:
            environ["wsgi.input"] = io.BytesIO(body)
        try:
            version = self.store.version()
            key = answer_key(version, _fields(environ), body)
        except ThbGraphError:  # the store is unreachable: Flask answers with the error
            return self.app(environ, start_response)
        environ[KEY_ENVIRON] = key
        if environ["REQUEST_METHOD"] in ("GET", "POST") and not _conditional(environ):
            found = self.answers.get(key)
            if found is None and self.direct is not None:
                direct = self.direct.answer(environ, body, key, version)
                if direct is not None:
                    headers, payload = direct
                    found = _stored("200 OK", headers, payload)
                    self.answers.put(key, found)
                    start_response(found.status, headers)
                    _log(environ, found.status, started, len(payload))
                    return [payload]
            if found is not None:
                start_response(found.status, list(found.headers))
                _log(environ, found.status, started, len(found.body))
                return [found.body]
        return self.app(environ, start_response)

    def keep(self, response: Response) -> Response:
        """Store a finished, reusable ``200`` answer (an app-wide hook that runs last), and
        let ``direct`` learn the headers of its kind."""
        stored = _keep(self.answers, response)
        if stored is not None and self.direct is not None:
            self.direct.learn(self.store.version(), request.method, list(stored.headers))
        return response

    def _body_of(self, environ: dict[str, Any]) -> bytes | None:
        """The request body when the answer has a key (``b""`` for a GET), else None."""
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != _PATH or method not in ("GET", "HEAD", "POST"):
            return None
        if method != "POST":
            return b""
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if length < 0 or length > self.max_body_bytes:
            return None
        return environ["wsgi.input"].read(length)  # type: ignore[no-any-return]


def answer_key_of_request() -> str | None:
    """The key :class:`AnswerReplay` gave the current request (None when it has none)."""
    key = request.environ.get(KEY_ENVIRON)
    return key if isinstance(key, str) else None


def mark_answer_reusable() -> None:
    """Say that the current request's answer is complete and may be replayed."""
    g.thb_answer_reusable = True


def _keep(answers: AnswerCache, response: Response) -> StoredAnswer | None:
    key = answer_key_of_request()
    if (
        key is None
        or not g.get("thb_answer_reusable")
        or response.status_code != 200
        or request.method not in ("GET", "POST")
        or _conditional(request.environ)
        or response.is_streamed
    ):
        return None
    body = response.get_data()
    headers = list(response.headers.items())
    if not any(n.lower() == "content-length" for n, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    stored = _stored(response.status, headers, body)
    answers.put(key, stored)
    return stored


def _stored(status: str, headers: list[tuple[str, str]], body: bytes) -> StoredAnswer:
    """The answer as it is replayed: the same, marked as a cache hit."""
    marked = tuple((n, "hit" if n == CACHE_HEADER else v) for n, v in headers)
    return StoredAnswer(status, marked, body)


def _fields(environ: dict[str, Any]) -> list[str]:
    """The request fields of the key, in the order of ``sparql.cache.KEY_FIELDS``; a HEAD
    has the key of its GET, so both carry the same ETag."""
    method = environ.get("REQUEST_METHOD", "")
    return [
        "GET" if method == "HEAD" else str(method),
        str(environ.get("SCRIPT_NAME", "")),
        str(environ.get("QUERY_STRING", "")),
        str(environ.get("CONTENT_TYPE", "")),
        str(environ.get("HTTP_ACCEPT", "")),
        str(environ.get("HTTP_HOST", "")),
        str(environ.get("wsgi.url_scheme", "")),
    ]


def _conditional(environ: dict[str, Any]) -> bool:
    return any(environ.get(h) for h in _CONDITIONAL)


def _log(environ: dict[str, Any], status: str, started: float, size: int) -> None:
    """The access log line Flask's hook writes for the requests it answers."""
    query = environ.get("QUERY_STRING", "")
    path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
    log.info(
        '%s "%s %s" %s %.1fms %s',
        environ.get("REMOTE_ADDR") or "-",
        environ.get("REQUEST_METHOD"),
        path,
        status.split(" ", 1)[0],
        (time.perf_counter() - started) * 1000,
        size,
    )
