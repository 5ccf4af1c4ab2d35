"""`{% group_status_badge group %}`: a group's status as a badge, on the group page and
in every line of the lists of groups (the home page, the group list, an organisation's
page).

A tag rather than an included template: a list draws it once per line, and an include
costs a template render each time for one `<span>` (as participant_badges)."""

from django import template
from django.utils.html import format_html
from django.utils.text import capfirst

register = template.Library()


@register.simple_tag
def group_status_badge(group) -> str:
    """The badge's class names the status (static/css/app.css colours each); its text is
    the status's label in the user's language."""
    return format_html(
        '<span class="badge status-badge status-{}">{}</span>',
        group.status,
        capfirst(group.get_status_display()),
    )
