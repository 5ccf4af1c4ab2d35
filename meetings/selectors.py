"""Reads every meetings area shares (docs/decisions.md, decision 32): a meeting fetched
through the access layer. Each area's reads are in selectors_<area>.py, next to its
views_<area>.py."""

from __future__ import annotations

from groups.access import Need, get_in_group_or_404

from .models import Meeting


def meeting_get_for_user(*, user, pk, need: Need = Need.READ) -> Meeting:
    """One meeting, with its group, organisation and venue: 404 unless the user sees its
    group; 403 unless the user may act on the group as `need` asks (`Need.WORK` to take
    attendance, `Need.EDIT` to plan and record). Two queries at most."""
    return get_in_group_or_404(
        Meeting.objects.select_related("group", "group__organisation", "venue"),
        user=user,
        pk=pk,
        need=need,
    )


def meeting_mark_count(*, meeting: Meeting) -> int:
    """How many attendance marks the meeting has (guests included): what moving or
    cancelling it asks the facilitator to confirm. One query."""
    return meeting.attendance.count()
