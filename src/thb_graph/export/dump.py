"""Dumps of the graph in every format, and the JSON-LD context.

Triple formats (Turtle, JSON-LD, N-Triples, RDF/XML) hold one graph, or the union of all
graphs; quad formats (TriG, N-Quads) keep the named graphs. JSON-LD is compacted with a
context the downloads publish: a plain word for every term used, and the project prefixes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from thb_graph import formats
from thb_graph.errors import UnknownFormatError
from thb_graph.export.context import compact_jsonld, store_context
from thb_graph.formats import Format
from thb_graph.kg.store.base import Store

#: Every dump format, by short name (the order shown to users).
FORMATS: dict[str, Format] = {f.name: f for f in formats.DUMPS}


def export_format(name: str) -> Format:
    """The format named ``name`` (short name, alias, extension or media type)."""
    found = formats.find(name, formats.DUMPS)
    if found is None:
        known = ", ".join(FORMATS)
        raise UnknownFormatError(f"unknown export format {name!r}: expected one of {known}")
    return found


def jsonld_context(store: Store, base_iri: str) -> dict[str, Any]:
    """The published JSON-LD context (the one ``/download/context.jsonld`` serves): a plain
    word for every term the store uses, and the project prefixes under ``base_iri``."""
    return store_context(store, base_iri)


def export(store: Store, fmt: str | Format, *, base_iri: str, graph: str | None = None) -> bytes:
    """The dump of ``graph`` (None: every graph) in ``fmt``.

    Triple formats get the union of all graphs when ``graph`` is None; TriG and N-Quads get
    every named graph, or just ``graph`` when given.
    """
    chosen = fmt if isinstance(fmt, Format) else export_format(fmt)
    if chosen.name == "jsonld":
        return _jsonld(store, base_iri, graph)
    return store.dump(chosen.media_type, graph)


def write_export(
    store: Store,
    fmt: str | Format,
    out: str | Path,
    *,
    base_iri: str,
    graph: str | None = None,
) -> int:
    """Write the dump to the file ``out`` (written whole, then moved in place); its size."""
    data = export(store, fmt, base_iri=base_iri, graph=graph)
    path = Path(out)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


def _jsonld(store: Store, base_iri: str, graph: str | None) -> bytes:
    parsed = Graph()
    parsed.parse(data=store.dump("application/n-triples", graph), format="nt")
    return compact_jsonld(parsed, jsonld_context(store, base_iri))
