"""Prepare the load database: the synthetic programme and one account per virtual user.

Run by load/run.py as `python -m load.prepare --users N --plan FILE` with the server's
environment (production settings, the load database, the run's secret key). It seeds a
`seed_scale` programme of `--groups` groups when the database has none, then makes
`--users` accounts per role (facilitator, project lead, programme coordinator) with the
same roles as the programme's own accounts, a password and an authenticator app (the
production settings require a second factor for these roles), and writes the plan: per
account its e-mail, password, TOTP secret and the addresses of its pages. The plan file
holds passwords of synthetic accounts on a throw-away database; it is written 0600 into
the run's temporary directory and removed with it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

PASSWORD = "load-test-synthetic-account"  # noqa: S105  (synthetic accounts, load database)
ROLES = ("facilitator", "project_lead", "programme_coordinator")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, required=True, help="Accounts per role.")
    parser.add_argument("--groups", type=int, default=26, help="Groups to seed if none.")
    parser.add_argument("--plan", type=Path, required=True, help="Where to write the plan.")
    args = parser.parse_args(argv)

    import django

    django.setup()
    plan = build_plan(users=args.users, groups=args.groups)
    fd = os.open(args.plan, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(plan, out)


def build_plan(*, users: int, groups: int) -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt
    from django.core.management import call_command
    from django.db import transaction
    from django.urls import reverse

    from funding.models import Grant
    from groups.models import Membership, Programme, Role
    from synthetic import hub

    if not Programme.objects.filter(name__startswith="Bench programme").exists():
        call_command("seed_scale", groups=groups, force=True)
    programme = Programme.objects.filter(name__startswith="Bench programme").latest("pk")
    organisations = list(programme.organisations.order_by("pk"))
    grant = (
        Grant.objects.filter(application__organisation__in=organisations)
        .select_related("application")
        .order_by("pk")
        .first()
    )
    if grant is None:
        raise SystemExit(f"programme {programme.pk} has no grant")
    sheets = attendance_sheets(programme_groups(organisations, users), users)
    workable = list(sheets)
    if not workable:
        raise SystemExit(f"programme {programme.pk} has no held meeting with attendance")
    # A project lead leads one organisation, the grant's, as a real lead does (not every
    # organisation of a national programme); its group page is one of the grant's groups.
    lead_group = grant.application.groups.order_by("pk").first()
    if lead_group is None:
        raise SystemExit(f"grant {grant.pk} has no groups")
    with transaction.atomic():
        rows = [
            (f"load-{role.replace('_', '-')}-{i + 1}@example.invalid", f"Load {role} {i + 1}")
            for role in ROLES
            for i in range(users)
        ]
        accounts = hub.users(rows, password=PASSWORD)
        by_email = {a.email: a for a in accounts}
        # The database is kept from run to run: the roles are this run's only.
        Membership.objects.filter(user__in=accounts).delete()
        memberships = []
        for i in range(users):
            facilitator = by_email[rows[i][0]]
            lead = by_email[rows[users + i][0]]
            coordinator = by_email[rows[2 * users + i][0]]
            memberships.append(
                Membership(
                    user=facilitator, role=Role.FACILITATOR, group_id=workable[i % len(workable)]
                )
            )
            memberships.append(
                Membership(
                    user=lead,
                    role=Role.PROJECT_LEAD,
                    organisation_id=grant.application.organisation_id,
                )
            )
            memberships.append(
                Membership(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
            )
        hub.memberships(memberships)
        # A fresh authenticator app per account and run: its codes are new, so a code
        # used by an earlier run (allauth refuses a code twice) cannot be offered again.
        Authenticator.objects.filter(user__in=accounts, type=Authenticator.Type.TOTP).delete()
        totp = {a.pk: generate_totp_secret() for a in accounts}
        Authenticator.objects.bulk_create(
            Authenticator(
                user=a, type=Authenticator.Type.TOTP, data={"secret": encrypt(totp[a.pk])}
            )
            for a in accounts
        )

    common = {
        "home": reverse("home"),
        "login": reverse("account_login"),
        "mfa": reverse("mfa_authenticate"),
    }
    plan: dict = {"urls": common, "password": PASSWORD, "accounts": {r: [] for r in ROLES}}
    for i in range(users):
        group_id = workable[i % len(workable)]
        meeting_id, people = sheets[group_id]
        plan["accounts"]["facilitator"].append(
            account(
                by_email[rows[i][0]],
                totp,
                attendance_sheet=reverse("attendance_sheet", args=[meeting_id]),
                attendance_mark=reverse("attendance_mark", args=[meeting_id]),
                participants=people,
                participant_list=reverse("participant_list"),
                follow_up_list=reverse("follow_up_list"),
            )
        )
        plan["accounts"]["project_lead"].append(
            account(
                by_email[rows[users + i][0]],
                totp,
                group_list=reverse("group_list"),
                group_detail=reverse("group_detail", args=[lead_group.pk]),
                expense_list=reverse("expense_list"),
                volunteer_list=reverse("volunteer_list"),
                grant_report=reverse("grant_report", args=[grant.pk]),
            )
        )
        plan["accounts"]["programme_coordinator"].append(
            account(
                by_email[rows[2 * users + i][0]],
                totp,
                dashboard=reverse("programme_dashboard", args=[programme.pk]),
                group_list=reverse("group_list"),
            )
        )
    return plan


def programme_groups(organisations: list, users: int) -> list[int]:
    """Up to `users` of the programme's groups, spread evenly over all of them, so that a
    national programme's facilitators are not all in its first organisations; the ids of
    every group when there are fewer."""
    from groups.models import Group

    ids = list(
        Group.objects.filter(organisation__in=organisations)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    step = max(1, len(ids) // max(users, 1))
    return ids[::step]


def attendance_sheets(group_ids: list[int], users: int) -> dict[int, tuple[int, list[int]]]:
    """Per group (at most `users` of them, in order): its latest held meeting and the
    people marked on it, for the groups that have one."""
    from meetings.models import Attendance, Meeting

    sheets: dict[int, tuple[int, list[int]]] = {}
    for group_id in group_ids:
        meeting = Meeting.objects.filter(group_id=group_id).held().order_by("-starts_at").first()
        if meeting is None:
            continue
        people = sorted(
            Attendance.objects.filter(meeting=meeting, participant__isnull=False).values_list(
                "participant_id", flat=True
            )
        )
        if people:
            sheets[group_id] = (meeting.pk, people)
        if len(sheets) >= users:
            break
    return sheets


def account(user, totp: dict, **urls) -> dict:
    return {"email": user.email, "totp": totp[user.pk], **urls}


if __name__ == "__main__":
    main()
