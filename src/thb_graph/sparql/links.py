"""Short links to queries: each shared query kept under a key made from its text.

A link is pasted into articles and messages, so it must outlive the server: the table is a
SQLite file (safe across the server's processes). Anyone may make a link, so the table is
capped: each query at the endpoint's size limit, and a fixed number of links in all. A
query is kept only if it is one the endpoint would run (it parses, it is not an update), so
the table cannot be used to store arbitrary text. The same query always gets the same key.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from thb_graph.errors import BadRequestError, LinksFullError, TooLargeError
from thb_graph.sparql.guard import check_query

#: Letters of a key (lower-case base32); long enough that two queries rarely share one.
KEY_LENGTH = 10
KEY_PATTERN = re.compile(r"^[a-z2-7]{10,52}$")

_SCHEMA = "CREATE TABLE IF NOT EXISTS link (key TEXT PRIMARY KEY, query TEXT NOT NULL)"


class SharedQueries:
    """The table of shared queries in the SQLite file at ``path`` (made on first use)."""

    def __init__(self, path: Path, *, max_links: int, max_query_bytes: int) -> None:
        self.path = path
        self.max_links = max_links
        self.max_query_bytes = max_query_bytes
        self._made = False
        self._lock = threading.Lock()

    def keep(self, query: str) -> str:
        """The key of ``query``, adding it to the table if it is new.

        Raises BadRequestError (empty, not a query the endpoint runs), TooLargeError or
        LinksFullError; nothing is added then.
        """
        if not query.strip():
            raise BadRequestError("no query to link to: the query text is empty")
        size = len(query.encode("utf-8"))
        if size > self.max_query_bytes:
            raise TooLargeError(
                f"the query is {size} bytes; a shared query may be at most "
                f"{self.max_query_bytes} bytes"
            )
        check_query(query, full=True)  # the whole grammar: a broken query is not kept
        digest = base64.b32encode(hashlib.sha256(query.encode("utf-8")).digest())
        letters = digest.decode("ascii").rstrip("=").lower()
        with self._connect() as db, db:  # one transaction: committed, or rolled back
            db.execute("BEGIN IMMEDIATE")
            for length in (KEY_LENGTH, 16, len(letters)):
                key = letters[:length]
                row = db.execute("SELECT query FROM link WHERE key = ?", (key,)).fetchone()
                if row is not None and row[0] == query:
                    return key
                if row is None:
                    break
            (count,) = db.execute("SELECT COUNT(*) FROM link").fetchone()
            if count >= self.max_links:
                raise LinksFullError(
                    f"the table of shared queries is full ({count} links); nothing was "
                    "added: share the long link instead"
                )
            db.execute("INSERT INTO link (key, query) VALUES (?, ?)", (key, query))
            return key

    def find(self, key: str) -> str | None:
        """The query kept under ``key``, or None (an unknown or malformed key)."""
        if not KEY_PATTERN.match(key) or not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute("SELECT query FROM link WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _connect(self) -> closing[sqlite3.Connection]:
        with self._lock:
            if not self._made:  # the folder, the table and its journal mode, once
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with closing(sqlite3.connect(self.path, timeout=10)) as db:
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute(_SCHEMA)
                self._made = True
        return closing(sqlite3.connect(self.path, timeout=10, isolation_level=None))  # BEGIN: ours
