"""Whole-graph downloads: ``/download/`` lists every dump with its size and SHA-256,
``/download/{file}`` sends one, ``/download/context.jsonld`` is the published JSON-LD context
(prefixes plus a plain word for every property and class, see :mod:`thb_graph.export.context`),
with which the JSON-LD dump and every entity's JSON-LD are compacted.

Dumps are generated from the store by :mod:`thb_graph.export` (never read from disk) and
kept in memory per store version; only the fixed file names below exist, so nothing a client
sends is ever turned into a path.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request
from rdflib import Graph

from thb_graph.errors import NotFoundError
from thb_graph.export.context import compact_jsonld
from thb_graph.export.dump import FORMATS, export
from thb_graph.formats import Format
from thb_graph.web import pages, releases
from thb_graph.web.app_state import state

bp = Blueprint("downloads", __name__, url_prefix="/download")

FILE_STEM = "thb-graph"
CONTEXT_FILE = "context.jsonld"
_CACHE_KEY = "thb_graph.dumps"


@dataclass(frozen=True)
class DumpFile:
    """One downloadable file: its name, format, bytes and checksum."""

    name: str
    media_type: str
    label: str
    quads: bool
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


def _file(name: str, fmt: Format | None, data: bytes) -> DumpFile:
    return DumpFile(
        name=name,
        media_type=fmt.media_type if fmt else "application/ld+json",
        label=fmt.label if fmt else "JSON-LD context",
        quads=fmt.quads if fmt else False,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


class DumpCache:
    """Every dump of one store version, generated together on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str] | None = None
        self._files: dict[str, DumpFile] = {}

    def files(self) -> dict[str, DumpFile]:
        """File name -> DumpFile for the store's current content."""
        st = state()
        key = (id(st.store), st.store.version())
        with self._lock:
            if self._key != key:
                base = st.settings.base_iri
                context = pages.published_context()
                files = {}
                for fmt in FORMATS.values():
                    name = f"{FILE_STEM}.{fmt.extension}"
                    if fmt.name == "jsonld":
                        triples = export(st.store, "nt", base_iri=base)
                        graph = Graph().parse(data=triples, format="nt")
                        data = compact_jsonld(graph, context)
                    else:
                        data = export(st.store, fmt, base_iri=base)
                    files[name] = _file(name, fmt, data)
                text = json.dumps(context, indent=2, ensure_ascii=False)
                files[CONTEXT_FILE] = _file(CONTEXT_FILE, None, text.encode("utf-8"))
                self._files, self._key = files, key
            return self._files


def dump_files() -> list[DumpFile]:
    """The dumps of the running app's store, in the order shown (the context last)."""
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_CACHE_KEY, DumpCache())
    return list(cache.files().values())


def human_size(size: int) -> str:
    """'12.3 kB' for 12345."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


@bp.get("/")
def index() -> Response:
    """The list of dumps with size and checksum."""
    files = dump_files()
    return pages.render_page(
        "downloads.html",
        files=[f for f in files if f.name != CONTEXT_FILE],
        context_file=next(f for f in files if f.name == CONTEXT_FILE),
        human_size=human_size,
        releases=list(reversed(releases.release_index().releases())),
    )


@bp.get(f"/{FILE_STEM}.<fmt>")
def dump(fmt: str) -> Response:
    """The whole-graph dump with extension ``fmt`` (``url_for("downloads.dump", fmt="ttl")``)."""
    return file(f"{FILE_STEM}.{fmt}")


@bp.get("/<name>")
def file(name: str) -> Response:
    """One file of the list, by its fixed name."""
    found = {f.name: f for f in dump_files()}.get(name)
    if found is None:
        raise NotFoundError(f"no such download: {name[:100]}")
    response = Response(found.data, mimetype=found.media_type)
    response.set_etag(found.sha256)
    response.headers["Digest"] = "sha-256=" + _b64(found.sha256)
    response.headers["Cache-Control"] = "no-cache"
    response.make_conditional(request)
    return response


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
