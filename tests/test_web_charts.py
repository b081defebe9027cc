"""Server-side SVG charts: their text alternatives and their escaping."""

from __future__ import annotations

from decimal import Decimal

from htmlparse import parse_html
from thb_graph.web.charts import Bar, bar_chart, describe_bars


def test_chart_is_an_image_named_by_its_title_and_description():
    bars = [Bar("Africa", Decimal(172), "172"), Bar("Asia", Decimal(58), "58")]
    doc = parse_html(str(bar_chart("c1", "Victims 2011", describe_bars(bars), bars)))
    svg = doc.find("svg")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert doc.find("title", id="c1-title").text() == "Victims 2011"
    assert doc.find("desc", id="c1-desc").text() == "Africa 172; Asia 58"
    widths = [float(r.get("width")) for r in doc.find_all("rect")]
    assert widths[0] > widths[1] > 0


def test_chart_text_is_escaped():
    bars = [Bar("<script>x</script>", Decimal(1), "1")]
    markup = str(bar_chart("c2", "<b>t</b>", "d", bars))
    assert "<script>" not in markup and "<b>" not in markup
    assert parse_html(markup).find("script") is None


def test_zero_and_empty_charts_draw_no_bars():
    doc = parse_html(str(bar_chart("c3", "t", "d", [Bar("none", Decimal(0), "0")])))
    assert doc.find("rect").get("width") == "0.0"
    assert parse_html(str(bar_chart("c4", "t", "d", []))).find("rect") is None
