"""The ``thb-graph`` group: settings built once from the flags, errors mapped to exit codes.

Exit codes: 0 ok, 1 the data does not conform to the shapes, 2 bad usage or input,
3 internal error. Messages go to stderr, results to stdout.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import click

from thb_graph import __version__
from thb_graph.config import Settings, load_settings
from thb_graph.errors import (
    EngineCrashError,
    ShapeViolationError,
    StoreError,
    StoreLockedError,
    ThbGraphError,
)
from thb_graph.kg.validate import ValidationReport

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
