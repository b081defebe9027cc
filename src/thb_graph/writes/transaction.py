"""SHACL-gated transactions: stage a write, validate it, infer, then commit it at once.

A write (:class:`WriteJob`: a SPARQL Update or a Graph Store operation) is *planned* on a
staging copy of the whole store (``writes.plan``): the change is checked against the
protected graphs, the staged data is validated with the shapes and the inferred graph
recomputed. The plan is then one SPARQL Update: the asserted change, the change of the
inferred graph and the PROV record of the write (``writes.commit``), which the store runs
in a single transaction. A rejected or failed write never reaches the store, which stays
byte-for-byte as it was.

Writes are serialised (``kg.store.lock``): a thread lock, and ``fcntl.flock`` on
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
from typing import Literal

from thb_graph.config import Settings
from thb_graph.errors import QueryTimeoutError, StoreError, TooLargeError
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.lock import exclusive, lock_path_for
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.guard import check_update
from thb_graph.writes.commit import commit, commit_text
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
from thb_graph.writes.upload import upload_format

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
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self._on_close = on_close
        self.timeout = timeout
        planner = Planning(settings.base_iri, settings.source_dir, settings.max_body_bytes)
        self._plan: Planner = isolate(planner) if isolate else planner
        self._thread_lock = threading.Lock()
        self.lock_path = lock_path_for(store)
        self._base = settings.base_iri
        self._max_bytes = settings.max_body_bytes

    def write(self, job: WriteJob) -> WriteOutcome:
        """Plan and commit ``job``; ShapeViolationError (with the report) when refused."""
        if self._thread_lock.locked():
            self._refuse_malformed(job)
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

    def _refuse_malformed(self, job: WriteJob) -> None:
        """While another write holds the lock, refuse at once what planning would refuse
        after it: a malformed update (parsed in Python, which a bad text cannot crash), an
        upload of a format not taken or over the size limit (not parsed here: the native
        parser runs only in the planning worker). Planning reads them again, so this is only
        done when there is a wait to spare."""
        if job.operation == "update":
            check_update(job.update, base=self._base)
        elif job.operation in ("put", "post"):
            for _, body, media_type in job.parts or (("", job.body, job.media_type),):
                upload_format(media_type)
                if len(body) > self._max_bytes:
                    raise TooLargeError(
                        f"the upload is {len(body)} bytes, more than the limit of {self._max_bytes}"
                    )

    def close(self) -> None:
        """Stop the worker that plans writes, if there is one."""
        if self._on_close is not None:
            self._on_close()


def isolated_writer(settings: Settings, store: Store) -> Writer:
    """The Writer a server uses: each write is planned in a worker process, so a timeout
    stops the work itself (a staging copy, validation and inference) and nothing changes.

    Planning works on a snapshot and never opens the store. Beside a store another process
    can open, the worker comes from a clean fork server (a fork of the threaded server could
    inherit a lock some other thread holds); a store in memory lives only here, and a fork
    is ready at once.
    """
    timeout = settings.write_timeout_s
    start: Literal["fork", "forkserver"] = (
        "forkserver" if store.read_only_opener() is not None else "fork"
    )

    pools: list[Executor[WriteJob, Plan | Rejection]] = []

    def isolate(planner: Planner) -> Planner:
        pool: Executor[WriteJob, Plan | Rejection] = Executor(
            planner, size=1, max_jobs=50, start=start, preload=("thb_graph.writes.transaction",)
        )
        pools.append(pool)
        return lambda job: _planned(pool, job, timeout)

    def close() -> None:
        for pool in pools:
            pool.close()

    return Writer(settings, store, isolate=isolate, timeout=timeout, on_close=close)


def _planned(
    pool: Executor[WriteJob, Plan | Rejection], job: WriteJob, timeout: float
) -> Plan | Rejection:
    try:
        return pool.run(job, timeout)
    except QueryTimeoutError as e:
        raise QueryTimeoutError(
            f"the write was stopped after {timeout:g} s (staging, validation and inference); "
            "nothing was changed"
        ) from e
    except StoreError as e:  # the same class: a lost worker stays a 503
        raise type(e)(f"the write failed unexpectedly; nothing was changed ({e})") from e
