"""The ``thb-graph`` command line: a click group (``cli.app``) whose commands
(``cli.commands``) are thin wrappers around plain functions (``cli.runs``)."""

from thb_graph.cli import commands
from thb_graph.cli.app import SECRET_SETTINGS, exit_code_for, main, settings_of

__all__ = ["SECRET_SETTINGS", "commands", "exit_code_for", "main", "settings_of"]
