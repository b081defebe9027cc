"""Safe parsing of uploaded RDF (Graph Store Protocol bodies).

Everything is checked before a parser sees the bytes, because the parsers themselves are
the attack surface:

* size: more than ``max_bytes`` is a TooLargeError (413);
* nesting: Turtle brackets, JSON arrays and objects, XML elements deeper than
  ``MAX_NESTING`` are refused (deep JSON-LD crashes the native parser, deep RDF/XML takes
  quadratic time, deep blank-node nesting breaks recursive writers downstream);
* RDF/XML: no ``DOCTYPE`` or ``ENTITY`` declaration at all (entity expansion, XXE), and only
  UTF-8, so a declaration cannot hide in another encoding;
* JSON-LD: every ``@context`` must be inline (an object or null); a context given by URL,
  or an ``@import``, is refused before any JSON-LD processor could fetch it.

Syntax errors are RdfSyntaxError (400) with line and column when the format tells them.
The result is a list of rdflib triples with fresh blank nodes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox
from rdflib.term import Node

from thb_graph import formats
from thb_graph.errors import (
    BadRequestError,
    RdfSyntaxError,
    TooLargeError,
    UnsupportedMediaTypeError,
)
from thb_graph.kg.store.terms import rdf_format, to_rdflib

Triple = tuple[Node, Node, Node]

#: Deepest nesting of brackets / elements an upload may have.
MAX_NESTING = 64

#: Media types an upload may have (one graph each), with their parser format.
UPLOAD_FORMATS: dict[str, ox.RdfFormat] = {
    media_type: rdf_format(f.media_type)
    for f in formats.RDF_TRIPLES
    for media_type in (f.media_type, *f.media_aliases)
    if media_type not in ("text/plain", "application/json")  # too vague to parse as RDF
}

_XML_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_TAG = re.compile(rb"<(/?)([^>]*?)(/?)>", re.DOTALL)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def upload_format(media_type: str | None) -> ox.RdfFormat:
    """The parser format of an upload's Content-Type; UnsupportedMediaTypeError otherwise."""
    base = (media_type or "").split(";", 1)[0].strip().lower()
    fmt = UPLOAD_FORMATS.get(base)
    if fmt is None:
        accepted = ", ".join(UPLOAD_FORMATS)
        raise UnsupportedMediaTypeError(
            f"an upload is one graph in {accepted}; not {base or 'a body without Content-Type'}"
        )
    charset = _charset(media_type or "")
    if charset not in (None, "utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaTypeError(f"uploads are read as UTF-8, not {charset}")
    return fmt


def parse_upload(
    data: bytes, media_type: str | None, *, max_bytes: int, base_iri: str | None = None
) -> list[Triple]:
    """The triples of an uploaded graph, after every check of the module docstring."""
    fmt = upload_format(media_type)
    if len(data) > max_bytes:
        raise TooLargeError(f"the upload is {len(data)} bytes, more than the limit of {max_bytes}")
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(data)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_json_ld(data)
    elif fmt == ox.RdfFormat.TURTLE:
        _check_depth(_turtle_depths(data), "Turtle")
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True))
    except SyntaxError as e:
        raise _syntax_error(e, fmt, data) from e
    return [_triple(q) for q in quads]


def _triple(quad: ox.Quad) -> Triple:
    terms = (quad.subject, quad.predicate, quad.object)
    if any(isinstance(t, ox.Triple) for t in terms):
        raise BadRequestError("triple terms (RDF-star, RDF 1.2) are not accepted in uploads")
    s, p, o = (to_rdflib(t) for t in terms)
    return s, p, o


# ---- checks ---------------------------------------------------------------------------


def _check_depth(depths: Iterator[tuple[int, int]], what: str) -> None:
    """Refuse when the nesting depth ever goes past MAX_NESTING (``(depth, offset)`` pairs)."""
    for depth, offset in depths:
        if depth > MAX_NESTING:
            raise BadRequestError(
                f"{what} nested more than {MAX_NESTING} levels deep (at byte {offset}); "
                "uploads are refused beyond that"
            )


