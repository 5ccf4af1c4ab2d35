"""The tax-free maxima for volunteer allowances, 2023–2025 (Belastingdienst figures, see
shared reference §4.4). Later years are added by a site administrator in the admin."""

from decimal import Decimal

from django.db import migrations

LIMITS = [
    (2023, "5.00", "2.75", "190.00", "1900.00"),
    (2024, "5.50", "3.25", "210.00", "2100.00"),
    (2025, "5.60", "3.30", "210.00", "2100.00"),
]


def load(apps, schema_editor):
    AllowanceLimit = apps.get_model("funding", "AllowanceLimit")
    for year, hour, hour_young, month, per_year in LIMITS:
        AllowanceLimit.objects.get_or_create(
            year=year,
            defaults={
                "per_hour": Decimal(hour),
                "per_hour_under_21": Decimal(hour_young),
                "per_month": Decimal(month),
                "per_year": Decimal(per_year),
                "source": "Belastingdienst, vrijwilligersvergoeding",
            },
        )


def unload(apps, schema_editor):
    apps.get_model("funding", "AllowanceLimit").objects.filter(
        year__in=[limit[0] for limit in LIMITS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_readiness_applications_budgets_grants_expenses_volunteers")]
    operations = [migrations.RunPython(load, unload)]
