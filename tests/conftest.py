"""Shared fixtures: settings over the tiny fixture tree, built stores of every local backend,
the Flask app and its test client."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from thb_graph.config import Settings, load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store

# The shared checks of tests/htmlparse.py and tests/competency/answers.py assert: keep
# pytest's detailed failure messages for them too.
pytest.register_assert_rewrite("answers", "htmlparse")

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
    yield application
    application.extensions["thb_graph"].close()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A test client of the app."""
    return app.test_client()


#: The fixture tree of the page tests: an organisation with its parent ministry, a law with
#: articles and an amendment, a total figure with its regional parts, sources.
PAGES = DATA / "pages"


@pytest.fixture(scope="session", params=LOCAL_STORES)
def pages_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A store of each local backend built from ``tests/data/pages`` (shared, read-only)."""
    built = load_settings(env={}, overrides={"source_dir": str(PAGES), "store": request.param})
    opened = open_store(built)
    build_store(built, opened, validate=False)
    yield opened
    opened.close()


@pytest.fixture
def pages_settings() -> Settings:
    """Settings over the page fixture tree."""
    return load_settings(env={}, overrides={"source_dir": str(PAGES), "store": "memory"})


@pytest.fixture
def pages_client(pages_settings: Settings, pages_store: Store):  # type: ignore[no-untyped-def]
    """A test client of the app over the page fixture store."""
    from thb_graph.web import create_app

    application = create_app(pages_settings, pages_store)
    application.config["TESTING"] = True
    return application.test_client()


# ---- a real server process ------------------------------------------------------------


def require_part(available: bool, reason: str) -> None:
    """Skip a test whose real part (server, browser...) is missing; fail instead under CI."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a missing part is a failure)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running ``thb-graph serve`` process."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``python -m thb_graph serve`` on a free loopback port over a fresh on-disk store of
    the project's sources (THB_GRAPH_SOURCE_DIR may point elsewhere), polled until it
    answers; fails with its output if it dies or never answers."""
    folder = tmp_path_factory.mktemp("live-server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    if "THB_GRAPH_SOURCE_DIR" in os.environ:
        env["THB_GRAPH_SOURCE_DIR"] = os.environ["THB_GRAPH_SOURCE_DIR"]
    env.update(
        THB_GRAPH_STORE=f"oxigraph:{folder / 'store'}",
        THB_GRAPH_QUERY_TIMEOUT_S="3",
        THB_GRAPH_LINKS_FILE=str(folder / "links.sqlite"),
        THB_GRAPH_WORKERS="2",
    )
    server = launch_server(env, folder / "server.log", timeout=180)
    process = server.process
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch_server(
    env: dict[str, str],
    log_path: Path,
    *,
    timeout: float,
    new_session: bool = False,
    port: int | None = None,
) -> LiveServer:
    """``python -m thb_graph serve`` with ``env`` on a free loopback port (or ``port``), its
    output appended to ``log_path``, polled until ``/health`` answers; fails with that output
    if it exits or does not answer within ``timeout`` seconds (killed first). ``new_session``
    starts it in its own process group, so that a signal to the group reaches its workers."""
    port = port or free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "thb_graph", "serve", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=new_session,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    ready = False
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{server.output()}")
            try:
                with urllib.request.urlopen(server.url + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        ready = True
                        return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer in time:\n{server.output()}")
            time.sleep(0.1)
    finally:
        if not ready:
            with contextlib.suppress(ProcessLookupError):
                if new_session:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
            process.wait()


# ---- a real browser ------------------------------------------------------------------------

#: Chromium from the system (Debian's package); THB_GRAPH_CHROMIUM may point elsewhere.
CHROMIUM = os.environ.get("THB_GRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where browser tests leave their screenshots.
ARTIFACTS = TESTS.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium driven by Playwright with ``executable_path``: no browser is downloaded."""
    require_part(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)), f"no {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_part(False, "Playwright for Python is not installed")
        raise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# ---- the real France graph (competency questions) ---------------------------------------

ROOT = TESTS.parent
QUERIES = ROOT / "queries"


#: A served graph's SPARQL endpoint to ask the competency questions instead (set by
#: tests/test_package.py for the installed package's server).
SERVED_ENDPOINT = os.environ.get("THB_GRAPH_TEST_ENDPOINT", "")


@pytest.fixture(
    scope="session", params=[f"sparql:{SERVED_ENDPOINT}"] if SERVED_ENDPOINT else LOCAL_STORES
)
def france(request: pytest.FixtureRequest) -> Iterator[Store]:
    """The real France graph, validated, inferred and loaded into each local backend (or
    the graph served at THB_GRAPH_TEST_ENDPOINT, queried as it is)."""
    overrides = {"source_dir": str(ROOT), "store": request.param}
    if SERVED_ENDPOINT:  # a busy machine must not turn a slow answer into a failure
        overrides["query_timeout_s"] = "120"
    real = load_settings(env={}, overrides=overrides)
    opened = open_store(real)
    if not SERVED_ENDPOINT:
        build_store(real, opened)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def ask(france: Store):  # type: ignore[no-untyped-def]
    """Run ``queries/NAME.rq`` over the France graph; rows as dicts of rdflib terms."""

    def run(name: str) -> list[dict[str, object]]:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        return france.query(text).dicts()  # type: ignore[return-value]

    return run
