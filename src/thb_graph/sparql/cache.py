"""The answer cache: finished answers of repeated identical requests, keyed by the graph version.

Every key starts with ``store.version()``, which moves on with any write, so an entry can
never outlive the content it was computed from: after a write the old keys are simply never
asked for again, and the least recently used entries make room for new ones.

There is one cache per application. The endpoint fills it with complete answers (never the
ones cut by a timeout, refused by a guard, or errors); the layer in front of the web
framework replays them (see ``web.replay``); the ETag of an answer is derived from its key,
so a client revalidating gets 304 for exactly the answers the cache would replay.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

#: The request fields that can change an answer, besides the version and the body.
KEY_FIELDS = ("method", "script_name", "query_string", "content_type", "accept", "host", "scheme")


def answer_key(version: str, fields: Sequence[str], body: bytes = b"") -> str:
    """The key of one answer: the graph version and everything in the request that shapes
    the answer (``fields`` in the order of ``KEY_FIELDS``, and the body)."""
    digest = hashlib.sha256()
    for part in (*(f.encode("utf-8", "surrogateescape") for f in fields), body):
        digest.update(b"%d:" % len(part) + part)  # length-prefixed: no two splits collide
    return f"{version}:{digest.hexdigest()}"


def etag_of(key: str) -> str:
    """The entity tag of the answer stored under ``key`` (short, opaque, quotable)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class StoredAnswer:
    """A finished answer as it was sent: status line, headers and body."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass
class CacheStats:
    """Counters of a cache since it was made."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0


class ResultCache(Generic[V]):
    """A thread-safe LRU map from keys to values, bounded in entries and in bytes.

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


class AnswerCache(ResultCache[StoredAnswer]):
    """The answers of repeated identical requests, weighed by their body size."""

    def __init__(self, max_entries: int = 1024, max_bytes: int = 32 * 1024 * 1024) -> None:
        super().__init__(max_entries, max_bytes)

    @staticmethod
    def size_of(value: object) -> int:
        """The size of an answer's body."""
        return len(value.body) if isinstance(value, StoredAnswer) else 1


__all__ = [
    "KEY_FIELDS",
    "AnswerCache",
    "CacheStats",
    "ResultCache",
    "StoredAnswer",
    "answer_key",
    "etag_of",
]
