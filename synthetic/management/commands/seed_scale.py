"""python manage.py seed_scale --groups N [--weeks W] [--participants P] [--batch B]

A synthetic, fictional programme of N groups for measuring speed at scale, built by the
same builders as the demo and `manage.py bench` (synthetic/programme.py): ten groups per
organisation, P participants per group (all enrolled; two of them leave after four
months), W weeks of weekly meetings held with attendance and seven weeks planned, the
first organisation's grant. It is written in batches of B groups, each committed on its
own, so memory stays flat and progress shows; an interrupted run leaves the batches
written so far. `manage.py bench --existing` then measures pages on it without building.

Defaults: 15 participants and 30 weeks, so that 10,000 groups give about 150,000
participants and 3,000,000 attendance marks. Refuses to run with DEBUG off unless --force
is given, like seed_demo. docs/decisions.md ("seed_scale") says why the rows are written
with bulk_create.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from groups.models import Group
from synthetic import programme as synthetic


class Command(BaseCommand):
    help = "Write a large synthetic programme in committed batches (for bench --existing)."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, required=True, help="How many groups.")
        parser.add_argument(
            "--weeks",
            type=int,
            default=30,
            help="Weeks of weekly meetings held before today (default: %(default)s).",
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=15,
            help="Participants per group, all enrolled (default: %(default)s).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=250,
            help="Groups written and committed at a time (default: %(default)s).",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, groups, weeks, participants, batch, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_scale only runs with DEBUG on (or with --force).")
        for name, value in (("groups", groups), ("weeks", weeks), ("batch", batch)):
            if value < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if not 1 <= participants <= 40:
            raise CommandError("--participants must be from 1 to 40.")
        started = time.perf_counter()
        with transaction.atomic():
            p = synthetic.start_programme()
        self.stdout.write(f"programme {p.programme.pk}: {p.programme.name}")
        while len(p.groups) < groups:
            first_batch = not p.groups
            with transaction.atomic():
                synthetic.add_groups(
                    p,
                    min(batch, groups - len(p.groups)),
                    members=participants,
                    in_funnel=0,
                    weeks_back=weeks,
                    keep_held=first_batch,
                )
                if first_batch:  # the grant needs the first organisation's held meetings
                    synthetic.add_grant(p)
                    p.held.clear()
            elapsed = time.perf_counter() - started
            done = len(p.groups)
            left = elapsed / done * (groups - done)
            self.stdout.write(
                f"{done}/{groups} groups ({100 * done // groups} %), "
                f"{elapsed:.0f} s, about {left:.0f} s to go"
            )
            self.stdout.flush()
        if connection.vendor == "postgresql":
            # Millions of new rows: the planner's statistics are stale until autovacuum
            # comes round; measuring right after needs them now.
            self.stdout.write("analysing the tables…")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        summary = synthetic.counts(Group.objects.filter(organisation__programmes=p.programme))
        self.stdout.write(
            self.style.SUCCESS(
                ", ".join(f"{n} {what}" for what, n in summary.items())
                + f" in {time.perf_counter() - started:.0f} s "
                + f"(programme {p.programme.pk}; bench --existing --programme "
                + f"{p.programme.pk})"
            )
        )
