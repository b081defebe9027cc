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

from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, g, render_template, request
from rdflib import Graph

from thb_graph import formats
from thb_graph.errors import BadRequestError, UnknownFormatError
from thb_graph.export.context import ContextCache, compact_jsonld
from thb_graph.formats import Format
from thb_graph.web import http, i18n, urls
from thb_graph.web.app_state import state

#: The representations of a page, by file extension (ties in Accept go to this order).
FORMATS: dict[str, Format] = {
    f.extension: f
    for f in (
        formats.HTML,
        formats.TURTLE,
        formats.JSONLD,
        formats.NTRIPLES,
        formats.RDFXML,
        formats.CSV,
    )
}
RDF_EXTS = ("ttl", "jsonld", "nt", "rdf")


def split_extension(path: str) -> tuple[str, str | None]:
    """``('id/actor/ocrteh', 'ttl')`` for ``id/actor/ocrteh.ttl``; known extensions only."""
    head, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext.lower() in FORMATS:
        return head, ext.lower()
    return path, None


def format_key(name: str) -> str | None:
    """The format key of a ``?format=`` value (short name, alias or media type)."""
    found = formats.find(name, tuple(FORMATS.values()))
    return None if found is None else found.extension


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
    if not request.headers.get("Accept"):
        return "html", True
    choices = [fmt for key, fmt in FORMATS.items() if key in offered]
    try:
        chosen, _ = formats.negotiate(choices, request.headers.get("Accept"))
    except UnknownFormatError as e:
        raise UnknownFormatError(
            "none of the media types in Accept is offered here: "
            + ", ".join(FORMATS[k].media_type for k in offered)
        ) from e
    return chosen.extension, True


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
    data = graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")
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
