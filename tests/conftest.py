"""Shared fixtures: settings over the tiny fixture tree, built stores of every local backend,
the Flask app and its test client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from thb_graph.config import Settings, load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
#: The tiny hand-written source tree: ontology/, data/, shapes/, queries/.
MINI = DATA / "mini"

#: The local store backends every store test runs against.
LOCAL_STORES = ["memory", "oxigraph:memory"]


@pytest.fixture
def mini_dir() -> Path:
    """The fixture source tree (read-only: copy it with ``source_tree`` to change it)."""
    return MINI


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    """A writable copy of the fixture source tree."""
    target = tmp_path / "source"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def settings() -> Settings:
    """Settings over the fixture tree with an in-memory store, ignoring the environment and
    any config file (tests needing files on disk use ``tmp_path``)."""
    return load_settings(env={}, overrides={"source_dir": str(MINI), "store": "memory"})


@pytest.fixture(params=LOCAL_STORES)
def store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """A store of each local backend, built from the fixture tree (validated, inferred)."""
    opened = open_store(settings.replace(store=request.param))
    build_store(settings, opened)
    yield opened
    opened.close()


@pytest.fixture(params=LOCAL_STORES)
def empty_store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """An empty store of each local backend."""
    opened = open_store(settings.replace(store=request.param))
    yield opened
    opened.close()


@pytest.fixture
def app(settings: Settings, store: Store):  # type: ignore[no-untyped-def]
    """The Flask app over the built store."""
    from thb_graph.web import create_app

    application = create_app(settings, store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A test client of the app."""
    return app.test_client()
