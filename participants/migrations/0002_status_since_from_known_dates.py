""""Status since" showed the moment of the last save of a status, also when the status
did not change (choosing it again, joining a second group, an intake recorded later). The
services now keep the moment of the real change; this sets it, for the people already
registered, from what the records know: the day a person who joined joined their
current group, the day of the intake of a person whose status is "intake done". Only
moves the moment back (a later save never made a change earlier)."""

import datetime as dt

from django.db import migrations
from django.db.models import Max
from django.utils import timezone


def _noon(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def forwards(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    known = {
        "joined": Participant.objects.filter(
            status="joined", enrolments__left_on__isnull=True
        ).annotate(day=Max("enrolments__joined_on")),
        "intake_done": Participant.objects.filter(status="intake_done").annotate(
            day=Max("intakes__held_on")
        ),
    }
    for people in known.values():
        for person in people.exclude(day=None).only("pk", "status_changed_at").iterator():
            moment = _noon(person.day)
            if moment < person.status_changed_at:
                Participant.objects.filter(pk=person.pk).update(status_changed_at=moment)


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_participants_consent_intake_enrolment_social_map")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
