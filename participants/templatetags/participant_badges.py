"""`{% status_badge participant %}`: a participant's place in the funnel as a coloured
pill, on their page and in every row of the participant list; `{% participant_row %}`:
one row of that list.

Tags rather than template markup: the list draws them once per row, up to 50 times a
page, and the template engine spent about 50 µs a row resolving the same few values
(a sixth of a lead's participant list; docs/decisions.md 57)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from participants.models import FunnelStatus
from stetapp.markup import escaped, kept_badge, object_url

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


# A known status's pill per language, made once per process: the list draws up to 50
# a page, and the label's translation and escaping were most of a row's cost.
_PILLS: dict[tuple[str, str], SafeString] = {}


@register.simple_tag
def status_badge(participant) -> SafeString:
    return kept_badge(
        _PILLS,
        participant.status,
        known=FunnelStatus.values,
        make=lambda: format_html(
            '<span class="badge rounded-pill {}">{}</span>',
            BADGE_CLASSES.get(participant.status, OTHER),
            capfirst(participant.get_status_display()),
        ),
    )


@register.simple_tag(takes_context=True)
def participant_row(context: template.Context, participant, cols, *, status: bool) -> SafeString:
    """One row of the participant list: the name (to their page), the phone (to call),
    the group and, with `status`, the funnel status where the reader sees it in full
    (`participant.full_view`, set by the view) and a dash where not. `cols` holds the
    column labels (`{% table_columns %}`), repeated on each cell for the stacked phone
    layout."""
    esc = escaped  # every value below goes through it (stetapp/markup.py)
    phone = participant.phone
    call = f'<a href="tel:{esc(phone.replace(" ", ""))}">{esc(phone)}</a>' if phone else "—"
    row = (
        f'<tr><th scope="row" class="fw-normal"><a href="'
        f'{esc(object_url(context, "participant_detail", participant.pk))}">'
        f"{esc(participant.full_name)}</a></th>"
        f'<td data-label="{esc(cols["phone"])}">{call}</td>'
        f'<td data-label="{esc(cols["group"])}">{esc(participant.group.name)}</td>'
    )
    if status:
        badge = status_badge(participant) if participant.full_view else "—"
        row += f'<td data-label="{esc(cols["status"])}">{badge}</td>'
    return mark_safe(row + "</tr>")  # noqa: S308 - built of escaped values only
