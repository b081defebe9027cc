"""The query editor in a real Chromium: examples menu, run, result table, shared link.

Chromium comes from the system (/usr/bin/chromium, Debian's package), driven by
Playwright with ``executable_path``: no browser is downloaded. Under CI=true a missing
browser fails the test. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from conftest import ARTIFACTS, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.thb_requests = []  # type: ignore[attr-defined]
    page.thb_errors = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.thb_requests.append(r.url))
    page.on("pageerror", lambda e: page.thb_errors.append(str(e)))
    page.on("console", lambda m: page.thb_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def _editor_query(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("window.thbYasgui.getTab().getQuery()"))


def test_pick_an_example_run_it_and_see_the_table(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert "PREFIX thb: <https://w3id.org/thb-graph/ontology#>" in _editor_query(page)

    options = page.locator("#examples option")
    assert options.count() >= 2, "the menu lists the examples of queries/"
    name = options.nth(1).get_attribute("value")
    page.select_option("#examples", value=name)
    assert page.locator("#example-description").inner_text().strip()
    assert _editor_query(page).lstrip().startswith("# title:")

    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)
    headers = [
        h.strip().lstrip("?")
        for h in page.locator(".yasr table.dataTable thead th").all_inner_texts()
    ]
    assert any(h for h in headers), headers
    assert page.locator(".yasr table.dataTable tbody tr").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sparql-editor.png"), full_page=True)

    origin = urlsplit(live_server.url).netloc
    elsewhere = [u for u in page.thb_requests if urlsplit(u).netloc not in (origin, "")]
    assert elsewhere == [], "the editor works offline: nothing is fetched from elsewhere"
    assert page.thb_errors == []


def test_a_shared_link_is_short_and_reopens_the_query(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # " + "a long comment " * 100
    page.goto(f"{live_server.url}/sparql?query={quote(query)}&lang=fr")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert _editor_query(page) == query
    assert not page.locator("#share-anchor").is_visible(), "no empty link before one is made"
    page.click("#share-link")
    page.locator("#share-anchor").wait_for(state="visible")
    link = page.locator("#share-anchor").get_attribute("href")
    assert link and "/q/" in link and "query=" not in link, link
    assert len(link) < len(live_server.url) + 30, f"{len(link)} characters: {link}"
    assert link.endswith("?lang=fr")
    page.goto(link)
    page.wait_for_selector(".yasqe .CodeMirror")
    assert _editor_query(page) == query
    assert page.get_attribute("html", "lang") == "fr"
    assert page.thb_errors == []


def test_result_iris_of_unsafe_schemes_are_text_not_links(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    query = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <JavaScript:alert(2)>"
        " <data:text/html,x> <vbscript:x> <https://example.org/ok> } }"
    )
    page.goto(f"{live_server.url}/sparql?query={quote(query)}")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)
    table = page.locator(".yasr table.dataTable tbody")
    assert "javascript:alert(1)" in table.inner_text()
    hrefs = page.evaluate(
        "Array.from(document.querySelectorAll('#yasgui a[href]'), a => a.protocol)"
    )
    assert set(hrefs) <= {"http:", "https:", "mailto:"}, hrefs
    # result IRIs open their page on this site, which shows an unsafe scheme as text
    local = ".yasr a[href*='/resource?iri=https%3A%2F%2Fexample.org%2Fok']"
    assert page.locator(local).count() == 1
    assert page.thb_errors == []


def test_numeric_results_are_offered_as_a_chart_that_fits_a_phone(
    browser, live_server: LiveServer
) -> None:  # type: ignore[no-untyped-def]
    query = (
        "SELECT ?place ?victims WHERE { VALUES (?place ?victims) "
        '{ ("Africa" 172) ("Eastern Europe" 159) ("Asia" 58) } }'
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server.url}/sparql?lang=fr&query={quote(query)}")
        page.wait_for_selector(".yasqe .CodeMirror")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)
        chart = page.locator(".yasr .select_chart")
        assert chart.count() == 1 and "Graphique" in (chart.text_content() or "")
        chart.click()
        page.wait_for_selector(".result-chart li")
        rows = page.locator(".result-chart li")
        assert rows.count() == 3
        assert rows.nth(0).locator(".chart-label").inner_text() == "Africa"
        assert rows.nth(0).locator(".chart-value").inner_text() == "172"
        widths = page.evaluate(
            "Array.from(document.querySelectorAll('.result-chart .chart-bar'), "
            "b => b.getBoundingClientRect().width / b.parentElement.getBoundingClientRect().width)"
        )
        assert widths[0] == pytest.approx(1.0, abs=0.01)
        assert widths[2] == pytest.approx(58 / 172, abs=0.02)
        for value in page.locator(".result-chart .chart-value").all():
            box = value.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390, "every value is visible"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sparql-chart-390.png"), full_page=True)
        # a result with no number in every row is not offered as a chart
        page.goto(f"{live_server.url}/sparql?query={quote('SELECT ?s WHERE { ?s ?p ?o } LIMIT 3')}")
        page.wait_for_selector(".yasqe .CodeMirror")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)
        classes = page.locator(".yasr .select_chart").get_attribute("class") or ""
        assert "disabled" in classes.split()
    finally:
        context.close()
    assert errors == []


def test_the_editor_speaks_french_under_lang_fr(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    """YASGUI's own words (view names, result count, buttons, sort labels) follow the page's
    language, while result values stay as they are."""
    query = 'SELECT ?x ?n WHERE { VALUES (?x ?n) { ("Table" 1) ("All" 2) } }'
    page.goto(f"{live_server.url}/sparql?lang=fr&query={quote(query)}")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator(".yasqe_queryButton").get_attribute("title") == "Lancer la requête"
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)
    page.wait_for_function(
        "document.querySelector('.yasr .select_table').textContent.includes('Tableau')"
    )
    header = page.locator(".yasr .yasr_header").inner_text()
    assert "Réponse" in header and "2 résultats en" in header
    assert "Table\n" not in header and "results in" not in header
    sorts = page.locator(".yasr table.dataTable thead [aria-label]").all()
    labels = [s.get_attribute("aria-label") or "" for s in sorts]
    assert labels and all("activer pour" in label for label in labels), labels
    cells = page.locator(".yasr table.dataTable tbody").inner_text()
    assert "Table" in cells and "All" in cells  # data are not translated
    assert page.thb_errors == []
