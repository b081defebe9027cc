"""The SPARQL 1.1 Protocol: plain request values -> a :class:`QueryRequest` or an
:class:`UpdateRequest`.

Knows nothing of any web framework: the caller passes the method, the URL parameters, the
form fields, the headers and the raw body. Three ways in (SPARQL 1.1 Protocol §2.1):
GET with ``query=``, POST of a form with ``query=``, POST of ``application/sparql-query``.
``default-graph-uri`` and ``named-graph-uri`` are repeatable and come from the URL or the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from thb_graph.errors import (
    BadRequestError,
    QueryRejectedError,
    TooLargeError,
    UnsupportedMediaTypeError,
    UriTooLongError,
)
from thb_graph.kg.iris import checked_iri

Params = Mapping[str, Sequence[str]]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    """One query as the protocol delivered it, before any guard has looked at it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = ""
    format: str | None = None
    method: str = "GET"


def parse_request(
    method: str,
    args: Params,
    form: Params,
    headers: Mapping[str, str],
    body: bytes,
    *,
    max_query_bytes: int,
) -> QueryRequest | None:
    """The query request, or None when a GET carries no query (the caller then describes
    the service). Raises BadRequestError, QueryRejectedError (an update), TooLargeError (413),
    UriTooLongError (414) or UnsupportedMediaTypeError (415)."""
    method = method.upper()
    lower = {k.lower(): v for k, v in headers.items()}
    accept = lower.get("accept", "")
    if method in ("GET", "HEAD"):
        form = {}
        queries = list(args.get("query", ()))
        if "update" in args:
            raise QueryRejectedError("the query endpoint does not run updates (update= given)")
        if not queries:
            return None
    elif method == "POST":
        content_type = lower.get("content-type", "").split(";")[0].strip().lower()
        if content_type == SPARQL_QUERY:
            form = {}
            queries = [decode_query(body), *args.get("query", ())]
        elif content_type == FORM:
            queries = [*args.get("query", ()), *form.get("query", ())]
            if "update" in form or "update" in args:
                raise QueryRejectedError("the query endpoint does not run updates (update= given)")
        elif content_type == SPARQL_UPDATE:
            raise QueryRejectedError("the query endpoint does not run updates")
        else:
            raise UnsupportedMediaTypeError(
                f"a query is POSTed as {SPARQL_QUERY} or {FORM}, not {content_type or 'nothing'}"
            )
    else:
        raise BadRequestError(f"method {method} is not part of the query protocol")
    if len(queries) != 1:
        raise BadRequestError(f"exactly one query per request, got {len(queries)}")
    query = queries[0]
    size = len(query.encode("utf-8"))
    if size > max_query_bytes:
        message = f"the query is {size} bytes, more than the limit of {max_query_bytes}"
        if method in ("GET", "HEAD"):
            raise UriTooLongError(message + "; POST it instead")
        raise TooLargeError(message)
    if not query.strip():
        raise BadRequestError("the query is empty")
    formats = [*args.get("format", ()), *form.get("format", ())]
    if len(set(formats)) > 1:
        raise BadRequestError("format= given more than once with different values")
    return QueryRequest(
        query=query,
        default_graphs=_iris(args, form, "default-graph-uri"),
        named_graphs=_iris(args, form, "named-graph-uri"),
        accept=accept,
        format=formats[0] if formats else None,
        method=method,
    )


def _iris(args: Params, form: Params, name: str) -> tuple[str, ...]:
    values = [*args.get(name, ()), *form.get(name, ())]
    return tuple(dict.fromkeys(checked_iri(value, name) for value in values))


def decode_query(body: bytes) -> str:
    """A query or update sent as the request body, as text (it must be UTF-8)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequestError(f"the query is not UTF-8 text (byte {e.start})") from e


@dataclass(frozen=True)
class UpdateRequest:
    """One update operation of the protocol (§2.2): the text and its USING graphs."""

    update: str
    using: tuple[str, ...]
    using_named: tuple[str, ...]


def parse_update_request(
    mimetype: str,
    args: Params,
    form: Params,
    body: bytes,
    *,
    max_update_bytes: int,
) -> UpdateRequest:
    """The update of a POST (a form with ``update=``, or ``application/sparql-update``).

    Raises BadRequestError (a query, no update or two), UnsupportedMediaTypeError,
    TooLargeError.
    """
    if "query" in args or "query" in form:
        raise BadRequestError("the update endpoint does not run queries (query= given)")
    if mimetype == FORM:
        updates = [*args.get("update", ()), *form.get("update", ())]
        using = [*args.get("using-graph-uri", ()), *form.get("using-graph-uri", ())]
        named = [*args.get("using-named-graph-uri", ()), *form.get("using-named-graph-uri", ())]
    elif mimetype == SPARQL_UPDATE:
        try:
            updates = [body.decode("utf-8"), *args.get("update", ())]
        except UnicodeDecodeError as e:
            raise BadRequestError(f"the update is not UTF-8 text (byte {e.start})") from e
        using = list(args.get("using-graph-uri", ()))
        named = list(args.get("using-named-graph-uri", ()))
    else:
        raise UnsupportedMediaTypeError(
            f"an update is POSTed as {SPARQL_UPDATE} or {FORM}, not {mimetype or 'nothing'}"
        )
    if len(updates) != 1:
        raise BadRequestError(f"exactly one update per request, got {len(updates)}")
    text = updates[0]
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_update_bytes:
        raise TooLargeError(
            f"the update is {size} bytes, more than the limit of {max_update_bytes}"
        )
    if not text.strip():
        raise BadRequestError("the update is empty")
    return UpdateRequest(
        text,
        tuple(dict.fromkeys(checked_iri(v, "using-graph-uri") for v in using)),
        tuple(dict.fromkeys(checked_iri(v, "using-named-graph-uri") for v in named)),
    )
