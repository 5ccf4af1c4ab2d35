"""Clean the text stored before stetapp.text's rule (docs/decisions.md 45): every CharField
and TextField of stetapp's own apps loses its control characters, lone surrogates and
noncharacters, line breaks become "\\n", and the text is put in Unicode NFC.

Every field is cleaned as multi-line text (tabs and line breaks are kept): a migration
cannot tell which form a value came from, and a stored line break does no harm. Rows are
read in batches of BATCH (by primary key) and only changed rows are written. The rule is a frozen copy of
stetapp.text.clean_text as it was when this migration was written (a migration never
imports application code). Reversing it changes nothing: the removed characters are gone.
"""

import re
import sys
import unicodedata

from django.db import IntegrityError, migrations, models, transaction

APPS = ("stetapp", "groups", "funding", "participants", "meetings", "reporting")
BATCH = 1000

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
    for plane in range(sys.maxunicode // 0x10000 + 1)
)
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_DROP = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)


def _clean(value):
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", _DROP.sub("", _BREAKS.sub("\n", value)))


def _text_fields(model):
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.primary_key
        and not field.choices
    ]


def clean_stored_text(apps, schema_editor):
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            fields = _text_fields(model)
            if not fields:
                continue
            manager = model._base_manager
            last = None
            while True:
                rows = manager.order_by("pk")
                if last is not None:
                    rows = rows.filter(pk__gt=last)
                batch = list(rows.values_list("pk", *fields)[:BATCH])
                if not batch:
                    break
                last = batch[-1][0]
                changed = []
                for pk, *values in batch:
                    cleaned = [_clean(value) for value in values]
                    if cleaned != values:
                        changed.append(model(pk=pk, **dict(zip(fields, cleaned, strict=True))))
                if changed:
                    _save(manager, changed, fields)


def _save(manager, changed, fields):
    """Write the cleaned rows. A clean value that equals one another row holds in a
    unique field ("Café" stored once composed, once decomposed) would stop the migration
    and with it the deployment: such a row keeps its value (exports and PDFs drop its
    control characters anyway), every other row is cleaned."""
    try:
        with transaction.atomic():
            manager.bulk_update(changed, fields)
    except IntegrityError:
        for row in changed:
            try:
                with transaction.atomic():
                    manager.bulk_update([row], fields)
            except IntegrityError:
                continue


class Migration(migrations.Migration):
    dependencies = [
        ("stetapp", "0002_submission_token"),
        ("groups", "0006_organisation_logo"),
        ("funding", "0005_fund_keepers"),
        ("participants", "0002_status_since_from_known_dates"),
        ("meetings", "0004_calendar_feed_expiry"),
        ("reporting", "0002_report_summary"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop, elidable=True),
    ]
