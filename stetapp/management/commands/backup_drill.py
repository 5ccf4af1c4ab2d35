"""python manage.py backup_drill — back up, restore into an empty database, compare.

See stetapp/backup_drill.py for the steps and docs/deployment.md ("Backups and restore")
for when to run it and what its figures mean. Exits with status 1 on any mismatch.
"""

from django.core.management.base import BaseCommand, CommandError

from stetapp.backup_drill import DrillError, format_report, run_drill


class Command(BaseCommand):
    help = (
        "Dump the PostgreSQL database and the private files, restore both into an empty "
        "database and directory, compare them table by table and file by file, and "
        "smoke-test the copy. Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Which DATABASES entry to drill.")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the restored database (<name>_drill) and the work directory.",
        )
        parser.add_argument(
            "--no-smoke", action="store_true", help="Leave out the smoke test of the copy."
        )

    def handle(self, *args, database="default", keep=False, no_smoke=False, **options):
        try:
            report = run_drill(database=database, keep=keep, smoke=not no_smoke)
        except DrillError as error:
            raise CommandError(f"backup drill: {error}") from None
        self.stdout.write(format_report(report))
        if not report.clean:
            raise CommandError(f"backup drill failed: {len(report.mismatches)} mismatches")
