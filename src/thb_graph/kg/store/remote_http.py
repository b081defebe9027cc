"""The client side of the SPARQL 1.1 Protocol, for the remote store.

One :class:`SparqlHttpClient` per configured URL: it keeps one keep-alive connection per
thread to that host and port, and to nothing else (no redirects followed, no proxies read
from the environment). Replies are parsed here: SPARQL JSON results into rdflib terms,
N-Triples into triples, error bodies into domain errors.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from thb_graph.errors import (
    ConfigError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreUnavailableError,
)
from thb_graph.kg.store.base import LazyRows, QueryResult
from thb_graph.kg.store.terms import to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatype prefix of literals a server cannot keep, stored verbatim and read back as XSD.
VERBATIM = "urn:thb-graph:verbatim:"
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"

#: Strings, IRIs and comments: skipped when looking for keywords in a query.
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_FORM = re.compile(r"(?<![\w:?$-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$-])FROM(?![\w:-])", re.IGNORECASE)
_LINE = re.compile(r"\bline (\d+)\b")
_INTEGER = re.compile(r"^[+-]?\d+$")


def _code_only(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out."""
    return _LEXEMES.sub(" ", text)


def query_form(text: str) -> str | None:
    """The form of a query: ``select``, ``ask``, ``construct`` or ``describe`` (None if unknown)."""
    match = _FORM.search(_code_only(text))
    return match.group(1).lower() if match else None


def names_graphs(text: str) -> bool:
    """True when the query has a GRAPH pattern (comments, strings and IRIs aside)."""
    return re.search(r"(?i)\bGRAPH\b", _code_only(text)) is not None


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset (``FROM`` or ``FROM NAMED``)."""
    return _FROM.search(_code_only(text)) is not None


@dataclass
class HttpReply:
    """A reply: status, lower-cased headers and the whole body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        """The media type of the body, without parameters."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def text(self, limit: int = 600) -> str:
        """The start of the body as text, for error messages (without an echo of the query)."""
        text = self.body[:limit].decode("utf-8", "replace")
        return text.split("\n\nSPARQL query:", 1)[0].strip()


class SparqlHttpClient:
    """POSTs forms to one SPARQL endpoint URL over keep-alive connections (one per thread)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        if parts.username or parts.password:
            raise ConfigError("credentials in the SPARQL endpoint URL are not supported")
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()
        #: The Server header of the last reply ("Virtuoso/07.20..."), to use server extensions.
        self.server = ""

    def _connection(self, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) != os.getpid():
            # inherited through fork: its socket is the parent's too, so never use it here
            with self._lock:
                self._open = set()
            conn = self._local.conn = None
        if conn is not None:
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
            else:
                with self._lock:
                    self._open.add(conn)  # reconnects on its next request
            return conn, True
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=timeout)
        self._local.conn = conn
        self._local.pid = os.getpid()
        with self._lock:
            self._open.add(conn)
        return conn, False

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            with self._lock:
                self._open.discard(conn)
        self._local.conn = None

    def post(self, fields: list[tuple[str, str]], *, accept: str, timeout: float) -> HttpReply:
        """POST ``fields`` as a form (a query or an update)."""
        body = urlencode(fields).encode("utf-8")
        form = "application/x-www-form-urlencoded; charset=utf-8"
        return self.request("POST", body, content_type=form, accept=accept, timeout=timeout)

    def request(
        self,
        method: str,
        body: bytes,
        *,
        content_type: str,
        accept: str,
        timeout: float,
        params: list[tuple[str, str]] | None = None,
    ) -> HttpReply:
        """Send one request to the configured URL (``params`` added to its query string);
        retried once when a reused keep-alive connection had gone stale."""
        path = self._path
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params)
        headers = {"Content-Type": content_type, "Accept": accept, "User-Agent": "thb-graph"}
        for attempt in (1, 2):
            conn, reused = self._connection(timeout)
            try:
                conn.request(method, path, body=body, headers=headers)
                _ack_at_once(conn)
                response = conn.getresponse()
                data = response.read()
            except TimeoutError as e:
                self._drop()
                raise QueryTimeoutError(
                    f"the remote store {self.url} did not answer within {timeout:g} s"
                ) from e
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                self._drop()
                if reused and attempt == 1:
                    continue
                raise StoreUnavailableError(f"the remote store {self.url} hung up: {e}") from e
            except (OSError, http.client.HTTPException) as e:
                self._drop()
                raise StoreUnavailableError(f"cannot reach the remote store {self.url}: {e}") from e
            reply = HttpReply(
                response.status, {k.lower(): v for k, v in response.getheaders()}, data
            )
            self.server = reply.headers.get("server", self.server)
            if response.will_close:
                self._drop()
            return reply
        raise StoreUnavailableError(f"the remote store {self.url} hung up")  # pragma: no cover

    def close(self) -> None:
        """Close the connections of every thread."""
        with self._lock:
            conns, self._open = self._open, set()
        for conn in conns:
            conn.close()
        self._local.conn = None


