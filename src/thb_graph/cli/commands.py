"""The commands of ``thb-graph``: each parses its flags, gets the Settings built once by
the group (``settings_of``) and calls one function of ``cli.runs``.

A new command is a ``@main.command()`` function here that calls ``settings_of(ctx)`` (and
``open_built_store`` when it needs the graph); errors it raises are mapped by the group.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from thb_graph.cli.app import (
    EXIT_NOT_CONFORM,
    main,
    settings_of,
)
from thb_graph.cli.runs import (
    format_result,
    open_built_store,
    run_export,
    run_infer,
    run_load,
    run_query,
    run_release,
    run_stats,
    run_validate,
    run_validate_stored,
    write_report,
)
from thb_graph.errors import (
    ShapeViolationError,
)
from thb_graph.export.dump import FORMATS, write_export
from thb_graph.kg.backup import BackupReport, backup_store, restore_store
from thb_graph.kg.validate import ValidationReport

_REPORT_OPTION = click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Write the full validation report here (.ttl: Turtle, .json: JSON, else text).",
)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text")
@_REPORT_OPTION
@click.option(
    "--stored",
    is_flag=True,
    help="Check what the store holds (writes included) instead of the data files.",
)
@click.pass_context
def validate(ctx: click.Context, fmt: str, report_file: str | None, stored: bool) -> None:
    """Check every data file (or, with --stored, the store) against the shapes (exit 1 when
    it does not conform).

    The text output is a summary: the count of results by shape and the first results;
    ``--report FILE`` writes them all."""
    settings = settings_of(ctx)
    report = run_validate_stored(settings) if stored else run_validate(settings)
    if report_file:
        write_report(report, report_file)
    click.echo(report.summary() if fmt == "text" else report.render(fmt), nl=False)
    if not report.conforms:
        click.echo(
            f"error: the data does not conform ({len(report.violations)} violation(s))", err=True
        )
        ctx.exit(EXIT_NOT_CONFORM)


@main.command()
@click.argument("query_file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "tsv"]), default="table"
)
@click.option(
    "--max-rows", type=int, default=None, help="Most rows shown (default: max_result_rows)."
)
@click.pass_context
def query(ctx: click.Context, query_file: io.TextIOBase, fmt: str, max_rows: int | None) -> None:
    """Run the SPARQL query in QUERY_FILE ('-' reads stdin) and print its result."""
    settings = settings_of(ctx)
    limit = max_rows if max_rows is not None else settings.max_result_rows
    result = run_query(settings, query_file.read(), max_rows=limit)
    click.echo(format_result(result, fmt, settings), nl=False)
    if result.truncated:
        unit = "triples" if result.kind == "graph" else "rows"
        click.echo(f"note: only the first {limit} {unit} are shown", err=True)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="ttl")
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write to this file (default: stdout)."
)
@click.option("--graph", help="Only this named graph (IRI).")
@click.pass_context
def export_command(ctx: click.Context, fmt: str, out: str | None, graph: str | None) -> None:
    """Dump the graph (all graphs, or --graph) as Turtle, JSON-LD, N-Triples, TriG, RDF/XML
    or N-Quads."""
    settings = settings_of(ctx)
    if out:
        store = open_built_store(settings)
        try:
            size = write_export(store, fmt, out, base_iri=settings.base_iri, graph=graph)
        finally:
            store.close()
        click.echo(f"wrote {size} bytes to {out}", err=True)
        return
    data = run_export(settings, fmt, graph=graph)
    click.echo(data, nl=False)


@main.command()
@click.option("--top", type=int, default=20, show_default=True, help="Classes listed.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def stats(ctx: click.Context, top: int, fmt: str) -> None:
    """Triples per named graph, instances per class, observations and sources."""
    figures = run_stats(settings_of(ctx), top=top)
    if fmt == "json":
        click.echo(json.dumps(figures.to_json(), indent=2))
        return
    click.echo(f"quads: {figures.quads}")
    click.echo("triples per named graph:")
    for name, count in figures.graphs.items():
        click.echo(f"  {count:>8}  {name}")
    click.echo(f"instances per class (top {len(figures.classes)} of {figures.class_count}):")
    for cls, count in figures.classes:
        click.echo(f"  {count:>8}  {cls}")
    click.echo(f"observations: {figures.observations}")
    click.echo(f"sources: {figures.sources}")


@main.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write the inferred triples here.")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt"]), default="ttl")
@click.pass_context
def infer(ctx: click.Context, out: str | None, fmt: str) -> None:
    """Count (and optionally write) what OWL-RL inference adds to the asserted graph."""
    result = run_infer(settings_of(ctx))
    click.echo(
        f"inference adds {result.added} triples to {result.asserted} asserted "
        f"({result.seconds:.2f} s)"
    )
    for message in result.inconsistencies:
        click.echo(f"warning: {message}", err=True)
    if out:
        Path(out).write_bytes(
            result.graph.serialize(format="turtle" if fmt == "ttl" else "nt", encoding="utf-8")
        )
        click.echo(f"wrote {result.added} triples to {out}", err=True)


@main.command()
@click.option("--store", "store_spec", help="Load into this store instead of the configured one.")
@click.option(
    "--with",
    "extra",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra .nt/.ttl file, loaded into graph/extra/{stem} (repeatable).",
)
@_REPORT_OPTION
@click.pass_context
def load(
    ctx: click.Context, store_spec: str | None, extra: tuple[str, ...], report_file: str | None
) -> None:
    """Validate, infer and bulk-load everything into the store."""
    settings = settings_of(ctx)
    if store_spec:
        settings = settings.replace(store=store_spec)
    try:
        report = run_load(settings, extra_files=extra)
    except ShapeViolationError as e:
        if report_file and isinstance(e.report, ValidationReport):
            write_report(e.report, report_file)
        raise
    checked = report.extras.validation if report.extras else None
    if report_file and (checked or report.validation):
        write_report(checked or report.validation, report_file)  # type: ignore[arg-type]
    for name, count in report.graphs.items():
        click.echo(f"  {count:>8}  {name}", err=True)
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())
    click.echo(f"loaded {report.triples} triples into {settings.store} ({timings})", err=True)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.pass_context
def backup(ctx: click.Context, folder: str) -> None:
    """Back the on-disk store up into FOLDER (a new folder), every graph and the write
    history included; consistent while the server runs."""
    report = backup_store(settings_of(ctx), folder)
    how = "read-only beside the process holding it" if report.beside_server else "read-write"
    click.echo(
        f"backed up {report.quads} quads of {report.store_path} into {report.folder} "
        f"(opened {how}; {report.seconds:.1f} s)",
        err=True,
    )


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.pass_context
def restore(ctx: click.Context, folder: str) -> None:
    """Replace the on-disk store with the backup in FOLDER (stop the server first)."""
    report: BackupReport = restore_store(settings_of(ctx), folder)
    click.echo(
        f"restored {report.quads} quads from {report.folder} into {report.store_path} "
        f"({report.seconds:.1f} s)",
        err=True,
    )


@main.command()
@click.option("--triples", type=click.IntRange(min=1), required=True, help="Triples to write.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed: same seed, same data.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="N-Triples file.")
def synth(triples: int, seed: int, out: str) -> None:
    """Write synthetic THB data for benchmarks (own namespace; load it with --with)."""
    from thb_graph.synth import write_synthetic_file

    written = write_synthetic_file(out, triples=triples, seed=seed)
    click.echo(f"wrote {written} synthetic triples to {out}", err=True)


@main.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8000).")
@click.option("--workers", type=int, help="Query worker processes.")
@click.option("--get", "get_path", metavar="PATH", help="Answer GET PATH in-process and exit.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    get_path: str | None,
) -> None:
    """Serve the SPARQL endpoint and the web pages with a production WSGI server."""
    from thb_graph.web.serve import answer_once
    from thb_graph.web.serve import serve as run_serve

    settings = settings_of(ctx).replace(
        **{k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v}
    )
    if get_path is not None:
        ctx.exit(answer_once(settings, get_path, sys.stdout.buffer))
    run_serve(settings)


@main.command()
@click.argument("target", type=click.Path(file_okay=False))
@click.pass_context
def init(ctx: click.Context, target: str) -> None:
    """Copy the sources (ontology, data, shapes, queries, source text) into the new folder
    TARGET for editing; then run with --source-dir TARGET."""
    from thb_graph.kg.sources import copy_sources

    for folder in copy_sources(settings_of(ctx).source_dir, target):
        click.echo(f"wrote {folder}", err=True)
    click.echo(f"edit them, then: thb-graph --source-dir {target} serve", err=True)


@main.command()
@click.option("--version", "version", required=True, help="The version to release: X.Y.Z.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Folder of the releases (default: the releases_dir setting).",
)
@click.pass_context
def release(ctx: click.Context, version: str, out: str | None) -> None:
    """Write a dated, versioned folder of dumps (gzip, SHA-256), its DCAT/VoID description
    and the change log against the previous release in the folder."""
    settings = settings_of(ctx)
    result = run_release(settings, version, out or settings.releases_dir)
    click.echo(f"released {version} in {result.release.folder}", err=True)
    if result.changes is not None:
        click.echo(result.changes.to_text(), nl=False)
