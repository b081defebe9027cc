"""A real browser over a real server of the France graph: search, follow links, read a chart,
switch language; no console errors; headings, lang attributes and text alternatives present.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh page that records console errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}")
        if m.type in ("error", "warning") else None
    )  # fmt: skip
    opened.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # a request the browser cancels because the page moved on (suggestions still loading when
    # Enter submits the search) is not a failure of the site; any other failure is
    opened.on(
        "requestfailed",
        lambda r: problems.append(f"request failed: {r.url} ({r.failure})")
        if r.failure != "net::ERR_ABORTED" else None,
    )  # fmt: skip
    opened.problems = problems  # type: ignore[attr-defined]
    opened.base = live_server.url  # type: ignore[attr-defined]
    yield opened
    context.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_accessible_basics(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip()
    for svg in page.locator("svg[role=img]").all():
        labelled = (svg.get_attribute("aria-labelledby") or "").split()
        assert len(labelled) == 2
        for ident in labelled:
            assert page.locator(f"#{ident}").text_content().strip()
    for img in page.locator("img").all():
        assert img.get_attribute("alt") is not None


def test_search_follow_links_read_the_chart_and_switch_to_french(page):
    page.goto(page.base + "/")
    check_accessible_basics(page, "en")
    shot(page, "01-home")

    page.fill("#site-q", "OCRTEH")
    page.press("#site-q", "Enter")
    page.wait_for_load_state()
    assert "OCRTEH" in page.locator("h1").inner_text()
    shot(page, "02-search-ocrteh")

    page.locator("ol.results a.result-title").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Central Office for the Repression")
    check_accessible_basics(page, "en")
    shot(page, "03-ocrteh")

    glance = page.locator(".glance-row", has=page.locator("dt", has_text="Part of"))
    glance.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Ministry of the Interior"
    shot(page, "04-ministry")

    page.goto(page.base + "/search?q=all+nationalities+2011")
    page.locator("a.result-title", has_text="all nationalities").first.click()
    page.wait_for_load_state()
    chart = page.locator("svg[role=img]").first
    assert chart.is_visible()
    description = page.locator("#" + chart.get_attribute("aria-labelledby").split()[1])
    assert "Africa 172" in description.text_content()
    breakdown = page.locator("table.data-table").first  # related figures follow in a table too
    assert breakdown.locator("tbody tr").count() == 6
    check_accessible_basics(page, "en")
    shot(page, "05-cohort-2011")

    page.locator("nav.lang-switch a[hreflang=fr]").click()
    page.wait_for_load_state()
    check_accessible_basics(page, "fr")
    assert page.locator("h2#statements-heading").inner_text() == "Toutes les déclarations"
    assert page.locator("#breakdown-heading").inner_text().startswith("Répartition par")
    shot(page, "06-cohort-2011-fr")

    page.locator("nav.main-nav a").first.click()
    page.wait_for_load_state()
    check_accessible_basics(page, "fr")
    assert page.url.endswith("lang=fr")
    shot(page, "07-home-fr")
    assert page.problems == []  # type: ignore[attr-defined]


def test_ontology_downloads_and_a_law_render_without_errors(page):
    for name, path in (
        ("08-ontology", "/ontology"),
        ("09-downloads", "/download/"),
        ("10-law", "/id/legal/law-on-internal-security-2003"),
        ("11-class", "/class/thb:Organisation"),
    ):
        response = page.goto(page.base + path)
        assert response is not None and response.status == 200
        check_accessible_basics(page, "en")
        shot(page, name)
    assert page.problems == []  # type: ignore[attr-defined]
    page.goto(page.base + "/id/actor/nobody-at-all")
    assert page.locator("h1").inner_text() == "Page not found"
    assert all("404" in problem for problem in page.problems)  # type: ignore[attr-defined]


def test_pages_fit_a_phone_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        for name, path in (
            ("12-phone-home", "/"),
            ("13-phone-cohort", "/search?q=all+nationalities+2011"),
            ("14-phone-ontology", "/ontology"),
        ):
            phone.goto(live_server.url + path)
            if "search" in path:
                phone.locator("a.result-title", has_text="all nationalities").first.click()
                phone.wait_for_load_state()
                assert phone.locator("svg[role=img]").count() == 1
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide"
            shot(phone, name)
    finally:
        context.close()
