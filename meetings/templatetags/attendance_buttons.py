"""`{% attendance_buttons row status_choices %}`: the three buttons of one person on the
attendance sheet (present, absent, excused), the pressed one marked.

A tag rather than a loop in meetings/_attendance_row.html: the sheet draws every
enrolled person's row, and the template engine looked up the same few attributes three
times a row (docs/decisions.md, decision 70). The markup is the same as the loop made."""

from collections.abc import Sequence

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_PRESSED = mark_safe('<span aria-hidden="true">✓ </span>')  # noqa: S308 - constant markup


@register.simple_tag
def attendance_buttons(row, status_choices: Sequence[tuple[str, str]]) -> str:
    """One submit button per status for `row` (meetings.views_attendance.Row); the
    button of the row's status has aria-pressed="true" and a check mark."""
    key = row.key
    return format_html_join(
        "\n",
        '<button type="submit" name="status" value="{}" id="mark-{}-{}" '
        'class="btn attendance-btn attendance-{}" aria-pressed="{}">{}{}</button>',
        (
            (
                value,
                key,
                value,
                value,
                "true" if row.status == value else "false",
                _PRESSED if row.status == value else "",
                label,
            )
            for value, label in status_choices
        ),
    )
