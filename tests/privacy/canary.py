"""A canary person for the erasure tests: a unique string in every text field of every
record about them, and scans of the whole database for it (docs/privacy.md, "Erasure")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.urls import reverse

from meetings.models import Attendance, AttendanceTap, FollowUpCall
from participants.models import Consent, Enrolment, Intake, Participant
from reporting.models import Administration, Story
from tests.factories import IdeaFactory, MeetingFactory

TOKEN = "Zq7Kanarie"


def seed_canary(world) -> Participant:
    """The canary: a participant of group A1 (in grant A's period) with consents, an
    intake, an enrolment, marks (and an earlier guest mark under their name), a call, a
    story, a questionnaire, an idea and a meeting they organised; changes in the history
    and a page view in the access log."""
    group = world.group_a1
    facilitator = world.users["facilitator_a1"]
    lead = world.users["lead_a"]
    t = TOKEN
    person = Participant.objects.create(
        group=group,
        full_name=f"{t} Naam",
        phone=f"{t}-ph",
        address=f"{t}-address",
        postcode="3072 AB",
        birth_year=1950,
        gender="woman",
        country_of_origin=f"{t}-land",
        community=f"{t}-comm",
        languages=[f"{t}-lang"],
        preferred_language="tr",
        interests=f"{t}-interests",
        religion=f"{t}-faith",
        health_notes=f"{t}-health",
        confidential_notes=f"{t}-confidential",
        channel_detail=f"{t}-channel",
        status="joined",
    )
    Enrolment.objects.create(
        participant=person, group=group, joined_on=dt.date(2026, 1, 10), leave_notes=f"{t}-left"
    )
    Consent.objects.create(
        participant=person,
        purpose="data_processing",
        method="written",
        language="nl",
        info_version=f"{t}-v",
        recorded_by=facilitator,
    )
    Intake.objects.create(
        participant=person,
        held_on=dt.date(2026, 1, 5),
        location="home",
        conducted_by=facilitator,
        situation=f"{t}-situation",
        wishes=f"{t}-wishes",
        practical_needs=f"{t}-needs",
        next_step=f"{t}-next",
    )
    earlier = MeetingFactory(group=group, day=dt.date(2026, 1, 6))
    meeting = MeetingFactory(group=group, day=dt.date(2026, 2, 3))
    Attendance.objects.create(
        meeting=earlier, guest_name=f"{t} naam", is_trial=True, status="present"
    )
    Attendance.objects.create(meeting=meeting, participant=person, status="present")
    AttendanceTap.objects.create(
        client_id=uuid.uuid4(),
        meeting=earlier,
        guest_name=f"{t} Naam",
        status="present",
        tapped_at=earlier.starts_at,
        outcome="applied",
    )
    FollowUpCall.objects.create(
        participant=person, called_by=facilitator, outcome="reached", notes=f"{t}-call"
    )
    Story.objects.create(
        group=group,
        storyteller=person,
        domain="belonging",
        title=f"{t}-title",
        text=f"{t}-story",
        translation=f"{t}-translation",
        significance=f"{t}-significance",
        quote=f"{t}-quote",
        event_period=f"{t}-period",
        collected_by=facilitator,
        collected_on=dt.date(2026, 3, 1),
        consent_scope="funder",
    )
    Administration.objects.create(
        participant=person,
        group=group,
        instrument="djg6",
        mode="interview",
        timepoint="baseline",
        administered_on=dt.date(2026, 2, 1),
        administered_by=facilitator,
        answers=["yes", "no", "no", "more_or_less", "yes", "no"],
    )
    idea = IdeaFactory(group=group, title="A walk", proposed_by=person)
    idea.organisers.add(person)
    meeting.organisers.add(person)
    LogEntry.objects.create(
        user=lead,
        content_type=ContentType.objects.get_for_model(Participant),
        object_id=str(person.pk),
        object_repr=person.full_name,
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{t}"]}}}}]',
    )
    # a change (history with old and new values) and a page view (the access log)
    Participant.objects.filter(pk=person.pk).update(interests=f"{t}-interests-2")
    response = world.client_for("lead_a").get(reverse("participant_detail", args=[person.pk]))
    assert response.status_code == 200
    return person


def _text_like(model_field: models.Field) -> bool:
    return isinstance(model_field, models.CharField | models.TextField | models.JSONField)


def scan_models(token: str = TOKEN) -> list[str]:
    """Every text and JSON column of every model (privacy's tables included), read in
    Python: 'app.Model.field' for each value that holds the token."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        columns = [f for f in model._meta.concrete_fields if _text_like(f)]
        if not columns:
            continue
        rows = model._base_manager.values_list(*[f.attname for f in columns])
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                if value is not None and token.lower() in str(value).lower():
                    found.append(f"{model._meta.label}.{column.name}")
    return found


def scan_tables(token: str = TOKEN) -> list[str]:
    """Every column of every table in the database, by the database's own catalogue (on
    PostgreSQL: information_schema), cast to text: 'table.column' for each hit."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() "
                "AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')"
            )
            columns = cursor.fetchall()
            cast = "{}::text"
        else:
            columns = []
            for table in connection.introspection.table_names(cursor):
                for column in connection.introspection.get_table_description(cursor, table):
                    columns.append((table, column.name))
            cast = "CAST({} AS TEXT)"
        for table, column in columns:
            expression = cast.format(quote(column))
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER({expression}) LIKE %s",  # noqa: S608
                [f"%{token.lower()}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found
