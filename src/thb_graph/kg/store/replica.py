"""A copy of an on-disk Oxigraph store, held in memory by a process of its own, whose
threads answer the queries.

Why: Oxigraph answers from memory about three times faster than from its on-disk store.
Here the server keeps the on-disk store as the record (every write commits there first),
and one clean process, started from the fork server, loads a copy into memory and starts a
reader thread each time the server asks for a query worker. Threads, not forked processes:
Oxigraph's in-memory store writes reference counts into the data it reads, so a forked
reader copies most of the pages it scans (measured: 272 of 453 MiB after one aggregate
query at a million triples) and every worker would end up with a copy of its own. Threads
share the one copy, and pyoxigraph lets them run in parallel while it evaluates.

A query cannot be stopped inside a thread, so a query over its time limit is stopped by
killing the whole replica (``kill_reader`` on the pid a reader reports): the other queries
it was answering get a clear 503 and are run again by their clients, and the next request
starts a new replica, which copies the store again (a few seconds at a million triples).

Writes: after each commit the server sends the replica the same update (the commit is one
data-only SPARQL Update, so applying it again gives the same state); the store's version
moves only once the replica has answered. So an answer is never cached under a version its
data does not have, and the next read after an acknowledged write sees it. Anything else
that changes the store (a load, a replaced or dropped graph) makes the replica copy the
store again. The replica exits with the server.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing import Pipe, get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from thb_graph.errors import StoreError

log = logging.getLogger(__name__)

_OWNER_CHECK_S = 1.0
_START_TIMEOUT_S = 3600.0


class ReaderMain(Protocol):
    """What a reader thread runs (picklable: it travels to the replica process)."""

    def __call__(self, conn: Connection, store: Any, owner_pid: int) -> None:
        """Serve jobs arriving on ``conn`` from ``store`` until ``owner_pid`` is gone."""


class MemoryReplica:
    """The server's handle on the replica process (thread-safe)."""

    def __init__(self, dump: Callable[[Path], None], wrap: Callable[[ox.Store], Any]) -> None:
        """``dump(path)`` writes the on-disk store as N-Quads to ``path``; ``wrap(native)``
        turns the replica's in-memory pyoxigraph store into what readers query (picklable).
        """
        self._dump = dump
        self._wrap = wrap
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._control: Connection | None = None
        self._fds: socket.socket | None = None
        self.loads = 0  # copies made of the store: the first, and one per reload
        self._retired: deque[int] = deque(maxlen=64)  # copies stopped on purpose

    # ---- the server's side --------------------------------------------------------------
    def start(self) -> None:
        """Copy the store into a new replica process (now, rather than at the first read)."""
        with self._lock:
            self._ensure()

    def spawn(self, conn: Connection, main: ReaderMain) -> int:
        """Start a reader thread running ``main(conn, store, server pid)``; the pid of the
        process it runs in (killing it stops every reader)."""
        with self._lock:
            for attempt in (1, 2):
                control, fds = self._ensure()
                try:
                    control.send(("reader", main))
                    socket.send_fds(fds, [b"f"], [conn.fileno()])
                    status, value = control.recv()
                except (OSError, EOFError) as e:  # the replica stopped: copy the store again
                    self._stop()
                    if attempt == 2:
                        raise StoreError(f"the in-memory copy of the store is lost: {e}") from e
                    continue
                if status != "ok":
                    raise StoreError(f"cannot start a reader of the in-memory copy: {value}")
                return int(value)
        raise AssertionError("unreachable")  # pragma: no cover

    def apply(self, update: str) -> None:
        """Apply a committed update to the copy (or copy the store again if that fails)."""
        with self._lock:
            if self._process is None:  # not started yet: it will copy the store as it is
                return
            control, _ = self._ensure()
            try:
                control.send(("update", update))
                status, value = control.recv()
            except (OSError, EOFError):
                status, value = "error", "the replica stopped"
            if status != "ok":
                log.warning("the copy in memory missed a write (%s): copying the store", value)
                self._stop(on_purpose=True)
                self._ensure()

    def reload(self) -> None:
        """Copy the store again (after a change that is not one update)."""
        with self._lock:
            if self._process is not None:
                self._stop(on_purpose=True)
                self._ensure()

    def stopped_on_purpose(self, pid: int) -> bool:
        """True when the copy running as ``pid`` was stopped on purpose (a reload, a missed
        write, closing): the queries it was answering can run again on the next copy."""
        return pid in self._retired

    def pid(self) -> int | None:
        """The replica process's id, while it runs."""
        process = self._process
        return process.pid if process is not None else None

    def close(self) -> None:
        """Stop the replica (its readers stop when the server does)."""
        with self._lock:
            self._stop(on_purpose=True)

    def _ensure(self) -> tuple[Connection, socket.socket]:
        if self._process is not None and self._process.is_alive():
            assert self._control is not None and self._fds is not None  # noqa: S101
            return self._control, self._fds
        self._stop()
        with tempfile.TemporaryDirectory(prefix="thb-replica-") as folder:
            path = Path(folder) / "store.nq"
            self._dump(path)
            control, child_control = Pipe(duplex=True)
            fds, child_fds = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            process = get_context("forkserver").Process(
                target=_replica_main,
                args=(child_control, child_fds, str(path), self._wrap, os.getpid()),
                name="thb-graph-replica",
                daemon=True,
            )
            process.start()
            child_control.close()
            child_fds.close()
            try:  # the copy is read before the dump is deleted
                ready = control.poll(_START_TIMEOUT_S) and control.recv()
            except EOFError:
                ready = None
            if not ready or ready[0] != "ok":
                process.kill()
                process.join(5)
                control.close()
                fds.close()
                why = ready[1] if ready else "it stopped while copying"
                raise StoreError(f"cannot hold the store in memory: {why}")
        self._process, self._control, self._fds = process, control, fds
        self.loads += 1
        return control, fds

    def _stop(self, *, on_purpose: bool = False) -> None:
        """Stop the copy's process; ``on_purpose`` records it first (see
        :meth:`stopped_on_purpose`), unlike a copy found dead."""
        process, self._process = self._process, None
        if on_purpose and process is not None and process.pid is not None:
            self._retired.append(process.pid)
        for channel in (self._control, self._fds):
            if channel is not None:
                channel.close()
        self._control = self._fds = None
        if process is not None:
            process.kill()
            process.join(5)


