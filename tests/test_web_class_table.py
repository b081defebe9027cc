"""Class pages as tables: a column per key property, sorting, facets that filter, the rows as
CSV and JSON, bad parameters as 400."""

from __future__ import annotations

import csv
import io

from htmlparse import page


def _rows(doc):  # type: ignore[no-untyped-def]
    return doc.find("table", class_="class-table").find("tbody").find_all("tr")


def test_figures_table_has_value_period_place_and_source_columns(pages_client):
    _, doc = page(pages_client, "/class/qb:Observation")
    heads = [
        th.text() for th in doc.find("table", class_="class-table").find("thead").find_all("th")
    ]
    for column in ("Name", "Value", "Date or period", "Place", "Source"):
        assert any(h.startswith(column) for h in heads), heads
    cells = _rows(doc)[0].find_all("td")
    assert {td.get("data-label") for td in cells} >= {"Value", "Place", "Source"}


def test_sorting_by_value_descending_puts_the_largest_first(pages_client):
    _, doc = page(pages_client, "/class/qb:Observation?sort=value&desc=1")
    numbers = []
    for tr in _rows(doc):
        text = tr.find("td", class_="num").find("span", class_="figure-number").text()
        numbers.append(float(text.replace(",", "").split("\u2013")[-1].split()[-1]))
    assert numbers == sorted(numbers, reverse=True)


def test_a_facet_filters_the_rows_and_says_it_is_selected(pages_client):
    _, doc = page(pages_client, "/class/qb:Observation")
    lists = doc.find_all("ul", class_="facet-list")
    assert lists, "at least one facet has more than one value"
    first = lists[0].find("a")
    count = int(first.parent.find("span", class_="muted").text())
    _, filtered = page(pages_client, first.get("href"))
    assert len(_rows(filtered)) == count
    selected = filtered.find_all("a", class_="selected")
    assert selected and selected[0].get("aria-current") == "true"


def test_table_as_csv_and_json(pages_client):
    response = pages_client.get("/class/qb:Observation.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and {"iri", "name", "value", "place", "source", "caveats"} <= set(rows[0])
    data = pages_client.get("/class/qb:Observation/rows.json?sort=name").get_json()
    assert data["total"] == len(rows) == len(data["rows"])
    assert data["rows"][0]["iri"].startswith("https://w3id.org/thb-graph/id/")


def test_unknown_sort_is_400(pages_client):
    response = pages_client.get("/class/qb:Observation?sort=nope")
    assert response.status_code == 400 and "sort must be one of" in response.get_json()["error"]
