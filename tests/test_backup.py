"""Backups and restores: ``thb-graph backup`` while a real server runs and writes, then
``thb-graph restore`` once it is stopped; the restored store equals the backup, history
included. Also without a server, and the refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import MINI
from test_crash_safety import (
    IRIS,
    assert_store_valid,
    select,
    start_server,
    stop,
    units,
    write,
)
from thb_graph.config import load_settings
from thb_graph.errors import BadRequestError, ConfigError
from thb_graph.kg.backup import MANIFEST_FILE, STORE_DIR, backup_store, restore_store
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store


def thb(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "thb_graph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def nquads(path: Path) -> set[str]:
    """Every quad of the store at ``path`` as an N-Quads line (read-only)."""
    store = ox.Store.read_only(str(path))
    text = bytes(store.dump(format=ox.RdfFormat.N_QUADS) or b"").decode()
    return {line for line in text.splitlines() if line.strip()}


def history_size(lines: set[str]) -> int:
    return sum(1 for line in lines if line.rstrip(" .").endswith(f"<{IRIS.history_graph}>"))


@pytest.mark.server
def test_backup_while_serving_then_restore_gives_the_graph_of_the_backup(tmp_path: Path) -> None:
    store = tmp_path / "store"
    log = tmp_path / "server.log"
    flags = ("--store", f"oxigraph:{store}", "--source-dir", str(MINI))
    server = start_server(store, log)
    try:
        assert write(server, "backup-1").status_code == 200
        done = thb("backup", str(tmp_path / "b1"), *flags)
        assert done.returncode == 0, done.stderr
        assert "read-only beside the process holding it" in done.stderr
        assert write(server, "backup-2").status_code == 200
        assert units(server, "backup-") == {"backup-1", "backup-2"}
        refused = thb("restore", str(tmp_path / "b1"), *flags)
        assert refused.returncode == 2, refused.stderr
        assert "stop it before restoring" in refused.stderr
        assert units(server, "backup-") == {"backup-1", "backup-2"}, "the refusal changed nothing"
    finally:
        stop(server)
    backed_up = nquads(tmp_path / "b1" / STORE_DIR)
    assert any(f"{IRIS.id_prefix}actor/backup-1>" in line for line in backed_up)
    assert not any("backup-2" in line for line in backed_up)
    assert history_size(backed_up) > 0, "the write history is in the backup"

    done = thb("restore", str(tmp_path / "b1"), *flags)
    assert done.returncode == 0, done.stderr
    assert nquads(store) == backed_up, "the restored store equals the backup"
    assert not (tmp_path / "store.replaced").exists()
    assert not (tmp_path / "store.restoring").exists()

    server = start_server(store, log)
    try:
        assert units(server, "backup-") == {"backup-1"}
        activities = select(
            server,
            f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{IRIS.history_graph}> "
            "{ ?a a <http://www.w3.org/ns/prov#Activity> } }",
        )
        assert int(activities[0]["n"]) == 1, "the history of backup-1 only"
        assert write(server, "backup-3").status_code == 200, "the restored store takes writes"
        assert units(server, "backup-") == {"backup-1", "backup-3"}
    finally:
        stop(server)
    assert_store_valid(store)


def built_store(tmp_path: Path) -> tuple[Path, object]:
    settings = load_settings(
        env={}, overrides={"source_dir": str(MINI), "store": f"oxigraph:{tmp_path / 'store'}"}
    )
    store = open_store(settings)
    build_store(settings, store)
    store.update(
        f"INSERT DATA {{ GRAPH <{IRIS.history_graph}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"
    )  # only in the engine's log until it is flushed: a backup must hold it all the same
    return tmp_path / "store", (settings, store)


def test_backup_beside_a_holder_keeps_unflushed_writes_and_restores(tmp_path: Path) -> None:
    path, (settings, store) = built_store(tmp_path)
    before = store.version()  # type: ignore[attr-defined]
    report = backup_store(settings, tmp_path / "b")  # type: ignore[arg-type]
    assert report.beside_server, "this process holds the store, as a server would"
    store.update(f"DROP GRAPH <{IRIS.history_graph}>")  # type: ignore[attr-defined]
    store.close()  # type: ignore[attr-defined]
    del store
    assert (tmp_path / "b" / MANIFEST_FILE).exists()
    backed_up = nquads(tmp_path / "b" / STORE_DIR)
    assert "<urn:x:a> <urn:x:b> <urn:x:c>" in "\n".join(backed_up)
    assert len(backed_up) == report.quads
    assert "urn:x:a" not in "\n".join(nquads(path))
    restore_store(settings, tmp_path / "b")  # type: ignore[arg-type]
    assert nquads(path) == backed_up
    restored = open_store(settings)  # type: ignore[arg-type]
    assert restored.version() != before, "no answer cached before the restore is reused"
    restored.close()
    del restored
    again = backup_store(settings, tmp_path / "b2")  # type: ignore[arg-type]
    assert not again.beside_server, "nobody holds the store: the engine's own backup"
    assert nquads(tmp_path / "b2" / STORE_DIR) == backed_up


def test_backup_refuses_an_existing_folder_and_other_stores(tmp_path: Path) -> None:
    _, (settings, store) = built_store(tmp_path)
    (tmp_path / "taken").mkdir()
    with pytest.raises(BadRequestError, match="already exists"):
        backup_store(settings, tmp_path / "taken")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="on-disk Oxigraph store"):
        backup_store(settings.replace(store="memory"), tmp_path / "m")  # type: ignore[attr-defined]
    with pytest.raises(BadRequestError, match="not a backup"):
        restore_store(settings, tmp_path / "taken")  # type: ignore[arg-type]
    del store
