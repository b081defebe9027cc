"""What the page blueprints share: the language of a request, format negotiation, rendering
with the interface strings, and RDF answers.

Content negotiation (one pattern, used on every entity IRI, ``/resource`` and ``/ontology``):
the IRI is served **directly**, with no 303 redirect. The representation is chosen by, in
order, ``?format=`` (``html``, ``ttl``/``turtle``, ``jsonld``/``json-ld``, ``nt``/``ntriples``,
``rdf``/``xml``, ``csv`` where a table exists, or a media type), then a file extension on the
path (``.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.csv``), then ``Accept``
(HTML when the client does not say). A negotiated answer carries ``Content-Location`` with
the extension URL of what was sent, ``Vary: Accept, Accept-Language``, and ``Link`` headers
naming every alternate; nothing acceptable gives 406.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, g, render_template, request
from rdflib import Graph

from thb_graph.errors import BadRequestError, UnknownFormatError
from thb_graph.export.context import ContextCache, compact_jsonld
from thb_graph.web import http, i18n, state, urls


@dataclass(frozen=True)
class PageFormat:
    """A representation of a page: extension, media type, rdflib serialiser name."""

    ext: str
    media_type: str
    rdflib_name: str | None
    label: str


FORMATS: dict[str, PageFormat] = {
    f.ext: f
    for f in (
        PageFormat("html", "text/html", None, "HTML"),
        PageFormat("ttl", "text/turtle", "turtle", "Turtle"),
        PageFormat("jsonld", "application/ld+json", "json-ld", "JSON-LD"),
        PageFormat("nt", "application/n-triples", "nt", "N-Triples"),
        PageFormat("rdf", "application/rdf+xml", "xml", "RDF/XML"),
        PageFormat("csv", "text/csv", None, "CSV"),
    )
}
RDF_EXTS = ("ttl", "jsonld", "nt", "rdf")
_ALIASES = {
    "turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt",
    "n-triples": "nt", "xml": "rdf", "rdfxml": "rdf", "rdf+xml": "rdf", "htm": "html",
    "application/json": "jsonld", "application/xhtml+xml": "html", "text/plain": "nt",
    "application/x-turtle": "ttl",
}  # fmt: skip
#: Media types offered to Accept, in the order ties are broken.
_ACCEPT_ORDER = (
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("text/csv", "csv"),
    ("application/json", "jsonld"),
    ("text/plain", "nt"),
)


def split_extension(path: str) -> tuple[str, str | None]:
    """``('id/actor/ocrteh', 'ttl')`` for ``id/actor/ocrteh.ttl``; known extensions only."""
    head, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext.lower() in FORMATS:
        return head, ext.lower()
    return path, None


def format_key(name: str) -> str | None:
    """The format key of a ``?format=`` value (short name, alias or media type)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key in FORMATS:
        return key
    for fmt in FORMATS.values():
        if key == fmt.media_type:
            return fmt.ext
    return None


def negotiate(ext: str | None, offered: tuple[str, ...]) -> tuple[str, bool]:
    """The format to answer in and whether it came from ``Accept`` (so Content-Location is
    worth sending). UnknownFormatError (406) when nothing offered fits."""
    asked = request.args.get("format")
    if asked:
        key = format_key(asked)
        if key is None or key not in offered:
            raise UnknownFormatError(
                f"format {asked[:40]!r} is not offered here: use one of {', '.join(offered)}"
            )
        return key, False
    if ext is not None:
        if ext not in offered:
            raise UnknownFormatError(f".{ext} is not offered here")
        return ext, False
    accept = request.accept_mimetypes
    if not accept or not request.headers.get("Accept"):
        return "html", True
    choices = [(mt, key) for mt, key in _ACCEPT_ORDER if key in offered]
    best = accept.best_match([mt for mt, _ in choices])
    if best is None:
        raise UnknownFormatError(
            "none of the media types in Accept is offered here: "
            + ", ".join(FORMATS[k].media_type for k in offered)
        )
    return dict(choices)[best], True


def language() -> i18n.LanguageChoice:
    """The language of this request (cached on ``flask.g``)."""
    choice = getattr(g, "lang_choice", None)
    if choice is None:
        default = state().settings.default_language
        best = request.accept_languages.best_match(i18n.LANGUAGES)
        choice = i18n.choose_language(request.args.get("lang"), best, default)
        g.lang_choice = choice
    return choice


