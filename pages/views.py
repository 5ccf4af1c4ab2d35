"""The home page and the group page: one place where sections of several phases meet.

View shape as everywhere: access rule → scoped fetch → each phase's section → render.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from funding.models import Fund
from funding.sections import lead_home_section, readiness_section
from groups import selectors as group_selectors
from groups.access import (
    GROUP_MANAGERS,
    GROUP_STAFF,
    GROUP_WORKERS,
    Need,
    group_get_for_user,
    roles_in_group,
    rule_for,
)
from groups.communities import coded_community, community_list
from groups.models import Programme, Role
from meetings.sections import attendance_section, cocreation_section, home_section
from meetings.selectors import held_meetings_counted
from participants.sections import people_section
from reporting.sections import continuation_section
from stetapp.access import SIGNED_IN, access, user_roles


@access(SIGNED_IN)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """One page with a section for every role the user holds."""
    user = request.user
    roles = user_roles(user)
    ctx: dict = {"roles": roles}
    if roles & GROUP_STAFF:
        ctx["my_groups"] = list(group_selectors.groups_facilitated_by(user=user))
    ctx.update(home_section(user=user, roles=roles))
    if roles & GROUP_MANAGERS:
        led = group_selectors.groups_led_by(user=user)
        ctx["lead_statuses"], ctx["lead_by_city"] = group_selectors.lead_status_counts(user=user)
        # A page of the groups, not all of them (docs/decisions.md, decision 57); the
        # cross table already counted them.
        listed = led.with_related().order_by("city__name", "name", "pk")
        ctx["lead_page"] = group_selectors.page_of_counted(
            # What each line shows: the name, the city and the status.
            led.select_related("city")
            .only("name", "status", "city__name")
            .order_by("city__name", "name", "pk"),
            count=sum(row["total"] for row in ctx["lead_by_city"]),
            number=request.GET.get("page"),
            per_page=group_selectors.LEAD_HOME_GROUPS_PER_PAGE,
        )
        ctx["lead_groups"] = list(ctx["lead_page"].object_list)
        ctx.update(
            lead_home_section(
                user=user,
                roles=roles,
                lead_groups=listed,
                by_status=(ctx["lead_statuses"], ctx["lead_by_city"]),
            )
        )
    if Role.PROGRAMME_COORDINATOR in roles:
        ctx["coordinated_programmes"] = list(group_selectors.programmes_coordinated_by(user=user))
        ctx.update(group_selectors.programme_overview(user=user))
    if Role.FUNDER in roles:
        ctx["funds"] = list(Fund.objects.represented_by(user))
    if user.is_superuser:
        # The site administrator sets the application up: programmes, their first
        # coordinators, and funds. Everything else is done by the people they invite.
        ctx["site_programmes"] = list(Programme.objects.visible_to(user).order_by("name"))
    return render(request, "stetapp/home.html", ctx)


@access(rule_for(Need.READ))
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One group. What of its people the page shows depends on how the user reaches the
    group (groups/access.py): the staff's names for those who work in it, the make-up for
    its keepers, sizes and counts for the rest."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk)
    standing = roles_in_group(user=user, group=group)
    staff = group_selectors.staff_of_group(group=group)
    # The held meetings, read once for the attendance chart and the co-creation share.
    held = held_meetings_counted(group=group)
    ctx = {
        "group": group,
        "can_edit": bool(standing & GROUP_MANAGERS),
        # The typed community for those who work in the group; the coded one for the
        # rest (coordinators, funders: groups/communities.py).
        "community": group.community
        if standing & GROUP_WORKERS
        else coded_community(group.community, community_list(group.organisation_id)),
        "staff": staff if standing & GROUP_WORKERS else None,
        "staff_count": len(staff),
        **people_section(group=group, standing=standing),
        **attendance_section(held=held, standing=standing),
        **cocreation_section(held=held, standing=standing),
        **readiness_section(group=group, standing=standing),
        **continuation_section(group=group, standing=standing),
    }
    return render(request, "groups/group_detail.html", ctx)
