"""Server-rendered bar charts (templates/partials/bar_chart.html).

`bar_chart` does the arithmetic the template cannot: bar lengths and positions in SVG user
units, as whole numbers pre-formatted as text (the template would otherwise localise a
float as "12,5" in Dutch and break the SVG). No JavaScript and no style attributes: the
strict CSP allows neither.

Small-cell suppression (reference.md §6.4): with `suppress_below=5`, a count under 5 is
shown as "<5" and gets no bar, because a bar's length would give the number away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import Truncator

WIDTH = 360
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
GAP = 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + GAP
LABEL_CHARS = 40
SUPPRESSED = "<5"


def display_count(n: int, *, suppress_below: int = 0) -> str:
    """The number as a page may show it: "<5" when it is suppressed."""
    return SUPPRESSED if n < suppress_below else str(n)


@dataclass(frozen=True)
class ChartRow:
    label: str
    short_label: str
    display: str
    text_y: str
    bar_y: str
    bar_width: str  # "0" when there is no bar


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    rows: list[ChartRow]
    width: str
    height: str
    bar_height: str
    value_heading: str


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Iterable[tuple[str, int]],
    suppress_below: int = 0,
    value_heading: str = "",
) -> Chart:
    """A horizontal bar chart of (label, count) pairs, in the given order."""
    items = [(str(label), int(n)) for label, n in items]
    shown = [n for _label, n in items if n >= suppress_below]
    top = max(shown, default=0)
    rows = []
    for index, (label, n) in enumerate(items):
        y = index * ROW_HEIGHT
        width = 0
        if n >= suppress_below and n > 0 and top:
            width = max(2, round(WIDTH * n / top))
        rows.append(
            ChartRow(
                label=label,
                short_label=Truncator(label).chars(LABEL_CHARS),
                display=display_count(n, suppress_below=suppress_below),
                text_y=str(y + LABEL_HEIGHT - 4),
                bar_y=str(y + LABEL_HEIGHT),
                bar_width=str(width),
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        rows=rows,
        width=str(WIDTH),
        height=str(max(ROW_HEIGHT * len(rows) - GAP, 1)),
        bar_height=str(BAR_HEIGHT),
        value_heading=value_heading,
    )


__all__ = ["Chart", "ChartRow", "SUPPRESSED", "bar_chart", "display_count"]
