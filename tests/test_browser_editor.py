"""The query editor read by a person, in a real Chromium: an example opened by its short
name, results named by their labels and linked to the pages here (no typed literals), a
readable error with line and column, and the interface in French."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def editor(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.thb_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.thb_errors.append(str(e)))
    yield page
    context.close()


def _run(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".yasqe_queryButton")


def test_example_by_short_name_answers_with_labels_and_local_links(editor, live_server):
    editor.goto(live_server.url + "/sparql?example=pcq-09-victims-by-region-2011")
    editor.wait_for_selector(".yasqe .CodeMirror")
    assert editor.locator("#examples").input_value() == "pcq-09-victims-by-region-2011"
    _run(editor)
    editor.wait_for_selector(".yasr table.dataTable tbody tr")
    editor.wait_for_function(
        "() => [...document.querySelectorAll('.yasr a.iri')].some(a => a.textContent === 'Africa')"
    )
    table = editor.locator(".yasr table.dataTable").inner_text()
    assert "^^" not in table and "xsd:integer" not in table
    assert "https://w3id.org" not in table
    hrefs = [a.get_attribute("href") for a in editor.locator(".yasr a.iri").all()]
    assert hrefs and all(
        urlsplit(h).netloc in ("", urlsplit(live_server.url).netloc) for h in hrefs
    )
    assert any(h.startswith("/id/") for h in hrefs)
    width = editor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results widen the page to {width} px"
    editor.click("#share-link")
    shared = editor.locator("#share-anchor").get_attribute("href")
    assert shared.endswith("/sparql?example=pcq-09-victims-by-region-2011")
    assert editor.thb_errors == []


def test_a_broken_query_says_what_and_where(editor, live_server):
    editor.goto(
        live_server.url + "/sparql?query=" + "SELECT%20*%20WHERE%20%7B%0A%20%20%3Fs%20%3Fp%20%7D"
    )
    editor.wait_for_selector(".yasqe .CodeMirror")
    _run(editor)
    panel = editor.locator("#query-error")
    panel.wait_for(state="visible")
    assert "line 2" in panel.locator(".query-error-where").inner_text().lower()
    assert not panel.locator(".query-error-message").inner_text().lstrip().startswith("{")


def test_editor_speaks_french_under_lang_fr(editor, live_server):
    editor.goto(live_server.url + "/sparql?lang=fr")
    editor.wait_for_selector(".yasqe .CodeMirror")
    assert editor.get_attribute("html", "lang") == "fr"
    assert editor.locator("h1").inner_text() == "Éditeur de requêtes SPARQL"
    assert editor.locator("label[for=examples]").inner_text() == "Exemples de requêtes"
