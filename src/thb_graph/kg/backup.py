"""Backups of an on-disk Oxigraph store, and restoring one.

A backup is a folder: ``store/`` (an Oxigraph store holding every named graph, the write
history included), ``meta.json`` (the store's metadata: the content hash of the sources it
was built from, the write counter) and ``backup.json`` (when, from where, how many quads).

It is consistent while a server runs: the backup takes the store's write lock
(``kg.store.lock``), so no write commits while it is copied. When no other process holds
the store, the engine's own backup is used (hard links to its immutable files where the
target is on the same disk). Beside a server, which holds the store, the store is opened
read-only and every quad copied into a new store: the engine's backup of a read-only store
would miss the writes not yet flushed from its log.

A restore replaces the store with a copy of the backup's (the server must be stopped); the
write counter moves past both the store's and the backup's, so no answer or ETag cached
before the restore is taken for one after it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, ConfigError, StoreError, StoreLockedError
from thb_graph.kg.store.lock import exclusive, lock_path_for
from thb_graph.kg.store.oxigraph import OxigraphStore

#: The parts of a backup folder.
STORE_DIR, META_FILE, MANIFEST_FILE = "store", "meta.json", "backup.json"


@dataclass(frozen=True)
class BackupReport:
    """What a backup or a restore did."""

    folder: Path
    store_path: Path
    quads: int
    seconds: float
    #: True when another process (a running server) held the store during the backup.
    beside_server: bool = False


def store_path(settings: Settings) -> Path:
    """The folder of the configured on-disk Oxigraph store; ConfigError for other stores."""
    spec = settings.store.strip()
    scheme, _, target = spec.partition(":")
    if scheme.lower() != "oxigraph" or not target.strip() or target.strip() == "memory":
        raise ConfigError(f"backups need an on-disk Oxigraph store (oxigraph:PATH), not {spec!r}")
    return Path(target.strip())


def backup_store(settings: Settings, folder: str | Path) -> BackupReport:
    """Back the configured store up into ``folder``, which must not exist yet."""
    started = time.monotonic()
    source = store_path(settings)
    target = Path(folder)
    if target.exists():
        raise BadRequestError(f"{target} already exists: name a new folder for the backup")
    if not source.is_dir():
        raise ConfigError(f"there is no store at {source} to back up")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with exclusive(threading.Lock(), lock_path_for(source), settings.write_timeout_s):
            quads, beside_server = _copy_store(source, partial / STORE_DIR)
            meta = _read_meta(source)
        _write_json(partial / META_FILE, meta)
        _write_json(
            partial / MANIFEST_FILE,
            {
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "store": str(source.resolve()),
                "quads": quads,
                "beside_server": beside_server,
            },
        )
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupReport(target, source, quads, time.monotonic() - started, beside_server)


def restore_store(settings: Settings, folder: str | Path) -> BackupReport:
    """Replace the configured store with the backup in ``folder``.

    Raises StoreLockedError when another process (a running server) holds the store, and
    BadRequestError when ``folder`` is not a backup.
    """
    started = time.monotonic()
    destination = store_path(settings)
    backup = Path(folder)
    manifest = _read_json(backup / MANIFEST_FILE, what="backup description")
    if not (backup / STORE_DIR).is_dir():
        raise BadRequestError(f"{backup} is not a backup: it has no {STORE_DIR}/ folder")
    incoming = destination.with_name(destination.name + ".restoring")
    replaced = destination.with_name(destination.name + ".replaced")
    for leftover in (incoming, replaced):
        shutil.rmtree(leftover, ignore_errors=True)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(threading.Lock(), lock_path_for(destination), settings.write_timeout_s):
        old_meta = _read_meta(destination) if destination.is_dir() else {}
        if destination.is_dir():
            _ensure_free(destination)
        try:
            shutil.copytree(backup / STORE_DIR, incoming)
            quads = _quads_in(incoming)
        except BaseException:
            shutil.rmtree(incoming, ignore_errors=True)
            raise
        expected = manifest.get("quads")
        if expected is not None and quads != expected:
            shutil.rmtree(incoming, ignore_errors=True)
            raise StoreError(
                f"the backup in {backup} holds {quads} quads, its description says {expected}: "
                "it is damaged; the store was left as it was"
            )
        meta = _read_json(backup / META_FILE, what="store metadata")
        meta["writes"] = max(int(old_meta.get("writes", 0)), int(meta.get("writes", 0))) + 1
        if destination.exists():
            os.replace(destination, replaced)
        os.replace(incoming, destination)
        _write_json(_meta_path(destination), meta)
        shutil.rmtree(replaced, ignore_errors=True)
    return BackupReport(backup, destination, quads, time.monotonic() - started)


# ---- parts --------------------------------------------------------------------------------


def _copy_store(source: Path, target: Path) -> tuple[int, bool]:
    """Copy the store at ``source`` into a new store at ``target``: the quads copied, and
    whether another process held it."""
    try:
        store = OxigraphStore(source)
    except StoreLockedError:
        store = OxigraphStore(source, read_only=True)
        try:
            copy = ox.Store(str(target))
            copy.bulk_extend(store.native.quads_for_pattern(None, None, None, None))
            copy.flush()
            copy.optimize()
            quads = len(copy)
            del copy
        except OSError as e:
            raise StoreError(f"the backup failed: {e}") from e
        return quads, True
    try:
        store.native.backup(str(target))
        return len(store.native), False
    except OSError as e:
        raise StoreError(f"the backup failed: {e}") from e
    finally:
        store.close()


def _ensure_free(destination: Path) -> None:
    """Raise StoreLockedError when another process holds the store at ``destination``."""
    try:
        store = OxigraphStore(destination)
    except StoreLockedError as e:
        raise StoreLockedError(
            f"the store at {destination} is held by another process, such as a running "
            "server: stop it before restoring"
        ) from e
    store.close()
    del store


def _quads_in(path: Path) -> int:
    try:
        store = ox.Store(str(path))
        count = len(store)
        store.flush()
        del store
    except OSError as e:
        raise StoreError(f"the restored copy at {path} does not open: {e}") from e
    return count


def _meta_path(store: Path) -> Path:
    return store.with_name(store.name + ".meta.json")


def _read_meta(store: Path) -> dict[str, Any]:
    path = _meta_path(store)
    return _read_json(path, what="store metadata") if path.exists() else {}


def _read_json(path: Path, *, what: str) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as e:
        raise BadRequestError(f"{path.parent} is not a backup: it has no {path.name}") from e
    except (OSError, ValueError) as e:
        raise StoreError(f"cannot read the {what} {path}: {e}") from e


def _write_json(path: Path, value: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
