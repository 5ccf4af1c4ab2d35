"""The meetings' sections of pages composed in `pages/` (the group page, the home page).

Each function takes what the page already fetched (the group, the user's roles in it)
and returns the context of its section: numbers and charts, never a write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.access import GROUP_KEEPERS, GROUP_WORKERS
from stetapp.charts import bar_chart, percent_chart
from stetapp.dates import short_date

from . import selectors_attendance, selectors_cocreation, selectors_planning
from .selectors import HeldMeeting


def attendance_section(*, held: Sequence[HeldMeeting], standing: frozenset[str]) -> dict[str, Any]:
    """Attendance over the last 12 of the group's held meetings (`held`, read once for
    the page by meetings.selectors.held_meetings_counted), as a chart; no query.
    Numbers only; a programme coordinator (who reaches the group through a programme, not
    as its staff or lead) sees small counts suppressed and no rates, which could give them
    away. The follow-up link is for those who make the calls."""
    exact = bool(standing & GROUP_WORKERS)
    points = selectors_attendance.attendance_over_time(held=held)
    items = []
    for point in points:
        label = short_date(timezone.localtime(point.starts_at))
        if exact and point.rate is not None:
            label = f"{label} · {point.rate} %"
        items.append((label, point.present))
    chart = None
    if items:
        chart = bar_chart(
            chart_id="attendance-over-time",
            title=ngettext(
                "People present at the last meeting",
                "People present at the last %(n)d meetings",
                len(items),
            )
            % {"n": len(items)},
            items=items,
            suppressed=not exact,
            value_heading=_("Present"),
        )
    marked = sum(p.marked for p in points)
    return {
        "attendance_chart": chart,
        "attendance_rate": (
            round(100 * sum(p.present for p in points) / marked) if exact and marked else None
        ),
        "can_follow_up": bool(standing & GROUP_KEEPERS),
    }


def cocreation_section(*, held: Sequence[HeldMeeting], standing: frozenset[str]) -> dict[str, Any]:
    """The share of activities proposed and organised by participants over time, as
    charts and numbers, and the links to the board, agreements and buddies for those who
    may open them. From the group's held meetings (`held`, as for `attendance_section`);
    no query."""
    share = selectors_cocreation.cocreation_share(held=held)
    proposed = [p for p in share.periods if p.activities]
    organised = [p for p in share.periods if p.meetings_held]
    charts = []
    if proposed:
        charts.append(
            percent_chart(
                chart_id="cocreation-proposed",
                title=_("Share of activities proposed by participants (%)"),
                value_heading=_("Percentage"),
                items=[
                    (
                        _("%(period)s: %(part)d of %(whole)d")
                        % {
                            "period": p.label,
                            "part": p.proposed_by_participants,
                            "whole": p.activities,
                        },
                        p.proposed_share or 0,  # not None: p.activities > 0
                    )
                    for p in proposed
                ],
            )
        )
    if organised:
        charts.append(
            percent_chart(
                chart_id="cocreation-organised",
                title=_("Share of meetings organised with participants (%)"),
                value_heading=_("Percentage"),
                items=[
                    (
                        _("%(period)s: %(part)d of %(whole)d")
                        % {
                            "period": p.label,
                            "part": p.organised_with_participants,
                            "whole": p.meetings_held,
                        },
                        p.organised_share or 0,  # not None: p.meetings_held > 0
                    )
                    for p in organised
                ],
            )
        )
    return {
        "cocreation": share,
        "cocreation_charts": charts,
        "cocreation_links": bool(standing & GROUP_WORKERS),
        "cocreation_buddies": bool(standing & GROUP_KEEPERS),
    }


def home_section(*, user: Any, roles: frozenset[str]) -> dict[str, Any]:
    """The home page's meetings: the next meetings and those still to record of the
    groups the user works in, and how many people to call (for those who call)."""
    if not roles & GROUP_WORKERS:
        return {}
    today = timezone.localdate()
    next_meetings = selectors_planning.upcoming_meetings_for(user=user)
    for meeting in next_meetings:
        meeting.is_today = meeting.date == today  # type: ignore[attr-defined]  # for the template
    # Keepers write the record too: a meeting with marks but no record is still to do.
    to_record = selectors_planning.meetings_to_record_for(
        user=user, with_record=bool(roles & GROUP_KEEPERS)
    )
    ctx: dict[str, Any] = {
        "next_meetings": next_meetings,
        "meetings_to_record": to_record,
        # The facilitator's after-meeting path starts here: the most recent one to do.
        "last_to_record": to_record[0] if to_record else None,
    }
    if roles & GROUP_KEEPERS:
        ctx["people_to_call"] = selectors_attendance.people_to_call_count(user=user)
    return ctx


__all__ = ["attendance_section", "cocreation_section", "home_section"]