# ---- the replica's side -----------------------------------------------------------------
def _replica_main(
    control: Connection,
    fds: socket.socket,
    path: str,
    wrap: Callable[[ox.Store], Any],
    owner_pid: int,
) -> None:
    """Load the copy, then start readers and apply updates as the server asks."""
    try:
        native = ox.Store()
        native.load(path=path, format=ox.RdfFormat.N_QUADS)
        store = wrap(native)
    except (OSError, SyntaxError, ValueError, MemoryError) as e:
        control.send(("error", f"{type(e).__name__}: {e}"))
        return
    control.send(("ok", len(native)))
    while True:
        if not control.poll(_OWNER_CHECK_S):
            if not _alive(owner_pid):
                return
            continue
        try:
            command, argument = control.recv()
        except (EOFError, OSError):
            return
        if command == "reader":
            control.send(_start_reader(fds, store, argument, owner_pid))
        elif command == "update":
            try:
                native.update(argument)
                control.send(("ok", None))
            except (SyntaxError, OSError, RuntimeError, ValueError) as e:
                control.send(("error", str(e)))


def _start_reader(
    fds: socket.socket, store: Any, main: ReaderMain, owner_pid: int
) -> tuple[str, Any]:
    try:
        _, received, _, _ = socket.recv_fds(fds, 1, 1)
    except OSError as e:
        return "error", f"no channel for the reader: {e}"
    if len(received) != 1:
        return "error", "no channel for the reader"
    conn = Connection(received[0])
    thread = threading.Thread(
        target=_read, args=(main, conn, store, owner_pid), name="reader", daemon=True
    )
    thread.start()
    return "ok", os.getpid()


def _read(main: ReaderMain, conn: Connection, store: Any, owner_pid: int) -> None:
    """A reader thread: serve until the server closes the channel or is gone."""
    try:
        main(conn, store, owner_pid)
    except (OSError, EOFError):  # the server closed the channel
        pass
    finally:
        conn.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