def _turtle_depths(data: bytes) -> Iterator[tuple[int, int]]:
    """Depth of ``[``/``(`` nesting, skipping strings, IRIs and comments."""
    depth = 0
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in b"[(":
            depth += 1
            yield depth, i
        elif c in b"])":
            depth = max(depth - 1, 0)
        elif c == ord("#"):
            end = data.find(b"\n", i)
            i = n if end < 0 else end
        elif c == ord("<"):
            end = data.find(b">", i)
            i = n if end < 0 else end
        elif c in b"\"'":
            i = _string_end(data, i)
        i += 1


def _string_end(data: bytes, start: int) -> int:
    """Offset of the closing quote of the Turtle string opening at ``start``."""
    quote = data[start : start + 1]
    long_quote = quote * 3
    if data.startswith(long_quote, start):
        end = data.find(long_quote, start + 3)
        while end > 0 and data[end - 1] == ord("\\"):
            end = data.find(long_quote, end + 1)
        return len(data) if end < 0 else end + 2
    i = start + 1
    while i < len(data):
        c = data[i]
        if c == ord("\\"):
            i += 2
            continue
        if c == quote[0] or c == ord("\n"):
            return i
        i += 1
    return len(data)


def _check_xml(data: bytes) -> None:
    if data.startswith(_UTF16_32_BOMS) or b"\x00" in data:
        raise BadRequestError("RDF/XML uploads must be UTF-8")
    match = _XML_DECLARATION.search(data)
    if match:
        line, column = _position(data, match.start())
        raise RdfSyntaxError(
            f"RDF/XML with a {match.group(1).decode().upper()} declaration is refused "
            f"(line {line}, column {column}): entity declarations are not accepted",
            line=line,
            column=column,
        )
    _check_depth(_xml_depths(data), "RDF/XML")


def _xml_depths(data: bytes) -> Iterator[tuple[int, int]]:
    depth = 0
    for match in _XML_TAG.finditer(data):
        closing, body, self_closing = match.groups()
        if body[:1] in (b"?", b"!"):
            continue
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing:
            depth += 1
            yield depth, match.start()


def _check_json_ld(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column = _position(data, e.start)
        raise RdfSyntaxError(
            f"JSON-LD is not UTF-8 (line {line}, column {column})", line=line, column=column
        ) from e
    _check_depth(_json_depths(text), "JSON-LD")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise RdfSyntaxError(
            f"JSON syntax error at line {e.lineno}, column {e.colno}: {e.msg}",
            line=e.lineno,
            column=e.colno,
        ) from e
    _check_contexts(document)


def _json_depths(text: str) -> Iterator[tuple[int, int]]:
    depth = 0
    in_string = escaped = False
    for i, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            yield depth, i
        elif c in "]}":
            depth = max(depth - 1, 0)


def _check_contexts(node: Any) -> None:
    """Refuse any ``@context`` that is not inline, and any ``@import``, anywhere."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    _check_context_value(value)
                elif key == "@import":
                    raise BadRequestError(
                        f"JSON-LD @import of {value!r} is refused: only inline contexts are read"
                    )
                stack.append(value)


def _check_context_value(value: Any) -> None:
    for context in value if isinstance(value, list) else [value]:
        if context is not None and not isinstance(context, dict):
            raise BadRequestError(
                f"a remote JSON-LD @context ({context!r}) is refused: nothing is fetched, "
                "put the context inline"
            )


# ---- errors ---------------------------------------------------------------------------


def _syntax_error(error: SyntaxError, fmt: ox.RdfFormat, data: bytes) -> RdfSyntaxError:
    message = str(error.msg if error.msg else error)
    line, column = error.lineno, error.offset
    if line is None and fmt == ox.RdfFormat.RDF_XML:
        line, column = _xml_error_position(data)
    where = f" (line {line}, column {column})" if line is not None else ""
    return RdfSyntaxError(f"{fmt.name} syntax error{where}: {message}", line=line, column=column)


def _xml_error_position(data: bytes) -> tuple[int | None, int | None]:
    """Where expat finds the document ill-formed (DOCTYPEs were refused before)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        return e.lineno, e.offset + 1
    return None, None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    head = data[:offset]
    line = head.count(b"\n") + 1
    column = offset - (head.rfind(b"\n") + 1) + 1
    return line, column


def _charset(media_type: str) -> str | None:
    for param in media_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None
