"""Run queries in killable worker processes, so that a timeout really stops the work.

Why processes: neither rdflib nor pyoxigraph can cancel a query running in the same
process. rdflib evaluates in Python with no cancellation hook, pyoxigraph in native code
that offers none, and a Python thread cannot be killed. A "timeout" that only stops
waiting would leave the query burning a core (or the GIL) long after the client got its
503, and a handful of such queries would take the server down.

So each query runs in a child process, forked from the server process that holds the
store. A fork shares the loaded store copy-on-write (rdflib's in-memory graphs, or
Oxigraph's open files, used read-only), so a child is ready in milliseconds without
reopening or rebuilding anything, which a spawned process would need. The child runs the
whole job (parse, guard, evaluate, serialise), sends back bytes, and waits for the next
job. When the time is up the parent sends SIGKILL: the work stops at once, its CPU and
memory come back, and a fresh child is forked on the next request. The server's threads
only wait on pipes meanwhile, so other requests keep being answered.

Freshness and hygiene: a child sees the store as it was when it was forked; when
``version()`` changes (a write) idle children are replaced before they serve again. A child
retires after ``max_jobs`` jobs (copy-on-write pages it touched stay private), and exits by
itself when its parent is gone. POSIX only (``os.fork``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from thb_graph.errors import QueryRejectedError, QueryTimeoutError, StoreError, ThbGraphError

J = TypeVar("J")
R = TypeVar("R")

_PARENT_CHECK_S = 1.0
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGCHLD")


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    generation: str
    jobs: int = 0
    started: float = field(default_factory=time.monotonic)


class Executor(Generic[J, R]):
    """A small pool of forked worker processes running ``target(job)`` under a deadline."""

    def __init__(
        self,
        target: Callable[[J], R],
        *,
        size: int = 2,
        version: Callable[[], str] = lambda: "",
        max_jobs: int = 500,
    ) -> None:
        self._target = target
        self._size = max(1, size)
        self._version = version
        self._max_jobs = max_jobs
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._closed = False
        self.owner_pid = os.getpid()

    @property
    def size(self) -> int:
        """Most worker processes alive at once."""
        return self._size

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (idle and busy)."""
        with self._cond:
            return [w.pid for w in (*self._idle, *self._busy)]

    def run(self, job: J, timeout: float) -> R:
        """``target(job)`` in a worker; the worker is killed if it takes more than ``timeout``.

        Raises QueryTimeoutError (also when no worker frees up in time), StoreError when a
        worker dies, or the domain error the target raised.
        """
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        healthy = False
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                raise QueryTimeoutError(
                    f"the query was stopped after {timeout:g} s, the time limit of this "
                    "endpoint; simplify it or add a LIMIT"
                )
            status, payload = worker.conn.recv()
            healthy = True
        except (EOFError, OSError) as e:
            raise StoreError("the query worker stopped unexpectedly") from e
        finally:
            self._release(worker, healthy=healthy)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        raise _rebuild_error(payload)

    def close(self) -> None:
        """Stop every worker (busy ones are killed when their job returns)."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            _kill(worker)

    # ---- pool ---------------------------------------------------------------------------

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError("the query executor is closed")
                generation = self._version()
                while self._idle:
                    worker = self._idle.pop()
                    if worker.generation == generation and worker.jobs < self._max_jobs:
                        self._busy.add(worker)
                        return worker
                    _kill(worker)
                if len(self._busy) + self._starting < self._size:
                    self._starting += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeoutError(
                        f"every query worker stayed busy for {timeout:g} s, the time limit; "
                        "the query was not run, try again later"
                    )
                self._cond.wait(remaining)
        try:
            worker = self._fork(generation)
        except OSError as e:
            raise StoreError(f"cannot start a query worker: {e}") from e
        finally:
            with self._cond:
                self._starting -= 1
        with self._cond:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker, *, healthy: bool) -> None:
        with self._cond:
            self._busy.discard(worker)
            if healthy and not self._closed:
                worker.jobs += 1
                self._idle.append(worker)
            else:
                _kill(worker)
            self._cond.notify()

    def _fork(self, generation: str) -> _Worker:
        parent_end, child_end = Pipe(duplex=True)
        with self._cond:
            inherited = [w.conn for w in (*self._idle, *self._busy)]
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never return into the parent's stack
            code = 0
            try:
                parent_end.close()
                for conn in inherited:
                    conn.close()
                _serve(child_end, self._target, parent_pid)
            except BaseException:  # the last resort of a forked child, which must _exit
                traceback.print_exc(file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        child_end.close()
        return _Worker(pid=pid, conn=parent_end, generation=generation)


def _serve(conn: Connection, target: Callable[[Any], Any], parent_pid: int) -> None:
    """The child's loop: one job in, one ``(status, payload)`` out, until the parent is gone."""
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    while True:
        if not conn.poll(_PARENT_CHECK_S):
            if os.getppid() != parent_pid:
                return
            continue
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", target(job))
        except ThbGraphError as e:
            reply = ("error", _encode_error(e))
        except RecursionError:
            reply = ("error", _encode_error(QueryRejectedError("the query is nested too deeply")))
        except MemoryError:
            reply = ("error", _encode_error(StoreError("the query needed more memory than free")))
        conn.send(reply)


def _encode_error(error: ThbGraphError) -> tuple[type[ThbGraphError], str, dict[str, Any]]:
    state = {k: v for k, v in vars(error).items() if k != "report"}
    return type(error), error.message, state


def _rebuild_error(payload: tuple[type[ThbGraphError], str, dict[str, Any]]) -> ThbGraphError:
    cls, message, state = payload
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def _kill(worker: _Worker) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(worker.pid, 0)
    worker.conn.close()
