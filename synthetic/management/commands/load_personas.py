"""python manage.py load_personas --password-file FILE -o PERSONAS.json [--programme PK]

For `make load` (load/run.py): gives the accounts of a synthetic programme written by
`manage.py seed_scale` — each group's facilitator, the project lead, the coordinator — one
password, read from FILE (the runner makes a random one per run), and writes who they
are and what they work on as JSON for the load users: each facilitator's group and
latest held meeting, the grant and the programme. It refuses any programme that is not a
synthetic one, so it never touches real accounts.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups.models import Group, Membership
from groups.roles import Role
from meetings.models import Meeting
from synthetic.programme import existing_bench


class Command(BaseCommand):
    help = "Give a synthetic programme's accounts one password and list them for make load."

    def add_arguments(self, parser):
        parser.add_argument("--password-file", required=True, metavar="FILE")
        parser.add_argument("-o", "--output", required=True, metavar="PERSONAS.json")
        parser.add_argument("--programme", type=int, help="default: the newest synthetic one")

    def handle(self, *args, password_file, output, programme, **options):
        password = Path(password_file).read_text().strip()
        if len(password) < 16:
            raise CommandError("The password file must hold at least 16 characters.")
        try:
            bench = existing_bench(programme)
        except LookupError as error:
            raise CommandError(str(error)) from None
        groups = Group.objects.filter(organisation__programmes=bench.programme).order_by("pk")
        facilitators = []
        for group in groups:
            membership = (
                Membership.objects.filter(role=Role.FACILITATOR, group=group)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            meeting = Meeting.objects.filter(group=group).held().order_by("-starts_at").first()
            if membership is None or meeting is None:
                continue
            facilitators.append(
                {"email": membership.user.email, "group": group.pk, "meeting": meeting.pk}
            )
        if not facilitators:
            raise CommandError(f"programme {bench.programme.pk} has no facilitator to use")
        users = [f["email"] for f in facilitators] + [bench.lead.email, bench.coordinator.email]
        with transaction.atomic():
            get_user_model().objects.filter(email__in=users).update(
                password=make_password(password)
            )
        personas = {
            "programme": bench.programme.pk,
            "grant": bench.grant.pk,
            "facilitators": facilitators,
            "leads": [{"email": bench.lead.email}],
            "coordinators": [{"email": bench.coordinator.email}],
        }
        Path(output).write_text(json.dumps(personas, indent=2) + "\n")
        self.stdout.write(
            f"{len(facilitators)} facilitators, 1 lead, 1 coordinator of programme "
            f"{bench.programme.pk} written to {output}"
        )
