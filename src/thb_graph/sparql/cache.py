"""A result cache for repeated identical queries, keyed by the graph version.

Every key starts with ``store.version()``, which moves on with any write, so an entry can
never outlive the content it was computed from: after a write the old keys are simply never
asked for again, and the least recently used entries make room for new ones.

Use (in the endpoint, around the run-and-serialise step)::

    key = cache_key(store.version(), query, media_type, default_graphs, named_graphs, max_rows)
    body = cache.get(key)
    if body is None:
        body = run_and_serialise(...)
        cache.put(key, body)

Cache only complete answers (not the ones cut by a timeout or refused by a guard).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


def cache_key(
    version: str,
    query: str,
    media_type: str = "",
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    max_rows: int | None = None,
) -> str:
    """The key of one answer: the graph version and everything that shapes the answer."""
    parts = [
        query,
        media_type,
        None if default_graphs is None else list(default_graphs),
        None if named_graphs is None else list(named_graphs),
        max_rows,
    ]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8"))
    return f"{version}:{digest.hexdigest()}"


@dataclass
class CacheStats:
    """Counters of a cache since it was made."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0


class ResultCache(Generic[V]):
    """A thread-safe LRU map from keys to answers, bounded in entries and in bytes.

    ``size_of`` gives the weight of a value (``len`` of bytes by default); a value heavier
    than ``max_bytes`` is not kept.
    """

    def __init__(self, max_entries: int = 1024, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._entries: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def size_of(value: object) -> int:
        """The weight of a value: its length for bytes and strings, 1 otherwise."""
        return len(value) if isinstance(value, bytes | bytearray | str) else 1

    def get(self, key: str) -> V | None:
        """The value stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return found[0]

    def put(self, key: str, value: V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used as needed."""
        size = self.size_of(value)
        if self.max_entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
                self.stats.evictions += 1

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def bytes(self) -> int:
        """The total weight of the entries kept."""
        with self._lock:
            return self._bytes


__all__ = ["CacheStats", "ResultCache", "cache_key"]
