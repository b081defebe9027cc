"""Every page type in a real Chromium at 1280 px and at 390 px (a phone): nothing wider than
the screen, a citation on the page, axe-core (vendored, offline) finding no serious or
critical violation, and screenshots in test-artifacts/ for people to look at."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, TESTS, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

AXE = next((TESTS / "vendor").glob("axe-core-*.min.js"))
WIDTHS = {"desktop": 1280, "phone": 390}
#: page type -> (path, selector that must be visible once it is ready)
PAGE_TYPES = {
    "home": ("/", "h1"),
    "questions": ("/questions/", "ol.answers-index"),
    "answer": ("/questions/pcq-09-victims-by-region-2011", "table.answer-table"),
    "entity": ("/id/actor/ocrteh", "h1"),
    "chart": ("/id/observation/victims-all-nationalities-2011", "svg[role=img]"),
    "source": ("/id/source/amnesty-international-report", "h1"),
    "class-table": ("/class/qb:Observation", "h1"),
    "search": ("/search?q=OCRTEH", "h1"),
    "downloads": ("/download/", "table.downloads"),
    "ontology": ("/ontology", "h1"),
    "not-found": ("/id/actor/no-such-office", "h1"),
    "editor": ("/sparql?example=pcq-09-victims-by-region-2011", ".yasqe .CodeMirror"),
}
SCREENSHOTS = {"home", "answer", "entity", "chart", "editor", "class-table"}


@pytest.fixture
def open_page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """A function opening a path at a width in a fresh context (CSP bypassed so that the
    test can inject axe-core), recording page errors."""
    contexts = []

    def opener(path: str, width: int, ready: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.thb_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.thb_errors.append(str(e)))
        page.goto(live_server.url + path)
        page.wait_for_selector(ready, timeout=20000)
        return page

    yield opener
    for context in contexts:
        context.close()


def run_editor_query(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=20000)


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result
            if v["impact"] in ("serious", "critical")]  # fmt: skip


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_fits_the_screen_cites_and_passes_axe(open_page, kind: str, size: str) -> None:
    path, ready = PAGE_TYPES[kind]
    width = WIDTHS[size]
    page = open_page(path, width, ready)
    if kind == "editor":
        run_editor_query(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{path} is {overflow} px wide at {width} px"
    if kind != "editor":
        assert page.locator("#cite-text").count() == 1
        assert "CC BY 4.0" in page.locator("footer").inner_text()
    if kind in SCREENSHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}-{width}.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.thb_errors == []


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_in_french_fits_a_phone(open_page, kind: str) -> None:
    """French labels are longer (the search button, headings): the same pages under
    ``?lang=fr`` stay within 390 px too."""
    path, ready = PAGE_TYPES[kind]
    path += ("&" if "?" in path else "?") + "lang=fr"
    page = open_page(path, WIDTHS["phone"], ready)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= WIDTHS["phone"], f"{path} is {overflow} px wide at 390 px"
    assert page.thb_errors == []


def test_chart_shows_every_value_on_a_phone(open_page) -> None:
    page = open_page(PAGE_TYPES["chart"][0], 390, "svg[role=img]")
    chart = page.locator("svg[role=img]").first
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    values = [t.text_content() for t in page.locator("svg[role=img] .bar-value").all()]
    assert "172" in values
    for label in page.locator("svg[role=img] .bar-value").all():
        lb = label.bounding_box()
        assert lb is not None and lb["x"] + lb["width"] <= 390 + 0.5


def test_interpreted_figure_carries_its_badge_and_reading(open_page) -> None:
    page = open_page(PAGE_TYPES["chart"][0], 390, "svg[role=img]")
    badge = page.locator("[data-caveat=interpretation]").first
    assert badge.is_visible()
    assert "the same year" in page.locator(".cite-caveat").first.inner_text()


def test_status_is_shown_with_its_as_of_date(open_page) -> None:
    page = open_page("/id/legal/bill-amending-article-225-4-1", 390, "h1")
    assert page.locator("[data-caveat=as-of]").first.inner_text() == "as of 2013"


def test_home_is_short_on_a_phone(open_page) -> None:
    page = open_page("/", 390, "h1")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 12000, f"the home page is {height} px tall at 390 px"
