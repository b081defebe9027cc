"""The metadata of a store (content hash of its sources, count of writes): a JSON file
beside an on-disk store, replaced whole on every write; a dict for one in memory."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from thb_graph.errors import StoreError


class MetaFile:
    """Reads and writes the metadata of the store at ``store_path`` (None: in memory)."""

    def __init__(self, store_path: Path | None) -> None:
        self.path = (
            None if store_path is None else store_path.with_name(store_path.name + ".meta.json")
        )
        self._memory: dict[str, Any] = {}
        self._signature: tuple[int, int, int] | None = None
        self._text = ""

    def read(self) -> dict[str, Any]:
        """The metadata (empty when none was written); read again only when it changed."""
        if self.path is None:
            return self._memory
        try:
            stat = self.path.stat()
            # the file is replaced whole on every write: unchanged identity, unchanged text
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if signature != self._signature:
                self._text = self.path.read_text(encoding="utf-8")
                self._signature = signature
            return dict(json.loads(self._text))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot read the store metadata {self.path}: {e}") from e

    def write(self, meta: dict[str, Any]) -> None:
        """Replace the metadata atomically (OSError when the disk refuses)."""
        if self.path is None:
            self._memory = meta
            return
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(meta, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
