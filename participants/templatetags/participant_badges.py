"""`{% status_badge participant %}`: a participant's place in the funnel as a coloured
pill, on their page and in every row of the participant list.

A tag rather than an included template: the list draws it once per row, and an
include costs a template render each time for one `<span>`."""

from django import template
from django.utils.html import format_html
from django.utils.text import capfirst

from participants.models import FunnelStatus

register = template.Library()

# The pill's colours per status (Bootstrap classes); any other status is light.
BADGE_CLASSES = {
    FunnelStatus.JOINED: "text-bg-success",
    FunnelStatus.INTAKE_DONE: "text-bg-primary",
    FunnelStatus.INTAKE_PLANNED: "text-bg-info",
    FunnelStatus.WAITING_LIST: "text-bg-warning",
    FunnelStatus.DECLINED: "text-bg-secondary",
    FunnelStatus.REFERRED: "text-bg-secondary",
}
OTHER = "text-bg-light border"


@register.simple_tag
def status_badge(participant) -> str:
    return format_html(
        '<span class="badge rounded-pill {}">{}</span>',
        BADGE_CLASSES.get(participant.status, OTHER),
        capfirst(participant.get_status_display()),
    )
