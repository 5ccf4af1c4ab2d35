"""Load the Dutch municipalities from groups/data/municipalities.csv (source and date in
groups/data/municipalities.md). Upserts by CBS code; the reverse removes nothing that
is in use."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    City = apps.get_model("groups", "City")
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            City.objects.update_or_create(
                cbs_code=row["cbs_code"],
                defaults={"name": row["name"], "province": row["province"]},
            )


def unload(apps, schema_editor):
    City = apps.get_model("groups", "City")
    with DATA.open(encoding="utf-8", newline="") as handle:
        codes = [row["cbs_code"] for row in csv.DictReader(handle)]
    City.objects.filter(
        cbs_code__in=codes, organisations__isnull=True, venues__isnull=True,
        stet_groups__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_memberships_and_relations")]
    operations = [migrations.RunPython(load, unload)]
