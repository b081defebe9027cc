"""The web application: `create_app(settings, store=None)` and nothing else at import.

The application state owns the services every view shares (the query worker pool, the
writer and the answer cache) and closes them; every app-wide hook is registered here, and
the blueprints are listed here, once.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from importlib import import_module

from flask import Blueprint, Flask, current_app

from thb_graph.config import Settings
from thb_graph.errors import ThbGraphError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.sparql.answer import Answer, query_pool
from thb_graph.sparql.cache import AnswerCache
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.protocol import QueryRequest
from thb_graph.web import http
from thb_graph.web.errors import register_error_handlers
from thb_graph.web.replay import AnswerReplay
from thb_graph.writes.transaction import Writer, isolated_writer

log = logging.getLogger(__name__)

#: Every URL area, in registration order (module ``thb_graph.web.<name>`` holds ``bp``).
BLUEPRINTS = ("meta", "endpoint", "entities", "browse", "downloads", "writes")


@dataclass
class AppState:
    """What every view needs, kept on ``app.extensions["thb_graph"]``.

    The query pool and the writer are made on first use in each process (a pool does not
    survive a fork), and :meth:`close` stops them.
    """

    settings: Settings
    store: Store
    iris: Iris
    answers: AnswerCache = field(default_factory=AnswerCache)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pool: tuple[int, Executor[QueryRequest, Answer]] | None = field(default=None, repr=False)
    _writer: tuple[int, Writer] | None = field(default=None, repr=False)

    def queries(self) -> Executor[QueryRequest, Answer]:
        """The query worker pool of this process."""
        found = self._pool
        if found is not None and found[0] == os.getpid():
            return found[1]
        with self._lock:
            if self._pool is None or self._pool[0] != os.getpid():
                pool = query_pool(
                    self.store,
                    workers=self.settings.workers,
                    max_rows=self.settings.max_result_rows,
                )
                self._pool = (os.getpid(), pool)
                threading.Thread(target=_prestart, args=(pool,), daemon=True).start()
            return self._pool[1]

    def writer(self) -> Writer:
        """The writer of this process (writes are serialised across processes by a lock)."""
        found = self._writer
        if found is not None and found[0] == os.getpid():
            return found[1]
        with self._lock:
            if self._writer is None or self._writer[0] != os.getpid():
                self._writer = (os.getpid(), isolated_writer(self.settings, self.store))
            return self._writer[1]

    def close(self) -> None:
        """Stop the query workers and the write planner this process started."""
        with self._lock:
            pool, self._pool = self._pool, None
            writer, self._writer = self._writer, None
        if pool is not None and pool[0] == os.getpid():
            pool[1].close()
        if writer is not None and writer[0] == os.getpid():
            writer[1].close()
        self.answers.clear()


def state() -> AppState:
    """The AppState of the running app."""
    return current_app.extensions["thb_graph"]  # type: ignore[no-any-return]


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """The Flask app over ``store`` (opened from ``settings.store`` when not given)."""
    settings = settings or Settings()
    if store is None:
        from thb_graph.kg.store import open_store

        store = open_store(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app_state = AppState(settings=settings, store=store, iris=Iris(settings.base_iri))
    app.extensions["thb_graph"] = app_state
    register_error_handlers(app)
    replay = AnswerReplay(
        app.wsgi_app, app_state.answers, store, max_body_bytes=settings.max_body_bytes
    )
    # after_request hooks run last-registered first: the answer is kept once it is final
    app.after_request(replay.keep)
    app.after_request(http.finish)
    app.before_request(http.start_timer)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.wsgi_app = replay  # type: ignore[method-assign]
    return app


def blueprints() -> list[Blueprint]:
    """The blueprints of every URL area, in registration order."""
    return [import_module(f"thb_graph.web.{name}").bp for name in BLUEPRINTS]


def _prestart(pool: Executor[QueryRequest, Answer]) -> None:
    try:
        pool.prestart()
    except ThbGraphError as e:  # the first query will say what is wrong
        log.warning("could not start a query worker ahead of time: %s", e.message)
