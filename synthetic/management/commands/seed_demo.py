"""python manage.py seed_demo — a realistic, fictional programme for trying stetapp.

Idempotent: running it again changes nothing. Every name, address and e-mail address is
made up (synthetic/demo.py). Refuses to run with DEBUG off unless --force is given, so it
never lands in a production database by accident.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from synthetic.demo import DEMO_PASSWORD, MissingCities, seed_demo


class Command(BaseCommand):
    help = "Load a fictional demo programme with one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DEBUG on (or with --force).")
        try:
            summary = seed_demo()
        except MissingCities as missing:
            raise CommandError(f"Cities missing; run migrate first: {missing.args[0]}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {summary.organisations} organisations, {summary.groups} "
                f"groups, {summary.participants} participants, {summary.meetings} meetings, "
                f"{summary.accounts} accounts (password: {DEMO_PASSWORD})."
            )
        )
