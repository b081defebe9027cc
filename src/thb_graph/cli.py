"""The ``thb-graph`` command line: a click group whose commands are thin wrappers.

Each command parses its flags, gets the Settings built once by the group
(:func:`settings_of`), and calls one plain function that tests call directly. Messages go
to stderr, results to stdout. Exit codes: 0 ok, 1 the data does not conform to the shapes,
2 bad usage or input, 3 internal error.

A new command is a ``@main.command()`` function that calls ``settings_of(ctx)`` (and
``open_built_store`` when it needs the graph); errors it raises are mapped by the group.
"""

from __future__ import annotations

import io
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from thb_graph import __version__
from thb_graph.config import Settings, load_settings
from thb_graph.errors import (
    ConfigError,
    EngineCrashError,
    ShapeViolationError,
    StoreError,
    StoreLockedError,
    ThbGraphError,
)
from thb_graph.export.dump import FORMATS, export, write_export
from thb_graph.export.release import ReleaseResult, make_release
from thb_graph.kg.backup import BackupReport, backup_store, restore_store
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

EXIT_OK, EXIT_NOT_CONFORM, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


@dataclass
class CliState:
    """What the group's options say; Settings are built on first use."""

    config_file: str | None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(config_file=self.config_file, overrides=self.overrides)
        return self._settings


def settings_of(ctx: click.Context) -> Settings:
    """The Settings of this invocation: defaults <- file <- environment <- flags."""
    return ctx.find_object(CliState).settings  # type: ignore[union-attr]


class _Command(click.Command):
    """A command that also takes the group's options after its name: ``--config`` and one
    flag per setting it does not define itself (``thb-graph serve --store X``). Given on
    both sides of the command name, the one after it wins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = {name for param in self.params for name in (param.name, *param.opts)}
        extra: list[click.Parameter] = []
        if "config_file" not in own and "--config" not in own:
            extra.append(_config_option())
        for item in fields(Settings):
            flag = "--" + item.name.replace("_", "-")
            if item.name in SECRET_SETTINGS or item.name in own or flag in own:
                continue
            extra.append(click.Option([flag, item.name], help=item.metadata["help"]))
        self.params.extend(extra)
        self._taken = {p.name for p in extra}

    def invoke(self, ctx: click.Context) -> Any:
        state = ctx.find_object(CliState)
        given = {k: ctx.params.pop(k) for k in self._taken if k in ctx.params}
        if state is not None:
            config_file = given.pop("config_file", None)
            if config_file is not None:
                state.config_file = config_file
            state.overrides.update({k: v for k, v in given.items() if v is not None})
            state._settings = None
        return super().invoke(ctx)


def _config_option() -> click.Option:
    return click.Option(
        ["--config", "config_file"], type=click.Path(dir_okay=False), help="Settings file (TOML)."
    )


def exit_code_for(error: ThbGraphError) -> int:
    """The exit code of a domain error."""
    if isinstance(error, ShapeViolationError | EngineCrashError):
        return EXIT_NOT_CONFORM
    if isinstance(error, StoreLockedError):  # a usage matter: stop the server first
        return EXIT_BAD_INPUT
    if isinstance(error, StoreError):
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT


class _Main(click.Group):
    """The group that turns errors into a message on stderr and an exit code; its commands
    take the settings flags after their name too (:class:`_Command`)."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`thb-graph stats | head`): not an error
            sys.stderr.close()
            ctx.exit(EXIT_OK)
        except ShapeViolationError as e:
            click.echo(f"error: {e.message}", err=True)
            if isinstance(e.report, ValidationReport):
                click.echo(e.report.summary(), err=True)
            ctx.exit(EXIT_NOT_CONFORM)
        except ThbGraphError as e:
            click.echo(f"error: {e.message}", err=True)
            for detail in e.details:
                click.echo(f"  {detail}", err=True)
            ctx.exit(exit_code_for(e))
        except Exception as e:  # the last resort, like the web's 500 handler
            traceback.print_exc(file=sys.stderr)
            click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
            ctx.exit(EXIT_INTERNAL)


#: Settings with no command-line flag: secrets belong in the environment or a settings file,
#: never in the process list.
SECRET_SETTINGS = frozenset({"write_token"})


def setting_flags(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give the command one ``--name`` flag per setting (``base_iri`` -> ``--base-iri``)."""
    for item in reversed(fields(Settings)):
        if item.name not in SECRET_SETTINGS:
            flag = "--" + item.name.replace("_", "-")
            func = click.option(flag, item.name, default=None, help=item.metadata["help"])(func)
    return func


@click.group(cls=_Main)
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Settings file (TOML)."
)
@setting_flags
@click.version_option(__version__, prog_name="thb-graph")
@click.pass_context
def main(ctx: click.Context, /, config_file: str | None, **flags: str | None) -> None:
    """thb-graph: a linked-data knowledge graph of the fight against trafficking in human
    beings."""
    ctx.obj = CliState(config_file=config_file, overrides=flags)


# ---- plain functions (what the commands call) -------------------------------------------
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
