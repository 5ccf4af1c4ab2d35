"""`{% group_status_badge group %}`: a group's status as a badge, on the group page and
in every line of the lists of groups (the home page, the group list, an organisation's
page).

A tag rather than an included template: a list draws it once per line, and an include
costs a template render each time for one `<span>` (as participant_badges)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from groups.models import GroupStatus
from stetapp.markup import kept_badge

register = template.Library()

# A known status's badge per language, made once per process (as the participant's pill,
# participants/templatetags/participant_badges.py): the lead's home page and the group
# list draw one a line, and the label's translation and escaping were its cost.
_BADGES: dict[tuple[str, str], SafeString] = {}


@register.simple_tag
def group_status_badge(group) -> SafeString:
    """The badge's class names the status (static/css/app.css colours each); its text is
    the status's label in the user's language."""
    return kept_badge(
        _BADGES,
        group.status,
        known=GroupStatus.values,
        make=lambda: format_html(
            '<span class="badge status-badge status-{}">{}</span>',
            group.status,
            capfirst(group.get_status_display()),
        ),
    )
