"""python manage.py backup_drill_smoke --files-root DIR — the drill's smoke test.

`backup_drill` runs this in a separate process with DATABASE_URL pointing at the
restored copy and DIR holding the restored private files (stetapp/backup_drill.py). It
prints one line, `BACKUP-DRILL-SMOKE {json}`, with what it found: pending migrations,
counts, the status of a few pages rendered as the site administrator, the private files
the database refers to that are missing, and whether a receipt opens. Run by hand it only
reads, except for the sign-in of the page renders (a session row, the last sign-in time).
It lives in `reporting`, the top installed layer, which may import every phase's models
(docs/decisions.md, 30); the pages it renders are reached by URL name.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse

from funding.models import Expense
from groups.models import Group
from meetings.models import Meeting
from participants.models import Participant
from stetapp.backup_drill import SMOKE_MARKER
from stetapp.models import User


class Command(BaseCommand):
    help = "The backup drill's smoke test of a restored copy (run by backup_drill)."

    def add_arguments(self, parser):
        parser.add_argument("--files-root", required=True, help="The restored private files.")

    def handle(self, *args: Any, files_root: str, **options: Any) -> None:
        root = Path(files_root)
        result: dict[str, Any] = {}
        executor = MigrationExecutor(connection)
        result["pending_migrations"] = len(
            executor.migration_plan(executor.loader.graph.leaf_nodes())
        )
        result["counts"] = {
            "participants": Participant.objects.count(),
            "groups": Group.objects.count(),
            "meetings": Meeting.objects.count(),
        }
        group = Group.objects.annotate(number=Count("meetings")).order_by("-number", "pk").first()
        if group is not None:
            result["counts"]["meetings of the busiest group"] = len(
                list(group.meetings.order_by("pk"))
            )
        result["pages"] = self.pages(group)
        result["referenced_files"], result["missing_files"] = self.referenced_files(root)
        result["receipt"] = self.receipt(root)
        self.stdout.write(SMOKE_MARKER + json.dumps(result))

    def pages(self, group) -> dict[str, int]:
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            return {}
        urls = {"home": reverse("home"), "participants": reverse("participant_list")}
        if group is not None:
            urls["group"] = reverse("group_detail", args=[group.pk])
            urls["meetings"] = reverse("group_meetings", args=[group.pk])
        # The pages as the application serves them, without what belongs to the
        # deployment (host names, HTTPS redirect, the second-factor requirement).
        with override_settings(
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
            STETAPP_MFA_REQUIRED_ROLES=[],
            STETAPP_MFA_REQUIRED_FOR_STAFF=False,
        ):
            client = Client()
            client.force_login(admin)
            return {name: client.get(url, secure=True).status_code for name, url in urls.items()}

    def referenced_files(self, root: Path) -> tuple[int, list[str]]:
        """Every private file a row refers to, and those missing under `root`."""
        private = Path(settings.STETAPP_PRIVATE_MEDIA_ROOT).resolve()
        referenced, missing = 0, []
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, models.FileField):
                    continue
                location = getattr(field.storage, "location", None)
                if location is None or Path(location).resolve() != private:
                    continue
                names = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                for name in names.iterator():
                    referenced += 1
                    if not (root / name).is_file():
                        missing.append(name)
        return referenced, missing

    def receipt(self, root: Path) -> str:
        name = (
            Expense.objects.exclude(receipt="").order_by("pk").values_list("receipt", flat=True)
        ).first()
        if name is None:
            return "none in the data"
        try:
            data = (root / name).read_bytes()
        except OSError:
            return "unreadable"
        return f"opened ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}…)"
