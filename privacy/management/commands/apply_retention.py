"""List (--dry-run) or anonymise the personal data whose retention period has passed
(docs/privacy.md, "Retention"). The output names participants by number only."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from groups.models import Organisation
from privacy.retention import Kind, due_items
from privacy.services_retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise the personal data whose retention period has passed, the same way as "
        "an erasure; with --dry-run only list it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument("--organisation", type=int, help="only this organisation (id)")

    def handle(self, *args, dry_run: bool, organisation: int | None, **options) -> None:
        ids = None
        if organisation is not None:
            if not Organisation.objects.filter(pk=organisation).exists():
                raise CommandError(f"No organisation {organisation}.")
            ids = [organisation]
        with translation.override("en"):
            items = (
                due_items(organisation_ids=ids)
                if dry_run
                else apply_retention(organisation_ids=ids)
            )
            for item in items:
                self.stdout.write(
                    f"participant {item.participant_id}\torganisation {item.organisation_id}"
                    f"\t{item.kind}\t{item.scope}\tdue since {item.due_on.isoformat()}"
                )
            counts = Counter(item.kind for item in items)
            summary = ", ".join(f"{Kind(kind).label}: {n}" for kind, n in sorted(counts.items()))
            verb = "due" if dry_run else "anonymised"
            self.stdout.write(f"{len(items)} {verb}" + (f" ({summary})" if summary else ""))
