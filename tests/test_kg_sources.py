"""Where the sources come from (the checkout, else the packaged copy), where an installed
package keeps its store, copying the sources out, and refusing to build an empty graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from thb_graph import config
from thb_graph.cli import main
from thb_graph.config import load_settings
from thb_graph.errors import ConfigError
from thb_graph.kg.load import build_store
from thb_graph.kg.sources import check_sources, copy_sources
from thb_graph.kg.store import open_store


def test_in_a_checkout_the_sources_and_store_are_the_checkouts() -> None:
    settings = load_settings(env={})
    assert Path(settings.source_dir) == Path(config.__file__).resolve().parents[2]
    assert settings.store == "oxigraph:var/store"


def test_installed_the_sources_are_packaged_and_the_store_is_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "_checkout_dir", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = load_settings(env={})
    assert Path(settings.source_dir) == config.PACKAGED_SOURCES
    assert settings.store == f"oxigraph:{tmp_path / 'thb-graph' / 'store'}"
    assert settings.releases_dir == str(tmp_path / "thb-graph" / "releases")
    overridden = load_settings(env={"THB_GRAPH_STORE": "memory"})
    assert overridden.store == "memory"


def test_a_folder_without_sources_is_refused_with_the_way_out(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no sources in .*thb-graph init"):
        check_sources(tmp_path)
    settings = load_settings(env={}, overrides={"source_dir": str(tmp_path), "store": "memory"})
    store = open_store(settings)
    with pytest.raises(ConfigError, match="the graph would be empty"):
        build_store(settings, store)
    assert store.count() == 0


def test_init_copies_the_sources_and_never_over_existing_files(
    mini_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mine"
    written = copy_sources(mini_dir, target)
    assert [p.name for p in written] == ["ontology", "data", "shapes", "queries"]
    assert (target / "data" / "actors.ttl").read_bytes() == (
        mini_dir / "data" / "actors.ttl"
    ).read_bytes()
    done = CliRunner().invoke(main, ["--source-dir", str(mini_dir), "init", str(target)])
    assert done.exit_code == 2
    assert "not an empty folder" in done.output


def test_serving_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        main, ["--source-dir", str(tmp_path), "--store", "memory", "serve", "--get", "/health"]
    )
    assert done.exit_code == 2, done.output
    assert "no sources in" in done.output
