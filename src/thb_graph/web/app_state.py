"""The application state: what every view needs, and the services the app owns.

Kept apart from ``web/__init__.py`` so that any web module can reach it without importing
the application factory.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from thb_graph.config import Settings
from thb_graph.errors import ThbGraphError
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.sparql.answer import Answer, query_pool
from thb_graph.sparql.cache import AnswerCache
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.links import SharedQueries
from thb_graph.sparql.protocol import QueryRequest
from thb_graph.writes.transaction import Writer, isolated_writer

log = logging.getLogger(__name__)


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
    _links: SharedQueries | None = field(default=None, repr=False)

    def links(self) -> SharedQueries | None:
        """The table of shared query links (None when short links are turned off)."""
        if not self.settings.links_file:
            return None
        with self._lock:
            if self._links is None:
                self._links = SharedQueries(
                    Path(self.settings.links_file),
                    max_links=self.settings.max_links,
                    max_query_bytes=self.settings.max_query_bytes,
                )
            return self._links

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


def _prestart(pool: Executor[QueryRequest, Answer]) -> None:
    try:
        pool.prestart()
    except ThbGraphError as e:  # the first query will say what is wrong
        log.warning("could not start a query worker ahead of time: %s", e.message)