def _ack_at_once(conn: http.client.HTTPConnection) -> None:
    """Acknowledge the reply's packets as they come (Linux's TCP_QUICKACK, which lasts a few
    packets: set for each request). Otherwise a reply of more than a few packets on a
    kept-alive connection stalls 40 ms: the server waits for an acknowledgement of its last
    packet that this side delays (measured on Virtuoso: 48 ms for a 60 KB answer, 3.7 ms with
    it)."""
    if conn.sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def raise_for_reply(reply: HttpReply, *, url: str, client_text: bool) -> None:
    """Turn a failed reply into a domain error; ``client_text`` when the text is the client's
    (a 4xx then means the query or update is wrong), not generated by the store."""
    timeout_state = reply.headers.get("x-sql-state", "")
    if timeout_state.startswith("S1T"):
        raise QueryTimeoutError(
            f"the remote store stopped the query: {reply.headers.get('x-sql-message', '')}".strip()
        )
    if 200 <= reply.status < 300:
        return
    message = reply.text()
    if reply.status in (400, 422) and client_text:
        line = _LINE.search(message)
        raise QuerySyntaxError(
            f"the remote store rejected the request: {message}",
            line=int(line.group(1)) if line else None,
        )
    if "S1T00" in message or "timed out" in message.lower():
        raise QueryTimeoutError(f"the remote store stopped the query: {message}")
    raise StoreUnavailableError(f"the remote store {url} answered {reply.status}: {message}")


def parse_reply(reply: HttpReply, form: str | None, max_rows: int | None) -> QueryResult:
    """A QueryResult from a successful query reply, by its media type."""
    mtype = reply.media_type
    if mtype in (RESULTS_JSON, "application/json"):
        return parse_results_json(reply.body, max_rows)
    if form in ("construct", "describe") or mtype in (N_TRIPLES, "text/plain", "text/turtle"):
        stop = None if max_rows is None else max_rows + 1
        triples = parse_triples(reply.body, mtype, stop_after=stop)
        if max_rows is not None and len(triples) > max_rows:
            return QueryResult(kind="graph", triples=triples[:max_rows], truncated=True)
        return QueryResult(kind="graph", triples=triples)
    raise StoreUnavailableError(f"the remote store answered in an unexpected format: {mtype}")


def parse_results_json(body: bytes, max_rows: int | None = None) -> QueryResult:
    """A SELECT or ASK result from SPARQL 1.1 Query Results JSON."""
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise StoreUnavailableError(f"the remote store sent malformed JSON results: {e}") from e
    if "boolean" in doc:
        return QueryResult(kind="ask", boolean=bool(doc["boolean"]))
    try:
        variables = tuple(doc["head"]["vars"])
        bindings = doc["results"]["bindings"]
    except (KeyError, TypeError) as e:
        raise StoreUnavailableError(
            "the remote store sent JSON results without head/results"
        ) from e
    truncated = max_rows is not None and len(bindings) > max_rows
    if truncated:
        bindings = bindings[:max_rows]
    try:
        kept = [{v: json_binding(b[v]) for v in variables if v in b} for b in bindings]
    except (AttributeError, TypeError) as e:
        raise StoreUnavailableError("the remote store sent malformed JSON bindings") from e
    return RemoteRows(variables, kept, truncated)


