"""Server-rendered bar charts (templates/partials/bar_chart.html and
templates/funding/_budget_against_actual.html).

The labels and numbers are HTML text, so they are body-sized at every width and wrap like
any text; only each bar is a small SVG, stretched to the width of its row
(preserveAspectRatio="none") and as high as BAR_HEIGHT CSS px. A chart is therefore as
high as its rows of text, never scaled up with the page (docs/decisions.md 38).

`bar_chart` does the arithmetic the template cannot: bar lengths in SVG user units (the
full width is WIDTH), as whole numbers pre-formatted as text (the template would otherwise
localise a float as "12,5" in Dutch and break the SVG). No JavaScript and no style
attributes: the strict CSP allows neither.

Small-count suppression (stetapp.suppression, docs/decisions.md 23): with
`suppressed=True`, a count from 1 to 4 is shown as "<5" and gets no bar, because a bar's
length would give the number away; 0 is shown as 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst

from .markup import escaped
from .suppression import is_hidden, suppress

WIDTH = 360  # user units of a full-length bar
BAR_HEIGHT = 14
LABEL_CHARS = 40


# One row's bar: the track, and the bar itself unless it has no length. Markup built
# here, not in the template, like the rows (ChartRow.html, ChartRow.table_row): the same
# few attributes for every row of every chart, which the template engine would look up
# one by one.
_TRACK = (
    f'<svg class="chart-bar" viewBox="0 0 {WIDTH} {BAR_HEIGHT}" width="100%" '
    f'height="{BAR_HEIGHT}" preserveAspectRatio="none" focusable="false" aria-hidden="true" '
    f'xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="{WIDTH}" '
    f'height="{BAR_HEIGHT}" fill="#e9ecef"/>'
)
_BAR = f'<rect x="0" y="0" width="{{}}" height="{BAR_HEIGHT}" fill="#1f5f7a"/>'


@dataclass(frozen=True)
class ChartRow:
    label: str
    short_label: str
    display: str
    bar_width: str  # "0" when there is no bar

    @property
    def bar(self) -> str:
        """The row's bar as one small SVG (partials/bar_chart.html)."""
        if self.bar_width == "0":
            return mark_safe(_TRACK + "</svg>")  # noqa: S308 - constant markup
        # The width is a whole number (bar_chart), written as one.
        return mark_safe(_TRACK + _BAR.format(int(self.bar_width)) + "</svg>")  # noqa: S308

    @property
    def html(self) -> str:
        """The row as the chart draws it: its short label, its number and its bar (plain
        string work, stetapp/markup.py: `format_html` cost a page of five charts half a
        millisecond)."""
        return mark_safe(  # noqa: S308 - the label and the number are escaped here
            f'<div class="chart-row"><span class="chart-label">'
            f"{escaped(capfirst(self.short_label))}</span>"
            f'<span class="chart-value">{escaped(self.display)}</span>{self.bar}</div>'
        )

    @property
    def table_row(self) -> str:
        """The row in the chart's table for screen readers: its full label and number."""
        return mark_safe(  # noqa: S308 - the label and the number are escaped here
            f'<tr><th scope="row">{escaped(capfirst(self.label))}</th>'
            f"<td>{escaped(self.display)}</td></tr>"
        )


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    rows: list[ChartRow]
    width: str  # a full bar's length (the PDF's reporting/pdf/_bars.html scales by it)
    value_heading: str

    @property
    def rows_html(self) -> SafeString:
        """Every row as the chart draws it (partials/bar_chart.html): one lookup for the
        template instead of one per row."""
        return mark_safe("".join(row.html for row in self.rows))  # noqa: S308 - rows escape

    @property
    def table_html(self) -> SafeString:
        """Every row of the screen readers' table."""
        return mark_safe("".join(row.table_row for row in self.rows))  # noqa: S308


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
    for label, n in items:
        width = 0
        if not hidden(n) and n > 0 and top:
            width = max(2, round(WIDTH * n / top))
        rows.append(
            ChartRow(
                label=label,
                short_label=Truncator(label).chars(LABEL_CHARS),
                display=suppress(n) if suppressed else str(n),
                bar_width=str(width),
            )
        )
    return Chart(
        id=chart_id,
        title=title,
        rows=rows,
        width=str(WIDTH),
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


# Paired bars (budget against actual): a label, then one SVG with two bars under it.
PAIR_BAR = 12
PAIR_SPACE = 2


# One row's two bars, each on its track: as for ChartRow.bar, built here once.
_PAIR_HEIGHT = 2 * PAIR_BAR + PAIR_SPACE
_SECOND_Y = PAIR_BAR + PAIR_SPACE
_PAIR_SVG = (
    f'<svg class="chart-bar" viewBox="0 0 {WIDTH} {_PAIR_HEIGHT}" width="100%" '
    f'height="{_PAIR_HEIGHT}" preserveAspectRatio="none" focusable="false" '
    'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
)
_PAIR_TRACK = f'<rect x="0" y="{{}}" width="{WIDTH}" height="{PAIR_BAR}" fill="#e9ecef"/>'
_PAIR_BAR = f'<rect x="0" y="{{}}" width="{{}}" height="{PAIR_BAR}" fill="{{}}"/>'
PAIR_FIRST = "#6c8fa0"
PAIR_SECOND = "#1f5f7a"
PAIR_FLAGGED = "#9a3412"


@dataclass(frozen=True)
class PairedBarRow:
    label: str
    first_width: str  # "0" when there is no bar
    second_width: str
    flagged: bool  # the second bar is drawn in the warning colour

    @property
    def bars(self) -> str:
        """The row's two bars as one small SVG (templates/funding/_budget_against_actual
        .html): the first on top, the second under it."""
        parts = [format_html(_PAIR_TRACK, 0)]
        if self.first_width != "0":
            parts.append(format_html(_PAIR_BAR, 0, int(self.first_width), PAIR_FIRST))
        parts.append(format_html(_PAIR_TRACK, _SECOND_Y))
        if self.second_width != "0":
            colour = PAIR_FLAGGED if self.flagged else PAIR_SECOND
            parts.append(format_html(_PAIR_BAR, _SECOND_Y, int(self.second_width), colour))
        return mark_safe(_PAIR_SVG + "".join(parts) + "</svg>")  # noqa: S308 - escaped parts


@dataclass(frozen=True)
class PairedBarChart:
    rows: list[PairedBarRow]
    width: str  # as Chart.width


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
    for label, first, second, flagged in items:
        rows.append(
            PairedBarRow(
                label=str(label),
                first_width=width(first),
                second_width=width(second),
                flagged=flagged,
            )
        )
    return PairedBarChart(
        rows=rows,
        width=str(WIDTH),
    )


__all__ = ["Chart", "ChartRow", "PairedBarChart", "PairedBarRow", "bar_chart", "paired_bar_chart"]
