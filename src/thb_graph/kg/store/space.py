"""Disk space and an on-disk store: refuse a write the disk has no room for before it
starts, and tell a full disk from other write failures.

The check before the write matters: a write the store engine itself cannot finish for
want of space keeps nothing, but the engine then refuses every later write, even once
there is room, until the store is reopened (``tests/test_faults.py`` shows both).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from thb_graph.errors import StorageFullError, StoreError

#: Free space a write needs beyond its own size: room for the engine's log, its flush of
#: the written data, and the metadata file.
MIN_FREE_BYTES = 4 * 1024 * 1024


def room_needed(size: int) -> int:
    """Free bytes the disk must have for a write of ``size`` bytes of text to start."""
    return MIN_FREE_BYTES + 4 * size


def ensure_room(path: Path, size: int) -> None:
    """StorageFullError when the disk holding ``path`` has less free space than a write of
    ``size`` bytes needs (:func:`room_needed`); nothing when the figure is unknown."""
    try:
        stat = os.statvfs(path)
    except OSError:
        return  # no figure: the engine's own error will say it
    free = stat.f_bavail * stat.f_frsize
    needed = room_needed(size)
    if free < needed:
        raise StorageFullError(
            f"the disk holding the store is full ({free // 1024} KiB free, at least "
            f"{needed // 1024} KiB needed for this write); nothing was changed"
        )


def write_error(what: str, error: OSError, *, atomic: bool = True) -> StoreError:
    """The domain error of a failed write: StorageFullError when the disk is full.
    ``atomic``: the write was one transaction, so nothing of it was kept."""
    if error.errno == errno.ENOSPC or "no space left" in str(error).lower():
        kept = "; nothing was changed" if atomic else ""
        return StorageFullError(
            f"{what}: the disk holding the store is full{kept}; once there is room again, "
            f"the store takes writes after it is reopened (restart the server) ({error})"
        )
    return StoreError(f"{what}: {error}")