class RemoteRows(LazyRows):
    """The rows of a SELECT as the server's JSON bindings (repaired), turned into rdflib
    terms only when someone reads them: the endpoint writes JSON results straight from the
    bindings, which costs a tenth of making terms and writing them back."""

    def terms_of(
        self, native: Sequence[dict[str, dict[str, str]]]
    ) -> list[tuple[Node | None, ...]]:
        """The rows as rdflib terms."""
        names = self.variables
        return [tuple(json_term(b[v]) if v in b else None for v in names) for b in native]

    def json_bindings(self) -> list[dict[str, dict[str, str]]]:
        """The rows in the form of SPARQL JSON results."""
        return list(self._native)


def json_binding(value: dict[str, Any]) -> dict[str, str]:
    """One JSON result binding in the standard form, with Virtuoso's answers repaired:
    ``typed-literal`` is a literal, ``nodeID://`` names a blank node, literals kept verbatim
    read back as their XSD type (the same terms as :func:`json_term`)."""
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        if text.startswith("nodeID://"):
            return {"type": "bnode", "value": text[9:]}
        return {"type": "uri", "value": text}
    if kind == "bnode":
        return {"type": "bnode", "value": text[9:] if text.startswith("nodeID://") else text}
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        if lang:
            return {"type": "literal", "value": text, "xml:lang": str(lang)}
        datatype = value.get("datatype")
        if datatype is None or datatype == XSD + "string":
            return {"type": "literal", "value": text}
        datatype = xsd_datatype(str(datatype))
        return {"type": "literal", "value": repair_lexical(text, datatype), "datatype": datatype}
    raise StoreUnavailableError(f"the remote store sent an unknown term type: {kind!r}")


def json_term(value: dict[str, Any]) -> Node:
    """The rdflib term of one JSON result binding."""
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return BNode(text[9:]) if text.startswith("nodeID://") else URIRef(text)
    if kind == "bnode":
        return BNode(text[9:] if text.startswith("nodeID://") else text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        if lang:
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        if datatype is None or datatype == XSD + "string":
            return Literal(text)
        datatype = xsd_datatype(datatype)
        return Literal(repair_lexical(text, datatype), datatype=URIRef(datatype))
    raise StoreUnavailableError(f"the remote store sent an unknown term type: {kind!r}")


def xsd_datatype(datatype: str) -> str:
    """The XSD datatype of a literal stored verbatim, or ``datatype`` unchanged."""
    return XSD + datatype[len(VERBATIM) :] if datatype.startswith(VERBATIM) else datatype


def repair_lexical(text: str, datatype: str) -> str:
    """Undo two known lossy answers of Virtuoso 7.2, which are never valid lexical forms:
    ``xsd:boolean`` as ``1``/``0`` in JSON, and ``xsd:duration`` stored as a month count."""
    if datatype == XSD + "boolean" and text in ("1", "0"):
        return "true" if text == "1" else "false"
    if datatype == XSD + "duration" and _INTEGER.match(text):
        months = int(text)
        sign, months = ("-" if months < 0 else ""), abs(months)
        years, rest = divmod(months, 12)
        parts = (f"{years}Y" if years else "") + (f"{rest}M" if rest or not years else "")
        return f"{sign}P{parts}"
    return text


def parse_triples(
    body: bytes, media_type: str, *, stop_after: int | None = None
) -> list[tuple[Node, Node, Node]]:
    """The distinct triples of an N-Triples (or Turtle) reply, with the same repairs as JSON
    terms; with ``stop_after``, parsing stops once that many are read."""
    fmt = ox.RdfFormat.TURTLE if media_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
    parsed: dict[Any, None] = {}
    try:
        for triple in ox.parse(body, format=fmt):
            if stop_after is not None and len(parsed) >= stop_after:
                break
            parsed[triple] = None
    except SyntaxError as e:
        raise StoreUnavailableError(f"the remote store sent malformed {fmt.name}: {e}") from e
    out: list[tuple[Node, Node, Node]] = []
    for t in parsed:
        obj = t.object
        if isinstance(obj, ox.Literal) and not obj.language:
            datatype = xsd_datatype(obj.datatype.value)
            fixed = repair_lexical(obj.value, datatype)
            if fixed != obj.value or datatype != obj.datatype.value:
                obj = ox.Literal(fixed, datatype=ox.NamedNode(datatype))
        out.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(obj)))
    return out
