"""The protocol layer: plain request values -> QueryRequest, and every way to get it wrong."""

from __future__ import annotations

import pytest

from thb_graph.errors import (
    BadRequestError,
    QueryRejectedError,
    TooLargeError,
    UnsupportedMediaTypeError,
    UriTooLongError,
)
from thb_graph.sparql.protocol import QueryRequest, parse_request, parse_update_request

Q = "SELECT * WHERE { ?s ?p ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query; charset=utf-8"}


def parse(
    method: str = "GET",
    args: dict[str, list[str]] | None = None,
    form: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    limit: int = 1000,
) -> QueryRequest | None:
    return parse_request(method, args or {}, form or {}, headers or {}, body, max_query_bytes=limit)


def test_get_with_query_gives_the_query() -> None:
    request = parse(args={"query": [Q]}, headers={"Accept": "text/csv"})
    assert request == QueryRequest(query=Q, accept="text/csv", method="GET")


def test_get_without_query_gives_none() -> None:
    assert parse(args={"format": ["ttl"]}) is None


def test_post_form_gives_the_query() -> None:
    request = parse("POST", form={"query": [Q]}, headers=FORM)
    assert request is not None and request.query == Q


def test_post_direct_gives_the_body_as_query() -> None:
    request = parse("POST", headers=DIRECT, body=Q.encode())
    assert request is not None and request.query == Q


def test_graph_uris_are_repeatable_and_come_from_url_and_form() -> None:
    request = parse(
        "POST",
        args={"default-graph-uri": ["http://e/a"], "named-graph-uri": ["http://e/n1"]},
        form={
            "query": [Q],
            "default-graph-uri": ["http://e/b"],
            "named-graph-uri": ["http://e/n2"],
        },
        headers=FORM,
    )
    assert request is not None
    assert request.default_graphs == ("http://e/a", "http://e/b")
    assert request.named_graphs == ("http://e/n1", "http://e/n2")


def test_direct_post_takes_graph_uris_from_the_url() -> None:
    request = parse(
        "POST", args={"default-graph-uri": ["http://e/a"]}, headers=DIRECT, body=Q.encode()
    )
    assert request is not None and request.default_graphs == ("http://e/a",)


@pytest.mark.parametrize(
    ("method", "args", "form", "headers", "body"),
    [
        ("GET", {"query": [Q, Q]}, {}, {}, b""),
        ("POST", {"query": [Q]}, {"query": [Q]}, FORM, b""),
        ("POST", {}, {"query": [Q, "ASK {}"]}, FORM, b""),
        ("POST", {"query": [Q]}, {}, DIRECT, Q.encode()),
    ],
)
def test_two_queries_are_a_bad_request(method, args, form, headers, body) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequestError, match="exactly one query"):
        parse(method, args, form, headers, body)


def test_post_form_without_query_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match="got 0"):
        parse("POST", form={}, headers=FORM)


def test_empty_query_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match="empty"):
        parse(args={"query": ["  \n"]})


@pytest.mark.parametrize(
    ("method", "args", "form", "headers"),
    [
        ("GET", {"update": ["CLEAR ALL"]}, {}, {}),
        ("POST", {}, {"update": ["CLEAR ALL"]}, FORM),
        ("POST", {}, {}, {"Content-Type": "application/sparql-update"}),
    ],
)
def test_updates_are_refused_on_the_query_endpoint(method, args, form, headers) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryRejectedError, match="does not run updates"):
        parse(method, args, form, headers, b"CLEAR ALL")


def test_post_of_another_media_type_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        parse("POST", headers={"Content-Type": "text/plain"}, body=Q.encode())


def test_post_body_that_is_not_utf8_is_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match="UTF-8"):
        parse("POST", headers=DIRECT, body=b"SELECT \xff")


def test_large_query_in_the_url_is_uri_too_long() -> None:
    with pytest.raises(UriTooLongError, match="POST it instead"):
        parse(args={"query": ["#" * 200 + Q]}, limit=100)


def test_large_query_in_a_body_is_too_large_not_uri_too_long() -> None:
    with pytest.raises(TooLargeError) as info:
        parse("POST", headers=DIRECT, body=("#" * 200 + Q).encode(), limit=100)
    assert not isinstance(info.value, UriTooLongError)


def test_query_at_the_limit_is_accepted() -> None:
    assert parse(args={"query": [Q]}, limit=len(Q)) is not None


@pytest.mark.parametrize("iri", ["", "http://e/<x>", "a b"])
def test_graph_uri_that_is_not_an_iri_is_a_bad_request(iri: str) -> None:
    with pytest.raises(BadRequestError, match="not an IRI"):
        parse(args={"query": [Q], "default-graph-uri": [iri]})


def test_format_is_read_from_url_or_form() -> None:
    request = parse("POST", args={"format": ["csv"]}, form={"query": [Q]}, headers=FORM)
    assert request is not None and request.format == "csv"


def test_conflicting_formats_are_a_bad_request() -> None:
    with pytest.raises(BadRequestError, match="format"):
        parse(args={"query": [Q], "format": ["csv", "tsv"]})


def test_other_methods_are_not_part_of_the_protocol() -> None:
    with pytest.raises(BadRequestError):
        parse("DELETE", args={"query": [Q]})


# ---- update operation ----------------------------------------------------------------

UPDATE = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
FORM_TYPE = "application/x-www-form-urlencoded"


def test_an_update_comes_from_a_form_or_a_direct_body_with_its_using_graphs() -> None:
    form = parse_update_request(
        FORM_TYPE, {}, {"update": [UPDATE], "using-graph-uri": ["urn:g", "urn:g"]}, b"",
        max_update_bytes=1000,
    )  # fmt: skip
    assert (form.update, form.using, form.using_named) == (UPDATE, ("urn:g",), ())
    direct = parse_update_request(
        "application/sparql-update", {"using-named-graph-uri": ["urn:n"]}, {},
        UPDATE.encode(), max_update_bytes=1000,
    )  # fmt: skip
    assert (direct.update, direct.using_named) == (UPDATE, ("urn:n",))


@pytest.mark.parametrize(
    ("mimetype", "args", "form", "body", "error", "words"),
    [
        (FORM_TYPE, {}, {"query": [Q]}, b"", BadRequestError, "does not run queries"),
        (FORM_TYPE, {}, {"update": [UPDATE, UPDATE]}, b"", BadRequestError, "exactly one"),
        (FORM_TYPE, {}, {"update": ["  "]}, b"", BadRequestError, "empty"),
        ("text/plain", {}, {}, UPDATE.encode(), UnsupportedMediaTypeError, "POSTed as"),
        ("application/sparql-update", {}, {}, b"\xff", BadRequestError, "not UTF-8"),
        (FORM_TYPE, {}, {"update": [UPDATE * 100]}, b"", TooLargeError, "more than the limit"),
        (
            FORM_TYPE,
            {},
            {"update": [UPDATE], "using-graph-uri": ["a b"]},
            b"",
            BadRequestError,
            "IRI",
        ),
    ],
)
def test_a_malformed_update_request_says_what_is_wrong(
    mimetype: str,
    args: dict[str, list[str]],
    form: dict[str, list[str]],
    body: bytes,
    error: type[Exception],
    words: str,
) -> None:
    with pytest.raises(error, match=words):
        parse_update_request(mimetype, args, form, body, max_update_bytes=1000)
