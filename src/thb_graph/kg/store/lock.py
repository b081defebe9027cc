"""The write lock of a store: one write at a time, across threads and server processes.

A thread lock serialises the writes of one process; ``fcntl.flock`` on
``{store}.write.lock`` beside an on-disk store makes several server processes over one store
take turns too. A backup (``kg.backup``) takes it as well, so that no write commits while
the store is copied.
"""

from __future__ import annotations

import fcntl
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from thb_graph.errors import ServerBusyError
from thb_graph.kg.store.base import Store


def lock_path_for(store: Store | Path) -> Path | None:
    """The lock file beside an on-disk store or its path (None for stores without a path)."""
    path = store if isinstance(store, Path) else store.location
    return Path(f"{path}.write.lock") if path is not None else None


@contextmanager
def exclusive(thread_lock: threading.Lock, path: Path | None, timeout: float) -> Iterator[None]:
    """Hold the write lock of this process and, with ``path``, of every process."""
    deadline = time.monotonic() + timeout
    busy = ServerBusyError(
        f"another write held the graph for {timeout:g} s; nothing was changed, try again",
        retry_after=math.ceil(timeout),
    )
    if not thread_lock.acquire(timeout=timeout):
        raise busy
    try:
        if path is None:
            yield
            return
        with open(path, "a+b") as handle:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise busy from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        thread_lock.release()
