"""Server-rendered bar charts (templates/partials/bar_chart.html).

`bar_chart` does the arithmetic the template cannot: bar lengths and positions in SVG user
units, as whole numbers pre-formatted as text (the template would otherwise localise a
float as "12,5" in Dutch and break the SVG). No JavaScript and no style attributes: the
strict CSP allows neither.

Small-count suppression (stetapp.suppression, docs/decisions.md 23): with
`suppressed=True`, a count from 1 to 4 is shown as "<5" and gets no bar, because a bar's
length would give the number away; 0 is shown as 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.text import Truncator

from .suppression import is_hidden, suppress

WIDTH = 360
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
GAP = 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + GAP
LABEL_CHARS = 40


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
    suppressed: bool = False,
    value_heading: str = "",
) -> Chart:
    """A horizontal bar chart of (label, count) pairs, in the given order; with
    `suppressed`, counts of people as stetapp.suppression shows them."""
    items = [(str(label), int(n)) for label, n in items]

    def hidden(n: int) -> bool:
        return suppressed and is_hidden(n)

    top = max((n for _label, n in items if not hidden(n)), default=0)
    rows = []
    for index, (label, n) in enumerate(items):
        y = index * ROW_HEIGHT
        width = 0
        if not hidden(n) and n > 0 and top:
            width = max(2, round(WIDTH * n / top))
        rows.append(
            ChartRow(
                label=label,
                short_label=Truncator(label).chars(LABEL_CHARS),
                display=suppress(n) if suppressed else str(n),
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


def percent_chart(
    *, chart_id: str, title: str, items: Iterable[tuple[str, int]], value_heading: str = ""
) -> Chart:
    """A bar chart of percentages: the bars are scaled to 100 %, not to the largest value
    (bar_chart scales to the largest, which is right for counts)."""
    items = [(str(label), int(pct)) for label, pct in items]
    chart = bar_chart(chart_id=chart_id, title=title, items=items, value_heading=value_heading)
    rows = [
        replace(row, bar_width=str(max(2, round(WIDTH * pct / 100)) if pct else 0))
        for row, (_label, pct) in zip(chart.rows, items, strict=True)
    ]
    return replace(chart, rows=rows)


# Paired bars (budget against actual): a label, then two bars under it.
PAIR_LABEL = 18
PAIR_BAR = 12
PAIR_GAP = 14
PAIR_ROW = PAIR_LABEL + 2 * PAIR_BAR + 2 + PAIR_GAP


@dataclass(frozen=True)
class PairedBarRow:
    label: str
    text_y: str
    first_y: str
    second_y: str
    first_width: str  # "0" when there is no bar
    second_width: str
    flagged: bool  # the second bar is drawn in the warning colour


@dataclass(frozen=True)
class PairedBarChart:
    rows: list[PairedBarRow]
    width: str
    height: str
    bar_height: str


def paired_bar_chart(*, items: Iterable[tuple[str, Decimal, Decimal, bool]]) -> PairedBarChart:
    """Two horizontal bars per (label, first, second, flagged), on one scale (the largest
    value is the full width); for budget against actual (templates/funding/
    _budget_against_actual.html): first is budgeted, second is spent, flagged is over
    budget."""
    items = list(items)
    top = max([first for _l, first, _s, _f in items] + [s for _l, _f, s, _g in items] + [0])

    def width(value) -> str:
        if not top or value <= 0:
            return "0"
        return str(max(2, round(WIDTH * value / top)))

    rows = []
    for index, (label, first, second, flagged) in enumerate(items):
        y = index * PAIR_ROW
        rows.append(
            PairedBarRow(
                label=str(label),
                text_y=str(y + PAIR_LABEL - 4),
                first_y=str(y + PAIR_LABEL),
                second_y=str(y + PAIR_LABEL + PAIR_BAR + 2),
                first_width=width(first),
                second_width=width(second),
                flagged=flagged,
            )
        )
    return PairedBarChart(
        rows=rows,
        width=str(WIDTH),
        height=str(max(PAIR_ROW * len(rows) - PAIR_GAP, 1)),
        bar_height=str(PAIR_BAR),
    )


__all__ = ["Chart", "ChartRow", "PairedBarChart", "PairedBarRow", "bar_chart", "paired_bar_chart"]