def page_number(name: str = "page") -> int:
    """The 1-based page number in the query string (400 when malformed)."""
    raw = request.args.get(name, "1")
    try:
        number = int(raw)
    except ValueError as e:
        raise BadRequestError(f"{name} must be a whole number, not {raw[:20]!r}") from e
    if number < 1 or number > 1_000_000:
        raise BadRequestError(f"{name} must be between 1 and 1000000")
    return number


def current_url(**changes: object) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.script_root}{request.path}" + (f"?{query}" if query else "")


def lang_switch_url(code: str) -> str:
    """The current URL with ``lang=code`` (other query arguments kept)."""
    return current_url(lang=code)


def template_context() -> dict[str, Any]:
    """Names every template can use: the language, ``t()``, link builders."""
    choice = language()
    lang = choice.lang

    def t(key: str, **values: object) -> str:
        return i18n.translate(key, lang, **values)

    return {
        "lang": lang,
        "lang_explicit": choice.explicit,
        "ontology_ns": state().iris.ontology,
        "t": t,
        "languages": i18n.LANGUAGES,
        "language_names": i18n.LANGUAGE_NAMES,
        "lang_switch_url": lang_switch_url,
        "current_url": current_url,
        "href": urls.href,
        "href_attr": urls.href_attr,
        "is_external": urls.is_external,
        "page_url": urls.page_url,
        "class_url": urls.class_url,
        "curie": urls.curie,
        "local_href": urls.local_href,
    }


def vary(response: Response, *headers: str) -> Response:
    """Add ``headers`` to the response's Vary header."""
    for header in headers:
        response.vary.add(header)
    return response


def render_page(template: str, *, status: int = 200, **context: Any) -> Response:
    """An HTML page that depends on the language (``Vary: Accept-Language``)."""
    html = render_template(template, **context)
    response = Response(html, status=status, mimetype="text/html")
    return vary(response, "Accept-Language")


_CONTEXT_KEY = "thb_graph.jsonld_context"


def published_context() -> dict[str, Any]:
    """The JSON-LD context published at ``/download/context.jsonld`` (per store version)."""
    cache = current_app.extensions.get(_CONTEXT_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_CONTEXT_KEY, ContextCache())
    st = state()
    return cache.get(st.store, st.settings.base_iri)  # type: ignore[no-any-return]


def serialise(graph: Graph, ext: str) -> bytes:
    """``graph`` in the RDF format ``ext`` (JSON-LD compacted with the published context)."""
    fmt = FORMATS[ext]
    if ext == "jsonld":
        return compact_jsonld(graph, published_context())
    data = graph.serialize(format=fmt.rdflib_name or "turtle", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def link_header(path: str, exts: tuple[str, ...]) -> str:
    """``Link`` header value naming the alternates of ``path``."""
    alternates = urls.alternate_urls(path)
    return ", ".join(
        f'<{alternates[e]}>; rel="alternate"; type="{FORMATS[e].media_type}"'
        for e in exts
        if e in alternates
    )


def page_tag() -> str:
    """The ETag of this request's answer: store version, mount point, URL, language and
    Accept (everything the answer depends on)."""
    return http.etag_for(
        state().store.version(),
        request.script_root,
        request.full_path,
        language().lang,
        request.headers.get("Accept", ""),
    )


def held_by_client(tag: str) -> Response | None:
    """A 304 when the client already holds ``tag``."""
    cached = http.not_modified(tag)
    return None if cached is None else vary(cached, "Accept", "Accept-Language")


def finish(
    response: Response,
    *,
    path: str | None,
    ext: str,
    negotiated: bool,
    exts: tuple[str, ...],
    tag: str | None = None,
) -> Response:
    """Add the negotiation headers (Vary, Link alternates, Content-Location), the ETag, and
    CORS on data answers so that scripts elsewhere can read them."""
    if tag is not None:
        http.cacheable(response, tag)
    if ext != "html":
        http.allow_reads_from_anywhere(response)
    vary(response, "Accept", "Accept-Language")
    if path is not None:
        response.headers["Link"] = link_header(path, exts)
        if negotiated:
            response.headers["Content-Location"] = urls.alternate_urls(path)[ext]
    return response


def rdf_response(graph: Graph, ext: str) -> Response:
    """An answer holding ``graph`` in the RDF format ``ext``."""
    return Response(serialise(graph, ext), mimetype=FORMATS[ext].media_type)
