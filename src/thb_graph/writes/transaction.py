"""SHACL-gated transactions: stage a write, validate it, infer, then commit it at once.

A write (:class:`WriteJob`: a SPARQL Update or a Graph Store operation) is *planned* on a
staging copy of the whole store (``writes.plan``): the change is checked against the
protected graphs, the staged data is validated with the shapes and the inferred graph
recomputed. The plan is then one SPARQL Update: the asserted change, the change of the
inferred graph and the PROV record of the write (``writes.commit``), which the store runs
in a single transaction. A rejected or failed write never reaches the store, which stays
byte-for-byte as it was.

Writes are serialised (``writes.lock``): a thread lock, and ``fcntl.flock`` on
``{store}.write.lock`` beside an on-disk store so that several server processes over one
store also take turns.

Planning is a pure function of a snapshot of the store (N-Quads, taken under the lock by
the process that owns the store) and the job (:func:`plan_write`), so the web layer can run
it in a killable worker process that never opens the store (``isolate``); the commit
(:meth:`Writer.write`) happens in the process that owns the store. This module is where
callers import all of it from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from thb_graph.config import Settings
from thb_graph.errors import StoreError
from thb_graph.kg.store.base import Store
from thb_graph.writes.commit import commit, commit_text
from thb_graph.writes.lock import exclusive, lock_path_for
from thb_graph.writes.plan import (
    OPERATION_NAMES,
    Operation,
    Plan,
    Planner,
    Planning,
    Rejection,
    WriteContext,
    WriteJob,
    plan_write,
    rejection_error,
)

__all__ = [
    "OPERATION_NAMES",
    "Operation",
    "Plan",
    "Planner",
    "Planning",
    "Rejection",
    "WriteContext",
    "WriteJob",
    "WriteOutcome",
    "Writer",
    "commit",
    "commit_text",
    "exclusive",
    "lock_path_for",
    "plan_write",
    "rejection_error",
]


@dataclass(frozen=True)
class WriteOutcome:
    """What a committed (or no-op) write did, and the store version after it."""

    plan: Plan
    version: str


class Writer:
    """Serialises writes to one store: plan (maybe isolated), then commit under the lock."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        isolate: Callable[[Planner], Planner] | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.store = store
        self.timeout = timeout
        planner = Planning(settings.base_iri, settings.source_dir, settings.max_body_bytes)
        self._plan: Planner = isolate(planner) if isolate else planner
        self._thread_lock = threading.Lock()
        self.lock_path = lock_path_for(store)

    def write(self, job: WriteJob) -> WriteOutcome:
        """Plan and commit ``job``; ShapeViolationError (with the report) when refused."""
        with exclusive(self._thread_lock, self.lock_path, self.timeout):
            try:
                snapshot = self.store.dump("application/n-quads")
            except (OSError, ValueError) as e:
                raise StoreError(f"cannot read the store to stage a write: {e}") from e
            result = self._plan(replace(job, snapshot=snapshot))
            if isinstance(result, Rejection):
                raise rejection_error(result)
            if result.commit:
                commit(self.store, result.commit)
            return WriteOutcome(plan=result, version=self.store.version())
