"""The SPARQL 1.1 Protocol, query operation: plain request values -> a :class:`QueryRequest`.

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
            queries = [_decode(body), *args.get("query", ())]
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


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequestError(f"the query is not UTF-8 text (byte {e.start})") from e
