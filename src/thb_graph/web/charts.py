"""Server-side SVG bar charts: readable without JavaScript, described for screen readers.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (the desc lists
every bar with its value), and is always shown next to a data table holding the same
numbers, so nothing depends on seeing the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

ROW_HEIGHT = 34
BAR_HEIGHT = 22
LABEL_WIDTH = 250
VALUE_ROOM = 90
WIDTH = 720
MAX_LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its number, and the number as text."""

    label: str
    value: Decimal
    text: str
    lang: str | None = None


def _short(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1].rstrip() + "\u2026"


def describe_bars(bars: list[Bar]) -> str:
    """'Africa 172; Asia 58' — the numbers of a chart as one sentence part."""
    return "; ".join(f"{b.label} {b.text}" for b in bars)


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart as inline SVG; ``chart_id`` must be unique on the page."""
    safe_id = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    height = max(1, len(bars)) * ROW_HEIGHT + 12
    top = max((b.value for b in bars), default=Decimal(0))
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    parts = [
        f'<svg class="chart" id="{safe_id}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{safe_id}-title {safe_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<desc id="{safe_id}-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = 6 + i * ROW_HEIGHT
        length = 0.0 if top <= 0 else float(bar.value / top) * room
        length = max(length, 2.0) if bar.value > 0 else 0.0
        mid = y + BAR_HEIGHT / 2
        lang = f' lang="{escape(bar.lang)}"' if bar.lang else ""
        parts.append(
            f'<g class="bar"><text class="bar-label" x="{LABEL_WIDTH - 10}" y="{mid:.1f}" '
            f'text-anchor="end" dominant-baseline="middle"{lang}>{escape(_short(bar.label))}'
            f"</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="3">'
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            f'<text class="bar-value" x="{LABEL_WIDTH + length + 8:.1f}" y="{mid:.1f}" '
            f'dominant-baseline="middle">{escape(bar.text)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
