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
from django.utils.html import conditional_escape
from django.utils.text import capfirst

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
