"""Stacked tables: each column's label written once, for the header and for phones.

A list or report table has the class `table-stack` (static/css/app.css, "Stacked tables"):
on a phone every row becomes a small card and every cell shows its column's label from
its `data-label`. So that a template never writes a label twice, it names its columns
once and reads them back in the header and in the cells::

    {% load tables %}
    {% table_columns group=_("Group") status=_("Status") as cols %}
    <table class="table table-stack">
      <thead><tr>
        <th scope="col">{{ cols.group }}</th><th scope="col">{{ cols.status }}</th>
      </tr></thead>
      <tbody><tr>
        <th scope="row">…</th><td data-label="{{ cols.status }}">…</td>
      </tr></tbody>
    </table>

The first cell of a row (the row's heading, the column that matters most) carries no
label: it is the card's title. Cells holding only a button or a link that says what it
does get `data-label=""`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from stetapp.markup import escaped

register = template.Library()


@register.simple_tag
def table_columns(**labels: str) -> dict[str, str]:
    """The labels by column name, in the order given (see the module docstring), each
    translated and escaped here once: a list writes them again in every row."""
    return {name: conditional_escape(str(label)) for name, label in labels.items()}


@register.filter
def label(columns: Mapping[str, str] | Sequence[Any], key: object) -> str:
    """A column's label for a cell made in a loop: by name from `table_columns`
    (`{{ cols|label:cell.timepoint.value }}`), or by position from a list of choices
    that have a `.label` (`{{ columns|label:forloop.counter0 }}`), capitalised as the
    header shows it."""
    if isinstance(columns, Mapping):
        return columns[str(key)]
    return capfirst(str(columns[int(str(key))].label))


@register.simple_tag
def crosstab(
    *,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Any],
    totals: Mapping[str, Any] | None,
    caption: str,
    row_heading: str,
) -> SafeString:
    """A table of group counts, rows × columns with a total per row and, with `totals`,
    a row of totals: the dashboard's and the home pages' cross tables. `rows` are
    {"label", "counts", "total"}, `columns` choices with a `.label`, `totals`
    {"counts", "total"}. Written here, not by a template: a table of ten rows and six
    columns is some two hundred values, and the template engine took longer to look
    them up than everything else the home page of a lead does (stetapp/markup.py)."""
    labels = [escaped(capfirst(str(column.label))) for column in columns]
    total = escaped(gettext("Total"))
    label_of = escaped(caption)

    def cells(counts: Sequence[Any], css: str) -> str:
        return "".join(
            f'<td data-label="{heading}" class="{css}">{escaped(localize(count))}</td>'
            for heading, count in zip(labels, counts, strict=False)
        )

    head = "".join(f'<th scope="col" class="text-end">{heading}</th>' for heading in labels)
    body = "".join(
        f'<tr><th scope="row">{escaped(row["label"])}</th>{cells(row["counts"], "text-end")}'
        f'<td data-label="{total}" class="text-end fw-semibold">'
        f"{escaped(localize(row['total']))}</td></tr>"
        for row in rows
    ) or (f'<tr><td colspan="{len(columns) + 2}">{escaped(gettext("No groups yet."))}</td></tr>')
    foot = ""
    if totals:
        foot = (
            f'<tfoot><tr><th scope="row">{total}</th>'
            f"{cells(totals['counts'], 'text-end fw-semibold')}"
            f'<td data-label="{total}" class="text-end fw-bold">'
            f"{escaped(localize(totals['total']))}</td></tr></tfoot>"
        )
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="table-responsive" tabindex="0" role="region" aria-label="{label_of}">'
        '<table class="table table-sm table-striped align-middle table-stack">'
        f'<caption class="visually-hidden">{label_of}</caption>'
        f'<thead><tr><th scope="col">{escaped(row_heading)}</th>{head}'
        f'<th scope="col" class="text-end">{total}</th></tr></thead>'
        f"<tbody>{body}</tbody>{foot}</table></div>"
    )
