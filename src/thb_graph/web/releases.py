"""Released versions on the web: version IRIs that resolve, old releases' files, and which
version every answer comes from.

``/release/{version}`` is the version IRI (``{base}release/{version}``): its DCAT/VoID
description as RDF, or a page for browsers. ``/release/{version}/{file}`` sends one of that
release's files, by the name its manifest lists (nothing a client sends becomes a path).

The version served is the release whose sources (content hash) the store was built from, or
``unreleased``. Every answer names it in ``X-THB-Version`` (and the version IRI in
``X-THB-Version-IRI``); VoID and the service description state it; templates get it as
``data_version`` (a :class:`ServedVersion`), e.g. for the text that cites a page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, OWL
from rdflib.term import Node

from thb_graph.errors import ConfigError, NotFoundError, StoreError
from thb_graph.export.releases import (
    CHANGES_RDF,
    CHANGES_TEXT,
    CHECKSUMS,
    DESCRIPTION,
    Release,
    list_releases,
)
from thb_graph.kg.load import CONTENT_HASH_KEY
from thb_graph.web import pages
from thb_graph.web.app_state import state

bp = Blueprint("releases", __name__, url_prefix="/release")

VERSION_HEADER = "X-THB-Version"
VERSION_IRI_HEADER = "X-THB-Version-IRI"
UNRELEASED = "unreleased"
DCAT_VERSION = URIRef(str(DCAT) + "version")
DCAT_HAS_CURRENT_VERSION = URIRef(str(DCAT) + "hasCurrentVersion")
#: Files of a release besides its dumps, with their media types.
EXTRA_FILES = {
    DESCRIPTION: "text/turtle",
    CHANGES_RDF: "application/trig",
    CHANGES_TEXT: "text/markdown",
    CHECKSUMS: "text/plain",
}
_KEY = "thb_graph.releases"


@dataclass(frozen=True)
class ServedVersion:
    """The version an answer comes from: a release, or ``unreleased``."""

    version: str
    iri: str | None = None
    issued: str | None = None

    @property
    def released(self) -> bool:
        """True when the store holds a released version."""
        return self.iri is not None


class ReleaseIndex:
    """The releases folder, re-read when it changes; the version of the store's content."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._stamp: int | None = -1
        self._releases: list[Release] = []
        self._served: tuple[tuple[str, int | None], ServedVersion] | None = None

    def _folder_stamp(self) -> int | None:
        try:
            return self.folder.stat().st_mtime_ns
        except OSError:
            return None

    def releases(self) -> list[Release]:
        """Every release, oldest first."""
        stamp = self._folder_stamp()
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._releases = list_releases(self.folder)
                except ConfigError:
                    current_app.logger.exception("the releases folder holds a broken release")
                    self._releases = []
                self._stamp = stamp
            return self._releases

    def served(self) -> ServedVersion:
        """The release the store was built from (by the sources' content hash)."""
        store = state().store
        key = (store.version(), self._folder_stamp())
        if self._served is not None and self._served[0] == key:
            return self._served[1]
        built_from = store.read_meta(CONTENT_HASH_KEY)
        found = next(
            (r for r in reversed(self.releases()) if built_from and r.content_hash == built_from),
            None,
        )
        served = ServedVersion(found.version, found.iri, found.issued) if found else None
        result = served or ServedVersion(UNRELEASED)
        self._served = (key, result)
        return result


def release_index() -> ReleaseIndex:
    """The ReleaseIndex of the running app."""
    index = current_app.extensions.get(_KEY)
    if index is None:
        folder = state().settings.releases_dir
        index = current_app.extensions.setdefault(_KEY, ReleaseIndex(folder))
    return index  # type: ignore[no-any-return]


def served_version() -> ServedVersion:
    """The version the running app answers from."""
    return release_index().served()


def add_version(graph: Graph, node: Node) -> Graph:
    """State on ``node`` (the live dataset or service) which version it serves."""
    served = served_version()
    graph.add((node, OWL.versionInfo, Literal(served.version)))
    graph.add((node, DCAT_VERSION, Literal(served.version)))
    if served.iri:
        graph.add((node, DCAT_HAS_CURRENT_VERSION, URIRef(served.iri)))
    return graph


def name_the_version(response: Response) -> Response:
    """Every answer says which version it comes from (when the store can say)."""
    try:
        served = served_version()
    except StoreError:  # an unreachable store: the answer already says what is wrong
        return response
    response.headers[VERSION_HEADER] = served.version
    if served.iri:
        response.headers[VERSION_IRI_HEADER] = served.iri
    return response


def version_for_templates() -> dict[str, ServedVersion]:
    """``data_version`` in every template."""
    return {"data_version": served_version()}


def _release(version: str) -> Release:
    found = next((r for r in release_index().releases() if r.version == version), None)
    if found is None:
        raise NotFoundError(f"no release {version[:40]!r} here")
    return found


@bp.get("/<version>")
def release(version: str) -> Response:
    """The version IRI: its description as RDF, or a page for browsers."""
    name, ext = pages.split_extension(version)
    found = _release(name)
    fmt, _ = pages.negotiate(ext, ("html", *pages.RDF_EXTS))
    if fmt == "html":
        changes = found.folder / CHANGES_TEXT
        text = changes.read_text(encoding="utf-8") if changes.is_file() else ""
        response = pages.render_page("release.html", release=found, changes=text)
    else:
        graph = Graph().parse(found.folder / DESCRIPTION, format="turtle")
        response = pages.rdf_response(graph, fmt)
    return pages.vary(response, "Accept")


@bp.get("/<version>/<name>")
def file(version: str, name: str) -> Response:
    """One file of a release, by the name its manifest (or the fixed list) gives it."""
    found = _release(version)
    listed = found.file(name)
    if listed is not None:
        media_type, etag = "application/gzip", listed.sha256
    elif name in EXTRA_FILES:
        media_type, etag = EXTRA_FILES[name], None
    else:
        raise NotFoundError(f"release {version} has no file {name[:100]!r}")
    path = found.folder / name
    if not path.is_file():
        raise NotFoundError(f"release {version} has no file {name[:100]!r}")
    response = send_file(path, mimetype=media_type, etag=etag or True, conditional=True)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
