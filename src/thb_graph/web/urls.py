"""IRIs <-> local URLs, whatever the mount point, and every URL the pages build.

The base IRI (``https://w3id.org/thb-graph/`` by default) is mapped to the root the app is
mounted at (``request.script_root``): ``{base}id/actor/ocrteh`` is served at
``{script_root}/id/actor/ocrteh`` and ``{base}ontology#Law`` at ``{script_root}/ontology#Law``.
IRIs outside the base that the graph describes open at ``/resource?iri=...``; other IRIs are
linked as they are. A language chosen with ``?lang=`` is carried on every URL built here.

Only ``http``, ``https`` and ``mailto`` IRIs become links: anyone with the write token can
state ``<javascript:...>`` or ``<data:...>``, and a page must not turn that into an active
link whatever headers a proxy keeps or drops. Any other IRI is shown as text (``<a>``
without ``href``, which HTML renders as a placeholder, not a link).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from flask import g, request, url_for
from markupsafe import Markup

from thb_graph.kg.build import prefixes_for
from thb_graph.kg.iris import Iris
from thb_graph.pages.entity import Term
from thb_graph.web.app_state import state

_PATH_SAFE = "/:@-._~!$&'()*+,;="


def iris() -> Iris:
    """The IRI scheme of the running app."""
    return state().iris


def with_lang(url: str) -> str:
    """``url`` with ``lang=`` added when the language was chosen with ``?lang=``."""
    choice = getattr(g, "lang_choice", None)
    if choice is None or not choice.explicit:
        return url
    head, hash_mark, fragment = url.partition("#")
    joiner = "&" if "?" in head else "?"
    return f"{head}{joiner}lang={choice.lang}{hash_mark}{fragment}"


def page_url(endpoint: str, **values: object) -> str:
    """``url_for`` with the chosen language carried along (None values left out)."""
    clean = {k: v for k, v in values.items() if v is not None}
    return with_lang(url_for(endpoint, **clean))  # type: ignore[arg-type]


def local_href(iri: str) -> str | None:
    """The URL of ``iri`` on this server when it lies under the base, else None."""
    local = iris().local_path(iri)
    if local is None:
        return None
    path, hash_mark, fragment = local.partition("#")
    url = f"{request.script_root}/{quote(path, safe=_PATH_SAFE)}"
    return with_lang(url) + (hash_mark + quote(fragment, safe=_PATH_SAFE) if hash_mark else "")


#: The schemes of the IRIs a page makes links of (compared case-insensitively).
LINKABLE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def is_linkable(iri: str) -> bool:
    """True when ``iri`` may become a link: its scheme is http, https or mailto."""
    match = _SCHEME.match(iri)
    return match is not None and match.group(1).lower() in LINKABLE_SCHEMES


def href(value: Term | str, *, described: bool = False) -> str | None:
    """Where a link to ``value`` goes: its local page, ``/resource`` for an outside IRI the graph
    describes, or the IRI itself; None when its scheme is not one a page links to."""
    if isinstance(value, Term):
        iri, described = value.iri, value.described
    else:
        iri = value
    if not is_linkable(iri):
        return None
    local = local_href(iri)
    if local is not None:
        return local
    if described:
        return page_url("entities.resource", iri=iri)
    return iri


def href_attr(value: Term | str) -> Markup:
    """`` href="..."`` for an ``<a>`` to ``value``, or nothing when it must not be a link
    (the one way templates link to an IRI)."""
    url = href(value)
    return Markup(' href="{}"').format(url) if url is not None else Markup("")


def is_external(value: Term) -> bool:
    """True when a link to ``value`` leaves this site."""
    return value.is_iri and not value.local and not value.described and is_linkable(value.iri)


def entity_iri(path: str) -> str:
    """The entity IRI served at ``/id/{path}``."""
    return iris().from_local_path("id/" + path)


def prefixes() -> dict[str, str]:
    """The project prefixes under the configured base."""
    return prefixes_for(iris())


def curie(iri: str) -> str:
    """``thb:Law`` for ``{base}ontology#Law``; the IRI when no prefix fits."""
    best = ""
    name = ""
    for prefix, namespace in prefixes().items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            rest = iri[len(namespace) :]
            if rest and "/" not in rest and "#" not in rest:
                best, name = namespace, f"{prefix}:{rest}"
    return name or iri


def expand_curie(text: str) -> str | None:
    """The IRI of ``prefix:name`` (None for an unknown prefix or a malformed name)."""
    prefix, colon, rest = text.partition(":")
    namespace = prefixes().get(prefix)
    if not colon or namespace is None or not rest or "/" in rest:
        return None
    return namespace + rest


def class_url(iri: str, **values: object) -> str:
    """The page listing the members of the class ``iri``."""
    return page_url("browse.class_page", curie=curie(iri), **values)


def alternate_urls(path: str) -> dict[str, str]:
    """The URL of each file-extension twin of ``path`` (without query string)."""
    base = f"{request.script_root}/{quote(path, safe=_PATH_SAFE)}"
    return {ext: f"{base}.{ext}" for ext in ("html", "ttl", "jsonld", "nt", "rdf", "csv")}


def sparql_url(query: str) -> str:
    """The query editor with ``query`` filled in."""
    return f"{request.script_root}/sparql?{urlencode({'query': query})}"
