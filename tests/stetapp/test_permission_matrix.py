"""The permission matrix: every URL pattern × every persona × GET and POST.

Each of our URL names has an expected status per persona and method; a pattern that is
not listed fails the test, so a new view cannot ship without its row. Third-party views
(allauth, admin) are walked too: never a 5xx, and the admin never answers 200 to someone
who is not a site administrator.
"""

import pytest
from django.urls import reverse

from groups.models import Membership, Role
from tests.helpers import PERSONAS, all_patterns

# Expected statuses: redirect (to sign-in, or after a successful POST), ok, forbidden,
# not found, method not allowed, bad request.
R, OK, NO, NF, NA, BAD = 302, 200, 403, 404, 405, 400


def row(
    anonymous, outsider, volunteer_a1, facilitator_a1, facilitator_b1, lead_a, coordinator, funder
):
    return dict(
        zip(
            PERSONAS,
            [
                anonymous,
                outsider,
                volunteer_a1,
                facilitator_a1,
                facilitator_b1,
                lead_a,
                coordinator,
                funder,
            ],
            strict=True,
        )
    )


def _series(world):
    """A meeting series of group A1 (the world has none)."""
    import datetime as dt

    from meetings.models import MeetingSeries

    series, _ = MeetingSeries.objects.get_or_create(
        group=world.group_a1,
        first_date=dt.date(2026, 3, 3),
        until_date=dt.date(2026, 6, 30),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    return series


# name: {"kwargs": callable(world) -> dict, "GET": row, "POST": row}
MATRIX = {
    "home": {
        "GET": row(R, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(R, NA, NA, NA, NA, NA, NA, NA),
    },
    "set_language": {
        "GET": row(NA, NA, NA, NA, NA, NA, NA, NA),
        "POST": row(R, R, R, R, R, R, R, R),
    },
    "invitation_accept": {
        "kwargs": lambda w: {"uidb64": "MQ", "token": "not-a-token"},
        "GET": row(BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD),
        "POST": row(BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD),
    },
    "healthz": {
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    "readyz": {
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    "group_list": {
        "GET": row(R, NO, OK, OK, OK, OK, OK, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NA, NO),
    },
    "group_create": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "group_import": {
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, OK, OK, NO),
    },
    "group_detail": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, OK, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NA, NO),
    },
    "group_edit": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "organisation_list": {
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NO),
    },
    "organisation_detail": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NO),
    },
    "organisation_edit": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, OK, OK, NO),
    },
    "organisation_people": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "organisation_communities": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "community_category_create": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, NA, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "community_category_edit": {
        "kwargs": lambda w: {"pk": w.org_a.pk, "code": "turkish"},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "venue_create": {
        "kwargs": lambda w: {"organisation_pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "venue_edit": {
        "kwargs": lambda w: {"pk": w.venue_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "organisation_create": {
        "kwargs": lambda w: {"programme_pk": w.programme.pk},
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, OK, NO),
    },
    # Setting up: site administrators only (none of the personas is one).
    "programme_create": {
        "GET": row(R, NO, NO, NO, NO, NO, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NO),
    },
    "organisation_import": {
        "kwargs": lambda w: {"programme_pk": w.programme.pk},
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, OK, NO),
    },
    "programme_people": {
        "kwargs": lambda w: {"pk": w.programme.pk},
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, OK, NO),
    },
    "membership_revoke": {
        "kwargs": lambda w: {"pk": _facilitator_a1_membership(w)},
        "GET": row(R, NO, NO, NO, NO, NA, NA, NO),
        "POST": row(R, NO, NO, NO, NO, R, NF, NO),
    },
    "membership_resend": {
        "kwargs": lambda w: {"pk": _facilitator_a1_membership(w)},
        "GET": row(R, NO, NO, NO, NO, NA, NA, NO),
        "POST": row(R, NO, NO, NO, NO, R, NF, NO),
    },
    # Project leads only, for the facilitators and volunteers of their organisation's
    # groups; an empty POST (no identity check) resets nothing and goes back.
    "membership_reset_second_factor": {
        "kwargs": lambda w: {"pk": _facilitator_a1_membership(w)},
        "GET": row(R, NO, NO, NO, NO, NA, NO, NO),
        "POST": row(R, NO, NO, NO, NO, R, NO, NO),
    },
    # Second factor: the set-up page for everyone signed in, the help page for anyone.
    "mfa_setup": {
        "GET": row(R, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(R, NA, NA, NA, NA, NA, NA, NA),
    },
    "mfa_help": {
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    # --- participants: never for coordinators or funders; volunteers read-only --------
    "participant_list": {
        "GET": row(R, NO, OK, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "participant_create": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, OK, OK, OK, NO, NO),
    },
    "participant_detail": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "participant_edit": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "participant_status": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, R, NF, R, NO, NO),
    },
    "consent_create": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "consent_withdraw": {
        "kwargs": lambda w: {"pk": w.consent_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, R, NF, R, NO, NO),
    },
    "intake_create": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "participant_enrol": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "enrolment_leave": {
        "kwargs": lambda w: {"pk": w.participant_a1.enrolments.get().pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    # everything about one person (AVG art. 15): the project lead of the organisation
    "participant_export": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "participant_import": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "group_participants_export": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "group_funnel": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, OK, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NA, NO),
    },
    "organisation_funnel": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NO),
    },
    "social_map": {
        "GET": row(R, NO, OK, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "social_service_create": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, OK, OK, OK, NO, NO),
    },
    "social_service_edit": {
        "kwargs": lambda w: {"pk": w.service_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    # --- meetings: planning for facilitators and leads; coordinators read the plan ------
    "group_meetings": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, OK, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NA, NO),
    },
    "meeting_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "series_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "break_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "meeting_detail": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, OK, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NA, NO),
    },
    "meeting_move": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "meeting_cancel": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "meeting_took_place": {
        # POST only; an empty form is a bad request for those who may move the meeting.
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, BAD, NF, BAD, NO, NO),
    },
    "meeting_record": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "organisation_calendar": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "calendar_event_edit": {
        "kwargs": lambda w: {"pk": w.event_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "group_ical_feed": {
        "kwargs": lambda w: {"token": _feed_token(w)},
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    "calendar_feed_renew": {
        # POST only; each reader of the group renews their own link.
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NA, NO),
        "POST": row(R, NO, R, R, NF, R, R, NO),
    },
    # attendance: volunteers may mark it; nobody outside the group sees it
    "attendance_sheet": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "attendance_mark": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NO, NO),
        "POST": row(R, NO, BAD, BAD, NF, BAD, NO, NO),
    },
    "attendance_rest_present": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NO, NO),
        "POST": row(R, NO, R, R, NF, R, NO, NO),
    },
    "attendance_guest": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NO, NO),
        "POST": row(R, NO, R, R, NF, R, NO, NO),
    },
    # the offline sheet (docs/offline.md): taps from a phone's queue, marks kept aside
    "attendance_sync": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NO, NO),
        "POST": row(R, NO, BAD, BAD, NF, BAD, NO, NO),
    },
    "held_taps_resolve": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, BAD, NF, BAD, NO, NO),
    },
    "offline_data": {
        "GET": row(R, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(R, NA, NA, NA, NA, NA, NA, NA),
    },
    "offline_list": {
        "GET": row(R, NO, OK, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "attendance_pdf": {
        "kwargs": lambda w: {"pk": w.meeting_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "series_attendance_pdf": {
        "kwargs": lambda w: {"pk": _series(w).pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "service_worker": {
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    "manifest": {
        "GET": row(OK, OK, OK, OK, OK, OK, OK, OK),
        "POST": row(NA, NA, NA, NA, NA, NA, NA, NA),
    },
    "follow_up_list": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "follow_up_call_create": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    # co-creation, agreements, walking buddies: the group's own staff
    "idea_board": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "idea_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "idea_edit": {
        "kwargs": lambda w: {"pk": w.idea_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "idea_vote": {
        "kwargs": lambda w: {"pk": w.idea_a1.pk},
        "GET": row(R, NO, NA, NA, NA, NA, NO, NO),
        "POST": row(R, NO, R, R, NF, R, NO, NO),
    },
    "agreement_list": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "agreement_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "agreement_edit": {
        "kwargs": lambda w: {"pk": w.agreement_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "agreement_pdf": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, OK, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NA, NA, NA, NA, NO, NO),
    },
    "walking_buddies": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    # --- funding: project leads manage; facilitators read their groups' budgets and
    # submit expenses; coordinators and funders see totals only -------------------------
    "fund_list": {
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NO),
    },
    "fund_create": {
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, OK, OK, NO),
    },
    "fund_detail": {
        "kwargs": lambda w: {"pk": w.fund.pk},
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NO),
    },
    # A fund is changed by who keeps it (decision 31): here organisation A, so its lead,
    # not the coordinator.
    "fund_edit": {
        "kwargs": lambda w: {"pk": _fund_kept_by_a(w)},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "application_list": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "application_create": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "application_detail": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "application_edit": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "application_status": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, NO, NO, NA, NO, NO),
        "POST": row(R, NO, NO, NO, NO, R, NO, NO),
    },
    "budget_edit": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "application_pdf": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "grant_edit": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "grant_payment_create": {
        "kwargs": lambda w: {"pk": w.grant_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "budget_actual": {
        "kwargs": lambda w: {"pk": w.application_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "expense_list": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "expense_create": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, OK, OK, OK, NO, NO),
    },
    "expense_decide": {
        "kwargs": lambda w: {"pk": w.expense_a1.pk},
        "GET": row(R, NO, NO, NO, NO, NA, NO, NO),
        "POST": row(R, NO, NO, NO, NO, R, NO, NO),
    },
    "expense_receipt": {
        "kwargs": lambda w: {"pk": w.expense_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    # The fund made a grant to organisation A: its lead and the programme's coordinator
    # invite the fund's readers (decision 36).
    "fund_readers": {
        "kwargs": lambda w: {"pk": w.fund.pk},
        "GET": row(R, NO, NO, NO, NO, OK, OK, NO),
        "POST": row(R, NO, NO, NO, NO, OK, OK, NO),
    },
    "programme_grants": {
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NA, NO),
    },
    "programme_funding": {
        "kwargs": lambda w: {"pk": w.programme.pk},
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NA, NO),
    },
    "funder_grants": {
        "GET": row(R, NO, NO, NO, NO, NO, NO, OK),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NA),
    },
    "group_readiness": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "readiness_tick": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, NO, NO, NA, NO, NO),
        "POST": row(R, NO, NO, NO, NO, R, NO, NO),
    },
    "need_signal_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "facilitator_profile_edit": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, OK, OK, OK, NO, NO),
    },
    "facilitator_profile_detail": {
        "kwargs": lambda w: {"pk": w.users["facilitator_a1"].pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "volunteer_list": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "volunteer_create": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "volunteer_detail": {
        "kwargs": lambda w: {"pk": w.volunteer_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "volunteer_edit": {
        "kwargs": lambda w: {"pk": w.volunteer_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "volunteer_hours_create": {
        "kwargs": lambda w: {"pk": w.volunteer_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "allowance_create": {
        "kwargs": lambda w: {"pk": w.volunteer_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    # --- reporting: evidence and measurement belong to the group's facilitators and the
    # project lead; reports to everyone who may see the grant; the dashboard to
    # coordinators; a batch to the person who asked for it --------------------------
    "story_list": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "story_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "story_detail": {
        "kwargs": lambda w: {"pk": w.story_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "story_edit": {
        "kwargs": lambda w: {"pk": w.story_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "selection_list": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "selection_create": {
        "GET": row(R, NO, NO, OK, OK, OK, NO, NO),
        "POST": row(R, NO, NO, OK, OK, OK, NO, NO),
    },
    "selection_detail": {
        "kwargs": lambda w: {"pk": w.selection_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "selection_feedback": {
        "kwargs": lambda w: {"pk": w.selection_a.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, R, NF, R, NO, NO),
    },
    "observation_list": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "measurement_group": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "measurement_plan": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, R, NF, R, NO, NO),
    },
    "administration_create": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "administration_detail": {
        "kwargs": lambda w: {"pk": w.administration_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, NA, NA, NA, NO, NO),
    },
    "administration_edit": {
        "kwargs": lambda w: {"pk": w.administration_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "continuation_plan": {
        "kwargs": lambda w: {"pk": w.group_a1.pk},
        "GET": row(R, NO, NO, OK, NF, OK, NO, NO),
        "POST": row(R, NO, NO, OK, NF, OK, NO, NO),
    },
    "continuation_step_toggle": {
        "kwargs": lambda w: {"pk": w.step_a1.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NO, NO),
        "POST": row(R, NO, NO, R, NF, R, NO, NO),
    },
    "grant_report": {
        "kwargs": lambda w: {"pk": w.grant_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, OK, OK),
        "POST": row(R, NO, NO, NA, NA, NA, NA, NA),
    },
    "grant_report_summary": {
        "kwargs": lambda w: {"pk": w.grant_a.pk},
        "GET": row(R, NO, NO, NA, NA, NA, NA, NA),
        "POST": row(R, NO, NO, NO, NF, BAD, NO, NO),
    },
    "grant_report_pdf": {
        "kwargs": lambda w: {"pk": w.grant_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, OK, OK),
        "POST": row(R, NO, NO, NA, NA, NA, NA, NA),
    },
    "grant_report_pdf_status": {
        # A PDF that is gone (or never was) still answers, with a link to the download.
        "kwargs": lambda w: {"pk": w.grant_a.pk, "stored": "00000000-0000-0000-0000-000000000001"},
        "GET": row(R, NO, NO, OK, NF, OK, OK, OK),
        "POST": row(R, NO, NO, NA, NA, NA, NA, NA),
    },
    "grant_report_xlsx": {
        "kwargs": lambda w: {"pk": w.grant_a.pk},
        "GET": row(R, NO, NO, OK, NF, OK, OK, OK),
        "POST": row(R, NO, NO, NA, NA, NA, NA, NA),
    },
    "report_batch_create": {
        "GET": row(R, NO, NO, NO, NO, OK, OK, OK),
        "POST": row(R, NO, NO, NO, NO, OK, OK, OK),
    },
    "report_batch_detail": {
        "kwargs": lambda w: {"pk": w.batch_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NF, NF),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NA),
    },
    "report_batch_download": {
        "kwargs": lambda w: {"pk": w.batch_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NF, NF),
        "POST": row(R, NO, NO, NO, NO, NA, NA, NA),
    },
    "programme_dashboard": {
        "kwargs": lambda w: {"pk": w.programme.pk},
        "GET": row(R, NO, NO, NO, NO, NO, OK, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NA, NO),
    },
    # --- privacy: erasure (privacy/views_erasure.py) -----------------------------------
    "erasure_request_create": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    "erasure_request_list": {
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "erasure_request_decide": {
        "kwargs": lambda w: {"pk": _erasure_request(w)},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, OK, NO, NO),
    },
    # --- privacy (decision 61): the file log for the project lead; the organisation's
    # logs and the register for its privacy officer (tests/privacy/test_logs.py; none of
    # these personas is one: see test_the_privacy_officer_gets_no_more_than_an_outsider)
    "participant_log": {
        "kwargs": lambda w: {"pk": w.participant_a1.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NA, NO, NO),
    },
    "privacy_home": {
        "GET": row(R, NO, NO, NO, NO, NO, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NO),
    },
    "privacy_register": {
        "GET": row(R, NO, NO, NO, NO, NO, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NO),
    },
    "organisation_access_log": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, NO, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NO),
    },
    "organisation_access_summary": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, NO, NO, NO),
        "POST": row(R, NO, NO, NO, NO, NO, NO, NO),
    },
    # privacy: an empty form keeps the default periods, so the lead's POST saves.
    "retention_settings": {
        "kwargs": lambda w: {"pk": w.org_a.pk},
        "GET": row(R, NO, NO, NO, NO, OK, NO, NO),
        "POST": row(R, NO, NO, NO, NO, R, NO, NO),
    },
}


def _erasure_request(world):
    """A request waiting for lead A, recorded by someone else (four eyes)."""
    from privacy.models import ErasureRequest

    request, _ = ErasureRequest.objects.get_or_create(
        participant=world.participant_a1,
        status="pending",
        defaults={
            "channel": "phone",
            "scope": "all",
            "requested_by": world.users["facilitator_a1"],
        },
    )
    return request.pk


def _feed_token(world):
    from meetings.feeds import feed_token

    return feed_token(user=world.users["facilitator_a1"], group=world.group_a1)


def _fund_kept_by_a(world):
    world.fund.kept_by_organisation = world.org_a
    world.fund.save(update_fields=["kept_by_organisation"])
    return world.fund.pk


def _facilitator_a1_membership(world):
    return Membership.objects.get(user=world.users["facilitator_a1"], group=world.group_a1).pk


OUR_APPS = {
    "stetapp",
    "groups",
    "funding",
    "participants",
    "meetings",
    "reporting",
    "pages",
    "privacy",
}


def _our_names():
    return sorted(
        {
            pattern.name
            for _route, pattern in all_patterns()
            if pattern.callback.__module__.split(".")[0] in OUR_APPS
        }
    )


def test_every_pattern_of_ours_is_in_the_matrix():
    assert sorted(MATRIX) == _our_names()


CELLS = [
    (name, persona, method)
    for name in sorted(MATRIX)
    for persona in PERSONAS
    for method in ("GET", "POST")
]


@pytest.mark.parametrize(("name", "persona", "method"), CELLS)
def test_matrix_cell(world, name, persona, method):
    spec = MATRIX[name]
    kwargs = spec.get("kwargs", lambda w: {})(world)
    url = reverse(name, kwargs=kwargs)
    client = world.client_for(persona)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = spec[method][persona]
    assert response.status_code == expected, (
        f"{method} {url} as {persona}: {response.status_code}, expected {expected}"
    )
    if expected == R and persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login")) or name in {"set_language"}


# The privacy officer of organisation A (decision 61) holds a role, so the pages open to
# any role open to them too; everywhere else they get exactly what someone without a role
# gets. Where they get more, it is listed here: their own pages, and the pages every role
# opens (which show them nothing of a group or a participant).
OFFICER_UNLIKE_OUTSIDER = {
    # The officer is the second pair of eyes on erasure requests (privacy.erasure).
    ("erasure_request_list", "GET"): OK,
    ("erasure_request_list", "POST"): NA,
    ("erasure_request_decide", "GET"): OK,
    ("erasure_request_decide", "POST"): OK,
    ("privacy_home", "GET"): OK,
    ("privacy_home", "POST"): NA,
    ("privacy_register", "GET"): OK,
    ("privacy_register", "POST"): NA,
    ("organisation_access_log", "GET"): OK,
    ("organisation_access_log", "POST"): NA,
    ("organisation_access_summary", "GET"): OK,
    ("organisation_access_summary", "POST"): NA,
}

OFFICER_CELLS = [(name, method) for name in sorted(MATRIX) for method in ("GET", "POST")]


@pytest.mark.parametrize(("name", "method"), OFFICER_CELLS)
def test_the_privacy_officer_gets_no_more_than_an_outsider(world, name, method):
    from django.test import Client

    from tests.factories import UserFactory, grant_role

    officer = UserFactory(email="officer.a@example.org")
    grant_role(officer, Role.PRIVACY_OFFICER, world.org_a)
    client = Client()
    client.force_login(officer)
    spec = MATRIX[name]
    url = reverse(name, kwargs=spec.get("kwargs", lambda w: {})(world))
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = OFFICER_UNLIKE_OUTSIDER.get((name, method), spec[method]["outsider"])
    assert response.status_code == expected, (
        f"{method} {url} as the privacy officer: {response.status_code}, expected {expected}"
    )


THIRD_PARTY = [
    (route, pattern)
    for route, pattern in all_patterns()
    if pattern.callback.__module__.split(".")[0] not in OUR_APPS and not pattern.pattern.converters
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_third_party_pages_never_fail_and_admin_stays_closed(world, persona):
    client = world.client_for(persona)
    for route, _pattern in THIRD_PARTY:
        url = "/" + route.replace("^", "").replace("$", "")
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {persona}: {response.status_code}"
        if url.startswith("/admin/") and not url.startswith(("/admin/login", "/admin/logout")):
            assert response.status_code != 200, f"admin page {url} open to {persona}"
