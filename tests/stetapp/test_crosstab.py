"""`{% crosstab %}` (stetapp/templatetags/tables.py) writes the cross tables of the
dashboard and the home pages in Python: the same table the template partial wrote before
(kept below as the oracle), every value escaped, numbers localised."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from groups.models import Composition, GroupStatus

# The partial the tag replaces, as it was (templates/partials/crosstab.html), with lines
# broken between tags to fit (the comparison ignores white space between tags).
ORACLE = """{% load i18n tables %}
<div class="table-responsive" tabindex="0" role="region" aria-label="{{ caption }}">
  {% table_columns total=_("Total") as cols %}
  <table class="table table-sm table-striped align-middle table-stack">
    <caption class="visually-hidden">{{ caption }}</caption>
    <thead>
      <tr>
        <th scope="col">{{ row_heading }}</th>
        {% for column in columns %}
        <th scope="col" class="text-end">{{ column.label|capfirst }}</th>
        {% endfor %}
        <th scope="col" class="text-end">{{ cols.total }}</th>
      </tr>
    </thead>
    <tbody>
      {% for row in rows %}
      <tr>
        <th scope="row">{{ row.label }}</th>
        {% for count in row.counts %}
<td data-label="{{ columns|label:forloop.counter0 }}" class="text-end">{{ count }}</td>
        {% endfor %}
        <td data-label="{{ cols.total }}" class="text-end fw-semibold">{{ row.total }}</td>
      </tr>
      {% empty %}
      <tr><td colspan="{{ columns|length|add:2 }}">{% translate "No groups yet." %}</td></tr>
      {% endfor %}
    </tbody>
    {% if totals %}
    <tfoot>
      <tr>
        <th scope="row">{% translate "Total" %}</th>
        {% for count in totals.counts %}
<td data-label="{{ columns|label:forloop.counter0 }}"
 class="text-end fw-semibold">{{ count }}</td>
        {% endfor %}
        <td data-label="{{ cols.total }}" class="text-end fw-bold">{{ totals.total }}</td>
      </tr>
    </tfoot>
    {% endif %}
  </table>
</div>"""

TAG = (
    "{% load tables %}{% crosstab rows=rows columns=columns totals=totals caption=caption "
    "row_heading=row_heading %}"
)


def _flat(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


N = len(GroupStatus)
STATUS_ROWS = [
    {"label": "Amsterdam", "counts": [1, 0, 2] + [0] * (N - 3), "total": 3},
    {
        "label": "Den <Haag> & 'Rijswijk'",
        "counts": [0, 12345, 0, 1] + [0] * (N - 4),
        "total": 12346,
    },
    {"label": gettext_lazy("other"), "counts": [0] * N, "total": 0},
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("columns", "rows", "totals"),
    [
        (list(GroupStatus), STATUS_ROWS, None),
        (
            list(GroupStatus),
            STATUS_ROWS,
            {"counts": [1, 12345, 2, 1] + [0] * (N - 4), "total": 12349},
        ),
        (list(Composition), [], {"counts": [0, 0, 0], "total": 0}),
        (list(Composition), [], None),
    ],
)
def test_the_tag_writes_the_table_the_template_wrote(language, columns, rows, totals):
    context = {
        "caption": "Groups & <cities>",
        "rows": rows,
        "columns": columns,
        "totals": totals,
        "row_heading": "City <b>",
    }
    with translation.override(language):
        got = Template(TAG).render(Context(context))
        expected = Template(ORACLE).render(Context(context))
    assert _flat(got) == _flat(expected)
    assert "&lt;Haag&gt;" in got or not rows
    assert "<b>" not in got and "&lt;cities&gt;" in got
