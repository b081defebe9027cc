"""Send one SPARQL 1.1 Protocol query to an app: through the Flask test client, or over
real HTTP to a server started on a free loopback port for the one request.

The HTTP way serves the app with Werkzeug's threaded server in this process (the app and its
fresh store live here, see ``runner``) and asks with ``requests``: real sockets, headers,
framing and character encoding. One server is started on first use and kept for the run;
it hands each request to the app of the current test (tests run one after the other).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import requests
from flask import Flask
from werkzeug.serving import make_server

Via = Literal["client", "http"]
SPARQL_QUERY = "application/sparql-query"


@dataclass(frozen=True)
class Reply:
    """Status, media type (no parameters, lower case) and body of an answer."""

    status: int
    media_type: str
    body: bytes


def post_query(
    app: Flask,
    params: Sequence[tuple[str, str]],
    query: str,
    accept: str,
    *,
    via: Via = "client",
    timeout_s: float = 60.0,
) -> Reply:
    """POST ``query`` as ``application/sparql-query`` to ``/sparql`` with ``params`` in the
    URL (``default-graph-uri``, ``named-graph-uri``)."""
    headers = {"Content-Type": SPARQL_QUERY, "Accept": accept}
    data = query.encode("utf-8")
    if via == "client":
        response = app.test_client().post(
            "/sparql", query_string=list(params), data=data, headers=headers
        )
        return Reply(response.status_code, (response.mimetype or "").lower(), response.get_data())
    server = _loopback_server()
    server.app = app
    try:
        answer = requests.post(
            server.url, params=list(params), data=data, headers=headers, timeout=timeout_s
        )
    finally:
        server.app = None
    media_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Reply(answer.status_code, media_type, answer.content)


class _LoopbackServer:
    """A threaded Werkzeug server on a free 127.0.0.1 port serving whichever app is set."""

    def __init__(self) -> None:
        self.app: Flask | None = None
        self._server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}/sparql"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _dispatch(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no test is running"]
        return self.app(environ, start_response)


_servers: list[_LoopbackServer] = []


def _loopback_server() -> _LoopbackServer:
    if not _servers:
        _servers.append(_LoopbackServer())
    return _servers[0]
