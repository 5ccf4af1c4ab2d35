"""`python manage.py participant_export ID -o FILE.zip [--language en]`: everything stetapp
holds about one participant, for a request handled by an operator (AVG art. 15 and 20;
privacy/subject_export.py, docs/privacy.md "Rights of the people concerned").

The export is logged like one made in the application: an access-log row with action
"export" for the participant, without an account (an operator at the console), view
"manage.py participant_export" and role "operator" (docs/decisions.md, decision 62).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participants.models import Participant
from privacy import subject_export
from privacy.models import Access, AccessAction
from stetapp.logs import get_request_id

VIEW = "manage.py participant_export"


class Command(BaseCommand):
    help = "Write everything stored about one participant to a ZIP (PDF, JSON, CSV)."

    def add_arguments(self, parser):
        parser.add_argument("participant", type=int, help="the participant's number")
        parser.add_argument("-o", "--output", required=True, help="the ZIP file to write")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the language of the PDF and the labels (default: %(default)s)",
        )

    def handle(self, *args, participant: int, output: str, language: str, **options):
        try:
            person = Participant.objects.select_related("group", "group__organisation").get(
                pk=participant
            )
        except Participant.DoesNotExist:
            raise CommandError(f"No participant with number {participant}.") from None
        content = subject_export.zip_bytes(participant=person, language=language)
        Path(output).write_bytes(content)
        Access.objects.create(
            actor_id=None,
            roles="operator",
            scope="",
            action=AccessAction.EXPORT,
            view=VIEW,
            target=f"pk={person.pk}",
            status=200,
            request_id=get_request_id() or "",
            participant_id=person.pk,
        )
        # Only the number and the file: never the person's name on the console.
        self.stdout.write(f"Participant {person.pk}: {len(content)} bytes written to {output}.")
