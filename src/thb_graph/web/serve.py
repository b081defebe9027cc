"""``thb-graph serve``: the production server (gunicorn) over ``create_app``.

Before serving, a forked child opens the store and builds it if the sources changed; it
prints the report and exits 1 when the data breaks the shapes, and the server refuses to
start. The check runs in a child because RocksDB (under an on-disk Oxigraph store) keeps
process-wide state, background threads included, that a fork does not carry: a process
that forks after opening such a store leaves its children with a store engine that cannot
flush and crashes at exit. So the master never opens the store. One gunicorn worker
process (``gthread``: many threads that mostly wait) opens the store and serves; the
query work itself runs in that worker's pool of forked query
processes (``sparql.executor``, ``settings.workers`` of them), which is where CPU is spent
and where a timeout kills. One worker, because an on-disk Oxigraph store is opened by one
process at a time; its threads and query processes give the concurrency.

The worker has more threads than queries can ever hold (:func:`sparql.executor.query_slots`:
the running ones and the bounded few waiting for a query process; more are refused with 503
at once), plus :data:`SPARE_THREADS`: so ``/health``, static files, cached answers and pages
are never queued behind queries waiting for a query process.

``--get PATH`` answers one request in-process (no socket) and exits: a smoke test.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import IO, Any

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from thb_graph.config import Settings
from thb_graph.errors import ConfigError, ShapeViolationError, StoreError, ThbGraphError
from thb_graph.kg.load import BuildReport, ensure_built
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.sparql.executor import query_slots
from thb_graph.web import create_app

log = logging.getLogger(__name__)

#: Server threads beyond those queries may hold, for every request that needs no query worker.
SPARE_THREADS = 16


def prepare_store(settings: Settings) -> tuple[Store, BuildReport | None]:
    """Open the configured store and build it when its sources changed.

    Raises ShapeViolationError (with the report) when the data breaks the shapes.
    """
    store = open_store(settings)
    try:
        report = ensure_built(settings, store)
    except BaseException:
        store.close()
        raise
    return store, report


def answer_once(settings: Settings, path: str, out: IO[bytes]) -> int:
    """Answer ``GET path`` in-process, write the body to ``out``; the exit code (0 for a
    2xx/3xx answer, 2 for 4xx, 3 for 5xx)."""
    store, _ = prepare_store(settings)
    try:
        app = create_app(settings, store)
        response = app.test_client().get(path)
        out.write(response.get_data())
        out.flush()
        status = response.status_code
        app.extensions["thb_graph"].close()
    finally:
        store.close()
    return 0 if status < 400 else 2 if status < 500 else 3


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn run programmatically, loading the app inside its worker."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Flask:
        store, _ = prepare_store(self.settings)  # a no-op check for an on-disk store
        if self.settings.read_from_memory:
            store.serve_from_memory()
        return create_app(self.settings, store)


def server_threads(settings: Settings) -> int:
    """Threads of the gunicorn worker: every query slot, and :data:`SPARE_THREADS` more."""
    return query_slots(settings.workers) + SPARE_THREADS


def server_options(settings: Settings) -> dict[str, Any]:
    """The gunicorn settings derived from ours."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": server_threads(settings),
        "timeout": int(max(30, 3 * settings.query_timeout_s)),
        "graceful_timeout": 10,
        "keepalive": 5,
        # Our own limit answers 414 for an oversized query; a request line may hold a
        # percent-encoded query of max_query_bytes (three bytes per byte at worst).
        "limit_request_line": 0,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "proc_name": "thb-graph",
        "control_socket_disable": True,
        "worker_exit": _close_app,
    }


def _close_app(server: object, worker: object) -> None:
    """Stop the query workers and the write planner of a gunicorn worker that exits."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, Flask):
        app.extensions["thb_graph"].close()


def serve(settings: Settings) -> None:
    """Build or open the store, then serve until stopped (SIGINT/SIGTERM).

    Raises ShapeViolationError when the data breaks the shapes (the report is printed),
    StoreError or ConfigError when the store cannot be prepared.
    """
    logging.basicConfig(
        level=settings.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    check_store(settings)
    log.info("serving on http://%s:%s/sparql", settings.host, settings.port)
    _Server(settings, server_options(settings)).run()


def check_store(settings: Settings) -> None:
    """Prepare the store in a forked child (see the module docstring) and report how it went."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never return into the parent's stack
        code = 3
        try:
            code = _prepare_in_child(settings)
        except BaseException:  # the last resort of a forked child, which must _exit
            traceback.print_exc(file=sys.stderr)
        finally:
            sys.stderr.flush()
            os._exit(code)
    _preload_web()  # meanwhile, on another core: the worker will inherit these imports
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 1:
        raise ShapeViolationError("the data does not conform to the shapes", report=None)
    if code == 2:  # bad settings or sources: the child said what is wrong
        raise ConfigError("the store could not be prepared from these settings")
    if code != 0:
        raise StoreError(f"the store could not be prepared (exit status {code})")


def _preload_web() -> None:
    from thb_graph.web import blueprints

    blueprints()


def _prepare_in_child(settings: Settings) -> int:
    try:
        store, report = prepare_store(settings)
    except ShapeViolationError as e:
        text = getattr(e.report, "to_text", None)
        print(text() if callable(text) else e.message, file=sys.stderr)
        return 1
    except ThbGraphError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    if report is not None:
        log.info("built the store: %d triples in %d graphs", report.triples, len(report.graphs))
    store.close()
    return 0
