"""The documented deployment: nginx (docs/deploy/nginx.conf, as shipped) in front of a live
server under the path prefix /thb/, and the systemd unit (docs/deploy/thb-graph.service)
checked by systemd-analyze. Through nginx: pages whose links keep the prefix, /sparql,
content negotiation, downloads, absolute URLs in VoID, and an authorised write."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS, VOID

from conftest import free_port, launch_server, require_part
from htmlparse import parse_html

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy"
TOKEN = "deploy-test-token-0123456789abcdef"  # noqa: S105 - a test server's token
OCRTEH = URIRef("https://w3id.org/thb-graph/id/actor/ocrteh")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")


def _nginx_conf(site: str, prefix: Path, port: int, upstream: int) -> str:
    """The shipped site file on loopback ports, inside a main config of its own (no daemon,
    no master: it runs as the test's user, with every path under ``prefix``)."""
    assert "server 127.0.0.1:8000;" in site and "listen 80;" in site
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = {name: prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(parents=True, exist_ok=True)
    return f"""
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/access.log;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx on a free loopback port in front of a live server; the public base URL."""
    require_part(bool(NGINX), "no nginx (Debian package nginx)")
    folder = tmp_path_factory.mktemp("deploy")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(
        THB_GRAPH_STORE=f"oxigraph:{folder / 'store'}",
        THB_GRAPH_RELEASES_DIR=str(folder / "releases"),
        THB_GRAPH_TRUSTED_PROXIES="1",
        THB_GRAPH_WRITE_TOKEN=TOKEN,
        THB_GRAPH_QUERY_TIMEOUT_S="60",
    )
    server = launch_server(env, folder / "server.log", timeout=240)
    upstream = int(server.url.rsplit(":", 1)[1])
    port = free_port()
    conf = folder / "nginx.conf"
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    conf.write_text(_nginx_conf(site, folder / "nginx", port, upstream), encoding="utf-8")
    with (folder / "nginx.log").open("wb") as log:
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder / "nginx"), "-c", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/thb/health", nginx, folder / "nginx.log")
        yield base
    finally:
        nginx.terminate()
        nginx.wait(timeout=15)
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def _wait_for(url: str, nginx: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            pytest.fail(f"nginx exited with {nginx.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url}")


def _get(url: str, **headers: str) -> urllib.request.addinfourl:
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _local_links(html: bytes) -> list[str]:
    page = parse_html(html)
    found = [a.get("href") or "" for a in page.find_all("a", href=True)]
    found += [s.get("src") or "" for s in page.find_all("script", src=True)]
    found += [f.get("action") or "" for f in page.find_all("form", action=True)]
    return [u for u in found if u.startswith("/")]


@pytest.mark.nginx
@pytest.mark.server
@pytest.mark.parametrize("path", ["/thb/", "/thb/id/actor/ocrteh", "/thb/download/"])
def test_pages_through_nginx_keep_the_prefix_in_every_link(front: str, path: str) -> None:
    with _get(front + path, Accept="text/html") as answer:
        assert answer.status == 200
        assert answer.headers.get_content_type() == "text/html"
        links = _local_links(answer.read())
    assert links, "the page has links"
    assert all(link.startswith("/thb/") for link in links), [
        link for link in links if not link.startswith("/thb/")
    ]
    for link in {urllib.parse.urldefrag(link)[0] for link in links if "/static/" in link}:
        with _get(front + link) as asset:
            assert asset.status == 200, link


@pytest.mark.nginx
@pytest.mark.server
def test_the_endpoint_answers_through_nginx(front: str) -> None:
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    with _get(f"{front}/thb/sparql?{query}", Accept="application/sparql-results+json") as answer:
        assert json.loads(answer.read())["boolean"] is True
        assert answer.headers["X-THB-Version"]
    form = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}).encode()
    request = urllib.request.Request(
        f"{front}/thb/sparql", data=form, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert len(json.loads(answer.read())["results"]["bindings"]) == 3


@pytest.mark.nginx
@pytest.mark.server
def test_content_negotiation_and_absolute_urls_through_nginx(front: str) -> None:
    with _get(front + "/thb/id/actor/ocrteh", Accept="text/turtle") as answer:
        assert answer.headers.get_content_type() == "text/turtle"
        graph = Graph().parse(data=answer.read(), format="turtle")
        assert (OCRTEH, RDFS.label, None) in graph
        location = answer.headers["Content-Location"]
    assert urllib.parse.urlsplit(location).path.startswith("/thb/id/actor/ocrteh")
    with _get(front + "/thb/.well-known/void", Accept="text/turtle") as answer:
        void = Graph().parse(data=answer.read(), format="turtle")
    endpoints = set(void.objects(None, VOID.sparqlEndpoint))
    assert endpoints == {URIRef(front + "/thb/sparql")}
    dumps = {str(u) for u in void.objects(None, VOID.dataDump)}
    assert dumps and all(u.startswith(front + "/thb/download/") for u in dumps)
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(front + "/thb/download", timeout=30)
    moved.value.close()
    assert moved.value.code in (301, 302, 308)
    assert urllib.parse.urlsplit(moved.value.headers["Location"]).path == "/thb/download/"


@pytest.mark.nginx
@pytest.mark.server
def test_downloads_through_nginx(front: str) -> None:
    with _get(front + "/thb/download/thb-graph.nt", **{"Accept-Encoding": "identity"}) as answer:
        assert answer.status == 200
        body = answer.read()
    graph = Graph().parse(data=body, format="nt")
    assert (OCRTEH, RDFS.label, None) in graph


@pytest.mark.nginx
@pytest.mark.server
def test_an_authorised_write_through_nginx(front: str) -> None:
    update = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA { GRAPH "
        "<https://w3id.org/thb-graph/graph/data/actors> { "
        f'<{OCRTEH}> skos:altLabel "Deployed label"@en }} }}'
    )
    body = urllib.parse.urlencode({"update": update}).encode()
    refused = urllib.request.Request(f"{front}/thb/sparql/update", data=body)
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(refused, timeout=60)
    denied.value.close()
    assert denied.value.code == 401
    request = urllib.request.Request(
        f"{front}/thb/sparql/update", data=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        assert answer.status in (200, 204)
    query = urllib.parse.urlencode(
        {"query": f'ASK {{ <{OCRTEH}> <{SKOS.altLabel}> "Deployed label"@en }}'}
    )
    with _get(f"{front}/thb/sparql?{query}", Accept="application/sparql-results+json") as answer:
        assert json.loads(answer.read())["boolean"] is True


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    require_part(bool(analyze), "no systemd-analyze (Debian package systemd)")
    unit = (DEPLOY / "thb-graph.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/thb-graph/bin/thb-graph serve" in unit
    here = tmp_path / "thb-graph.service"  # the command must exist for verify to pass
    here.write_text(unit.replace("/opt/thb-graph/bin/thb-graph", "/bin/true"), encoding="utf-8")
    done = subprocess.run(
        [str(analyze), "verify", str(here)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "thb-graph.service:" not in done.stderr, done.stderr
