"""Stacked tables (stetapp/templatetags/tables.py, static/css/app.css "Stacked tables"):
every list and report table stacks on a phone, and its labels are written once.

What a phone shows is checked in a browser in tests/e2e/test_tables.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from groups.models import GroupStatus

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The PDFs are printed, not read on a phone; the chart's own table is visually hidden
# (partials/bar_chart.html); allauth fills its table element itself.
NOT_ON_SCREEN = {"partials/bar_chart.html", "allauth/elements/table.html"}
TABLE = re.compile(r"<table\b[^>]*>")


def _screen_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if "pdf/" in name or name.startswith("pdf") or name in NOT_ON_SCREEN:
            continue
        yield name, path.read_text(encoding="utf-8")


def test_every_table_on_screen_stacks_with_labels_written_once():
    problems = []
    tables = 0
    for name, text in _screen_templates():
        for tag in TABLE.findall(text):
            tables += 1
            if "table-stack" not in tag:
                problems.append(f"{name}: {tag}")
        if TABLE.search(text) and "{% table_columns " not in text:
            problems.append(f"{name}: no {{% table_columns %}}")
    assert tables >= 35  # the scan finds them
    assert problems == []


def test_the_header_and_the_cells_show_the_same_translated_label():
    template = Template(
        "{% load tables %}"
        '{% table_columns group=_("Group") status=_("Status") as cols %}'
        "<th>{{ cols.group }}</th><th>{{ cols.status }}</th>"
        '<td data-label="{{ cols.status }}"></td>'
    )
    with translation.override("nl"):
        html = template.render(Context())
    assert html == '<th>Groep</th><th>Status</th><td data-label="Status"></td>'


@pytest.mark.parametrize(
    ("columns", "key", "label"),
    [
        ({"baseline": "Nulmeting", "follow_up": "Vervolgmeting"}, "follow_up", "Vervolgmeting"),
        (list(GroupStatus), 1, GroupStatus.RECRUITING.label),
    ],
)
def test_a_cell_made_in_a_loop_finds_its_label(columns, key, label):
    """The expected label is made when the test runs (a lazy translation), so the
    language active while tests are collected does not matter."""
    template = Template("{% load tables %}{{ columns|label:key }}")
    assert template.render(Context({"columns": columns, "key": key})) == str(label).capitalize()


def test_a_label_is_escaped_in_the_attribute():
    template = Template(
        '{% load tables %}{% table_columns name=label as cols %}<td data-label="{{ cols.name }}">'
    )
    html = template.render(Context({"label": 'Uren "in" <2026>'}))
    assert html == '<td data-label="Uren &quot;in&quot; &lt;2026&gt;">'
