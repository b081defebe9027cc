"""The package as a stranger installs it: an sdist built from the checkout, a wheel built from
that sdist, installed into a fresh virtual environment outside the checkout, serving the
graph from another folder with its store in the user data folder; then a SPARQL query, an
entity page, the query editor's files and every competency question against it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import LiveServer, free_port, require_part
from htmlparse import parse_html

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.package


@dataclass
class Installed:
    """A fresh virtual environment holding the built wheel, and a folder to run it from."""

    venv: Path
    home: Path
    env: dict[str, str]

    def thb_graph(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "thb-graph"), *args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    require_part(importlib.util.find_spec("ensurepip") is not None, "no venv/ensurepip")
    tmp = tmp_path_factory.mktemp("package")
    venv, dist, home = tmp / "venv", tmp / "dist", tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THB_GRAPH_", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), THB_GRAPH_QUERY_TIMEOUT_S="90")
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "install", "setuptools>=77", "wheel"], cwd=tmp, env=env)
    build_sdist = f"from setuptools import build_meta as b; b.build_sdist({str(dist)!r})"
    _run([str(venv / "bin" / "python"), "-c", build_sdist], cwd=ROOT, env=env)
    (sdist,) = dist.glob("thb_graph-*.tar.gz")
    _run([*pip, "wheel", "--no-deps", "-w", str(dist), str(sdist)], cwd=tmp, env=env)
    (wheel,) = dist.glob("thb_graph-*.whl")
    _run([*pip, "install", str(wheel)], cwd=tmp, env=env)
    return Installed(venv, home, env)


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[LiveServer]:
    port = free_port()
    log_path = installed.home / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(installed.venv / "bin" / "thb-graph"), "serve", "--port", str(port)],
            cwd=installed.home,
            env=installed.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait(server: LiveServer, timeout: float = 180) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the installed server exited:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the installed server did not answer in time:\n{server.output()}")


def _get(url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


def test_the_installed_code_is_outside_the_checkout(installed: Installed) -> None:
    python = installed.venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", "import thb_graph; print(thb_graph.__file__)"],
        cwd=installed.home,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(installed.venv)


def test_the_installed_server_answers_a_query_over_the_whole_graph(served: LiveServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    url = served.url + "/sparql?" + urllib.parse.urlencode({"query": query})
    status, media_type, body = _get(url, "application/sparql-results+json")
    assert status == 200 and media_type.startswith("application/sparql-results+json")
    count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert count > 5000, "the packaged sources were loaded"


def test_the_installed_server_shows_entity_pages_and_the_query_editor(
    served: LiveServer, installed: Installed
) -> None:
    status, media_type, body = _get(served.url + "/id/actor/ocrteh")
    assert status == 200 and media_type.startswith("text/html")
    assert "OCRTEH" in parse_html(body).text()
    status, media_type, body = _get(served.url + "/sparql")
    scripts = [s.get("src") or "" for s in parse_html(body).find_all("script", src=True)]
    assert any("yasgui" in s for s in scripts), scripts
    for src in scripts:
        url = urllib.parse.urljoin(served.url + "/sparql", src)
        assert _get(url, "*/*")[0] == 200, url
    assert (installed.home / "share" / "thb-graph" / "store").is_dir(), "store in XDG data"


def test_the_installed_server_answers_every_competency_question(served: LiveServer) -> None:
    env = {**os.environ, "THB_GRAPH_TEST_ENDPOINT": served.url + "/sparql"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/competency"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    assert "passed" in done.stdout


def test_init_copies_the_sources_out_and_an_empty_folder_is_refused(
    installed: Installed,
) -> None:
    done = installed.thb_graph("init", "mine")
    assert done.returncode == 0, done.stderr
    mine = installed.home / "mine"
    assert sorted(p.name for p in mine.iterdir()) == [
        "data",
        "ontology",
        "queries",
        "shapes",
        "sources",
    ]
    assert (mine / "sources" / "france-country-profile.txt").is_file()
    again = installed.thb_graph("init", "mine")
    assert again.returncode == 2 and "not an empty folder" in again.stderr
    (installed.home / "empty").mkdir()
    store = f"oxigraph:{installed.home / 'empty-store'}"
    refused = installed.thb_graph(
        "--source-dir", "empty", "--store", store, "serve", "--get", "/health"
    )
    assert refused.returncode == 2, refused.stderr
    assert "no sources in" in refused.stderr and "thb-graph init" in refused.stderr


@pytest.mark.browser
def test_the_installed_site_works_in_a_browser(served: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    """The smoke test of a person's first visit, in Chromium, against the installed package:
    home page, search, an entity page, an example query run in the editor; no script error
    and no request leaving the server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(served.url + "/")
        assert page.locator("h1").count() == 1
        page.goto(served.url + "/search?q=OCRTEH")
        page.locator("main a[href$='/id/actor/ocrteh']").first.click()
        page.wait_for_load_state()
        assert "/id/actor/ocrteh" in page.url
        assert "OCRTEH" in page.locator("h1").inner_text()
        page.goto(served.url + "/sparql")
        page.wait_for_selector(".yasqe .CodeMirror")
        name = page.locator("#examples option").nth(1).get_attribute("value")
        page.select_option("#examples", value=name)
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=30000)
        assert page.locator(".yasr table.dataTable tbody tr").count() >= 1
    finally:
        context.close()
    assert errors == []
    origin = urllib.parse.urlsplit(served.url).netloc
    assert [u for u in requests if urllib.parse.urlsplit(u).netloc not in (origin, "")] == []
