"""What the commands do, as plain functions of the Settings that tests call directly."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from thb_graph.config import Settings
from thb_graph.errors import (
    ConfigError,
)
from thb_graph.export.dump import export
from thb_graph.export.release import ReleaseResult, make_release
from thb_graph.kg.build import build_dataset, content_hash, load_shapes, prefixes_for
from thb_graph.kg.infer import InferenceResult, infer_sources
from thb_graph.kg.iris import Iris
from thb_graph.kg.isolate import run_step
from thb_graph.kg.load import BuildReport, build_store, ensure_built, is_up_to_date
from thb_graph.kg.stats import GraphStats, graph_stats
from thb_graph.kg.store import open_store, open_store_for_reading
from thb_graph.kg.store.base import QueryResult, Store
from thb_graph.kg.stored import validate_stored
from thb_graph.kg.validate import ValidationReport, validate_sources
from thb_graph.sparql import results


def run_validate(settings: Settings) -> ValidationReport:
    """Validate the data files against the shapes."""
    source, shapes = build_dataset(settings), load_shapes(settings)
    return run_step("validating the data files", validate_sources, source, shapes)


def open_built_store(settings: Settings) -> Store:
    """Open the configured store, building it first when the sources changed.

    Beside a running server, which holds an on-disk store, open it read-only and read it
    as it is (it is not rebuilt). Say on stderr which was done.
    """
    opened = open_store_for_reading(settings)
    store = opened.store
    on_disk = store.location is not None
    if on_disk:
        click.echo(opened.describe(settings), err=True)
    if opened.read_only:
        if not is_up_to_date(settings, store):
            click.echo(
                "warning: the store was not built from the sources as they are now; the server "
                "rebuilds it when it starts again",
                err=True,
            )
        return store
    report = ensure_built(settings, store)
    if report is not None:
        click.echo(
            f"built the store: {report.triples} triples in {len(report.graphs)} graphs", err=True
        )
    return store


def run_validate_stored(settings: Settings) -> ValidationReport:
    """Validate the data graphs the built store holds (writes included)."""
    store = open_built_store(settings)
    try:
        return validate_stored(settings, store)
    finally:
        store.close()


def run_query(settings: Settings, text: str, *, max_rows: int | None = None) -> QueryResult:
    """Run a SPARQL query over the built store."""
    store = open_built_store(settings)
    try:
        return store.query(text, max_rows=max_rows)
    finally:
        store.close()


def run_export(settings: Settings, fmt: str, *, graph: str | None = None) -> bytes:
    """The dump of the built store in ``fmt``."""
    store = open_built_store(settings)
    try:
        return export(store, fmt, base_iri=settings.base_iri, graph=graph)
    finally:
        store.close()


def run_stats(settings: Settings, *, top: int = 20) -> GraphStats:
    """Figures about the built store."""
    store = open_built_store(settings)
    try:
        return graph_stats(store, top=top)
    finally:
        store.close()


def run_infer(settings: Settings) -> InferenceResult:
    """What OWL-RL inference adds to the sources."""
    return infer_sources(build_dataset(settings))


def run_load(settings: Settings, *, extra_files: Sequence[str] = ()) -> BuildReport:
    """Validate, infer and bulk-load the sources (and extra files) into the store."""
    store = open_store(settings)
    try:
        return build_store(settings, store, extra_files=extra_files)
    finally:
        store.close()


# ---- result formatting ------------------------------------------------------------------
def format_result(result: QueryResult, fmt: str, settings: Settings) -> str:
    """A query result as ``table``, ``csv``, ``tsv`` or ``json`` (CONSTRUCT: Turtle)."""
    if result.kind == "graph":
        graph = Graph()
        for prefix, namespace in prefixes_for(Iris(settings.base_iri)).items():
            graph.bind(prefix, namespace, replace=True)
        for triple in result.triples:
            graph.add(triple)
        return graph.serialize(format="turtle")
    if result.kind == "ask" and fmt == "table":
        return ("true" if result.boolean else "false") + "\n"
    writers = {"json": results.to_json, "csv": results.to_csv, "tsv": results.to_tsv}
    if fmt in writers:
        return writers[fmt](result).decode("utf-8")
    return _table(result, Graph(bind_namespaces="none"), settings)


def _table(result: QueryResult, names: Graph, settings: Settings, width: int = 60) -> str:
    for prefix, namespace in prefixes_for(Iris(settings.base_iri)).items():
        names.bind(prefix, namespace, replace=True)

    def cell(t: Node | None) -> str:
        if t is None:
            return ""
        if isinstance(t, URIRef):
            try:
                text = names.namespace_manager.normalizeUri(t)
            except ValueError:
                text = str(t)
            if text.startswith("<"):
                text = str(t)
        elif isinstance(t, Literal):
            text = str(t) + (f"@{t.language}" if t.language else "")
        else:
            text = t.n3()
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    header = list(result.variables)
    rows = [[cell(t) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# ---- commands ---------------------------------------------------------------------------
def write_report(report: ValidationReport, path: str) -> None:
    """Write the full report to ``path``: Turtle for .ttl, JSON for .json, else text."""
    suffix = Path(path).suffix.lower()
    fmt = {".ttl": "turtle", ".json": "json"}.get(suffix, "text")
    try:
        Path(path).write_text(report.render(fmt), encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror or e}") from e


def run_release(settings: Settings, version: str, out: str) -> ReleaseResult:
    """Write release ``version`` of the built store under ``out``."""
    store = open_built_store(settings)
    try:
        return make_release(
            store,
            version=version,
            out=out,
            base_iri=settings.base_iri,
            content_hash=content_hash(settings),
        )
    finally:
        store.close()
