"""Whole-graph downloads: ``/download/`` lists every dump with its size and SHA-256,
``/download/{file}`` sends one, ``/download/context.jsonld`` is the published JSON-LD context
(prefixes plus a plain word for every property and class, see :mod:`thb_graph.export.context`),
with which the JSON-LD dump and every entity's JSON-LD are compacted.

Dumps are generated from the store by :mod:`thb_graph.export` (never read from disk) and
kept in memory per store version; only the fixed file names below exist, so nothing a client
sends is ever turned into a path.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import threading
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, request, url_for
from rdflib import Graph

from thb_graph.errors import NotFoundError
from thb_graph.export.context import compact_jsonld
from thb_graph.export.dump import FORMATS, export
from thb_graph.formats import Format
from thb_graph.pages.cite import DatasetInfo, schema_dataset
from thb_graph.pages.entity import Namer
from thb_graph.pages.figure_table import all_figures, figures_csv
from thb_graph.web import cite, http, i18n, pages, releases
from thb_graph.web.app_state import state

bp = Blueprint("downloads", __name__, url_prefix="/download")

FILE_STEM = "thb-graph"
CONTEXT_FILE = "context.jsonld"
FIGURES_FILE = f"{FILE_STEM}-figures.csv"
#: Formats whose files may start with ``#`` comment lines.
HASH_COMMENTS = ("ttl", "nt", "trig", "nq")
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
    _gzipped: list[bytes] = field(default_factory=list, compare=False, repr=False)

    def gzipped(self) -> bytes:
        """The bytes gzip-compressed (made once, on first use)."""
        if not self._gzipped:
            self._gzipped.append(gzip.compress(self.data, compresslevel=6, mtime=0))
        return self._gzipped[0]

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


def _file(
    name: str, fmt: Format | None, data: bytes, media_type: str = "", label: str = ""
) -> DumpFile:
    return DumpFile(
        name=name,
        media_type=fmt.media_type if fmt else media_type or "application/ld+json",
        label=fmt.label if fmt else label or "JSON-LD context",
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
        self.generated = dt.datetime.now(dt.UTC)

    def files(self) -> dict[str, DumpFile]:
        """File name -> DumpFile for the store's current content."""
        st = state()
        key = (id(st.store), st.store.version())
        with self._lock:
            if self._key != key:
                base = st.settings.base_iri
                context = pages.published_context()
                info = cite.site_info()
                files = {}
                for fmt in FORMATS.values():
                    name = f"{FILE_STEM}.{fmt.extension}"
                    if fmt.name == "jsonld":
                        triples = export(st.store, "nt", base_iri=base)
                        graph = Graph().parse(data=triples, format="nt")
                        data = compact_jsonld(graph, context)
                    else:
                        data = export(st.store, fmt, base_iri=base)
                    files[name] = _file(name, fmt, _with_header(data, fmt.name, info, base))
                namer = Namer(st.iris, "en", "en")
                table = all_figures(st.store, namer)
                files[FIGURES_FILE] = _file(
                    FIGURES_FILE, None, figures_csv(table), "text/csv", "CSV (every figure)"
                )
                text = json.dumps(context, indent=2, ensure_ascii=False)
                files[CONTEXT_FILE] = _file(CONTEXT_FILE, None, text.encode("utf-8"))
                self._files, self._key = files, key
                self.generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
            return self._files


def header_lines(info: DatasetInfo, base: str) -> list[str]:
    """What a dump says about itself in its opening comment: title, version, licence,
    the date the facts run up to, where it comes from."""
    lines = [info.title]
    lines.append(f"Version {info.version}" if info.version else "Version not stated")
    lines.append(f"Released {info.issued}" if info.issued else "Release date unknown")
    if info.licence:
        lines.append(f"Licence {info.licence_name} <{info.licence}>")
    if info.facts_until:
        lines.append(f"Facts of the source documents up to {info.facts_until}")
    lines.append(f"Address {base}")
    return lines


def _with_header(data: bytes, fmt: str, info: DatasetInfo, base: str) -> bytes:
    """``data`` with the header comment, in the formats that allow comments."""
    lines = header_lines(info, base)
    if fmt in HASH_COMMENTS:
        text = "".join(f"# {line}\n" for line in lines)
        return text.encode("utf-8") + data
    if fmt == "xml" and data.startswith(b"<?xml"):
        head, newline, rest = data.partition(b"\n")
        safe = " | ".join(lines).replace("--", "- -")
        return head + newline + f"<!-- {safe} -->\n".encode() + rest
    return data


def _cache() -> DumpCache:
    cache = current_app.extensions.get(_CACHE_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(_CACHE_KEY, DumpCache())
    return cache  # type: ignore[no-any-return]


def dump_files() -> list[DumpFile]:
    """The dumps of the running app's store, in the order shown (the context last)."""
    return list(_cache().files().values())


def dump_links() -> list[tuple[str, str]]:
    """(absolute URL, media type) of every dump, for the schema.org Dataset (from the file
    names alone: nothing is generated for it)."""
    named = [(f"{FILE_STEM}.{fmt.extension}", fmt.media_type) for fmt in FORMATS.values()]
    named.append((FIGURES_FILE, "text/csv"))
    return [(url_for("downloads.file", name=n, _external=True), m) for n, m in named]


def human_size(size: int) -> str:
    """'12.3 kB' for 12345."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


def dataset_jsonld(description: str) -> str:
    """The schema.org Dataset of the graph, its dumps as distributions, as JSON safe inside
    a ``<script>`` block."""
    data = schema_dataset(cite.site_info(), request.url_root, description, dump_links())
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
        dataset_json=dataset_jsonld(i18n.translate("downloads_intro", pages.language().lang)),
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
    zipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    response = Response(found.gzipped() if zipped else found.data, mimetype=found.media_type)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(found.sha256 + ("-gz" if zipped else ""))
    response.last_modified = _cache().generated
    if not zipped:
        response.headers["Digest"] = "sha-256=" + _b64(found.sha256)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Encoding")
    info = cite.site_info()
    if info.licence:
        response.headers["Link"] = f'<{info.licence}>; rel="license"'
    http.allow_reads_from_anywhere(response)
    response.make_conditional(request)
    return response


def _b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
