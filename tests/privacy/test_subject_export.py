"""The right of access and portability (AVG art. 15 and 20; issue 11, item 4):
privacy/subject_export.py, the download on the participant's page and
`manage.py participant_export`.

The subject (Ayse Demir of group A1) has records of every kind; another participant of
the same group (a canary name) shares her meetings, ideas and stories' group, brought her
in, and is named in the group's notes, beside a guest and a speaker with canary names.
None of those names may appear in any file of the ZIP; the subject's own special-category
values must, and never in a log.
"""

import datetime as dt
import io
import json
import logging
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import Attendance, FollowUpCall, Idea
from participants.models import Consent, Intake
from privacy import subject_export
from privacy.models import Access, AccessAction, Change
from privacy.register import REGISTER
from reporting.models import Administration, Story
from tests.factories import ConsentFactory, IdeaFactory, MeetingFactory, participant_in

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Names of other people: never in the export.
OTHERS = ["Zorbatrix", "Quillonguest", "Vantablackspeaker", "Otherstoryteller"]
# The subject's own special-category values: in the export, never in a log.
OWN_SPECIAL = ["Religioncanary", "Healthcanary", "Confidentialcanary"]


def _meetings(world, n, other):
    subject = world.participant_a1
    for i in range(n):
        meeting = MeetingFactory(
            group=world.group_a1,
            day=dt.date(2026, 1, 6) + dt.timedelta(weeks=i),
            guest="Vantablackspeaker from the library",
            notes="Zorbatrix was quiet today.",
        )
        meeting.organisers.add(subject, other)
        Attendance.objects.create(meeting=meeting, participant=subject, status="present")
        Attendance.objects.create(meeting=meeting, participant=other, status="absent")
        Attendance.objects.create(meeting=meeting, guest_name="Quillonguest", status="present")


@pytest.fixture
def seeded(world):
    """The subject with records of every kind, and others around her."""
    subject = world.participant_a1
    facilitator = world.users["facilitator_a1"]
    other = participant_in(world.group_a1, full_name="Zorbatrix Otherperson", phone="06 9999 0000")
    subject.referred_by = other
    subject.religion = "Religioncanary"
    subject.health_notes = "Healthcanary: knee"
    subject.confidential_notes = "Confidentialcanary"
    subject.interests = "=cooking"
    subject.save()
    ConsentFactory(participant=subject, purpose="religion", recorded_by=facilitator)
    ConsentFactory(participant=subject, purpose="health", recorded_by=world.users["lead_a"])
    consent = ConsentFactory(participant=subject, purpose="photos", recorded_by=facilitator)
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = world.users["lead_a"]
    consent.save()
    Intake.objects.create(
        participant=subject,
        held_on=dt.date(2025, 12, 1),
        location="home",
        conducted_by=facilitator,
        situation="Lives on the third floor.",
        wishes="Cooking together.",
    )
    _meetings(world, 2, other)
    FollowUpCall.objects.create(
        participant=subject, called_by=facilitator, outcome="reached", notes="Was ill."
    )
    Story.objects.create(
        group=world.group_a1,
        storyteller=other,
        domain="belonging",
        title="Otherstoryteller's story",
        text="Otherstoryteller speaks.",
        significance="-",
        collected_by=facilitator,
    )
    Administration.objects.create(
        participant=subject,
        group=world.group_a1,
        instrument="who5",
        mode="self",
        timepoint="baseline",
        administered_by=facilitator,
        answers=[3, 3, 3, 3, 3],
    )
    shared = IdeaFactory(
        group=world.group_a1,
        title="Picnic in the park",
        proposed_by=other,
        look_back="Zorbatrix brought tea.",
    )
    shared.organisers.add(subject, other)
    IdeaFactory(group=world.group_a1, title="Zorbatrix's own idea", proposed_by=other)
    return subject


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _text_of(files: dict[str, bytes]) -> dict[str, str]:
    texts = {}
    for name, content in files.items():
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(content))
            texts[name] = "\n".join(page.extract_text() for page in reader.pages)
        else:
            texts[name] = content.decode("utf-8-sig")
    return texts


def _export_url(world, **query):
    url = reverse("participant_export", args=[world.participant_a1.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture(autouse=True)
def _no_limit(settings):
    settings.STETAPP_DOWNLOAD_LIMIT = 0


# --- the rules, on the data -----------------------------------------------------------


def test_every_personal_field_of_the_persons_records_is_shown_or_left_out_for_a_reason():
    for spec in subject_export.SECTIONS:
        declared = set(REGISTER[spec.model._meta.label].personal)
        missing = declared - subject_export.covered_fields(spec)
        assert missing == set(), f"{spec.key}: {sorted(missing)}"


def test_every_section_is_present_with_the_subjects_records(world, seeded):
    export = subject_export.build(participant=seeded, language="en")
    data = subject_export.as_json(export)
    assert data["format"] == "stetapp-subject-export"
    assert data["format_version"] == 1
    sections = data["sections"]
    assert list(sections) == [
        "person",
        "consents",
        "intakes",
        "enrolments",
        "attendance",
        "organised_meetings",
        "follow_up_calls",
        "stories",
        "questionnaires",
        "ideas",
    ]
    counts = {key: len(section["records"]) for key, section in sections.items()}
    assert counts == {
        "person": 1,
        "consents": 4,
        "intakes": 1,
        "enrolments": 1,
        "attendance": 2,
        "organised_meetings": 2,
        "follow_up_calls": 1,
        "stories": 1,
        "questionnaires": 2,
        "ideas": 2,
    }
    person = sections["person"]["records"][0]
    assert person["full_name"] == "Ayse Demir"
    assert person["referred_by"] is True
    assert person["religion"] == "Religioncanary"
    assert person["health_notes"] == "Healthcanary: knee"
    assert person["confidential_notes"] == "Confidentialcanary"
    assert person["group"] == "Group A1"
    # Staff are named by their role in the organisation, never by name.
    consents = sections["consents"]["records"]
    assert {c["recorded_by"] for c in consents} == {"facilitator", "project_lead"}
    withdrawn = next(c for c in consents if c["purpose"] == "photos")
    assert withdrawn["withdrawn_by"] == "project_lead"
    assert withdrawn["withdrawn_at"]
    who5 = next(q for q in sections["questionnaires"]["records"] if q["instrument"] == "who5")
    assert who5["answers"] == [3, 3, 3, 3, 3]
    assert who5["scores"]["raw"] == 15
    ideas = {i["title"]: i for i in sections["ideas"]["records"]}
    assert ideas["Picnic in the park"]["proposed_by"] is False
    assert ideas["Picnic in the park"]["organisers"] is True
    assert ideas["Cook together for Eid"]["proposed_by"] is True
    assert {a["status"] for a in sections["attendance"]["records"]} == {"present"}
    # The consent history: every create and the withdrawal, by role.
    history = data["consent_history"]
    actions = [(h["action"], sorted(h["fields"])) for h in history]
    assert ("updated", ["withdrawn_at", "withdrawn_by"]) in actions
    assert sum(1 for action, _ in actions if action == "created") == 4
    withdrawal = next(h for h in history if h["action"] == "updated")
    assert withdrawal["fields"]["withdrawn_by"] == [None, "project_lead"]
    # Purposes and retention come from the register, per field shown.
    processing = {(row["section"], row["field"]): row for row in data["processing"]}
    religion = processing[("person", "religion")]
    assert religion["special_category"] is True
    assert religion["purpose"] == "group_work"
    assert religion["retention"] == "person"
    assert processing[("consents", "purpose")]["purpose"] == "consent"


def test_nothing_about_anyone_else_in_any_file_of_the_zip(world, seeded):
    files = _zip(subject_export.zip_bytes(participant=seeded, language="en"))
    stem = f"participant-{seeded.pk}"
    assert f"{stem}.pdf" in files
    assert f"{stem}.json" in files
    assert {n for n in files if n.startswith("csv/")} == {
        f"csv/{s.key}.csv" for s in subject_export.SECTIONS
    } | {"csv/consent_history.csv", "csv/processing.csv"}
    texts = _text_of(files)
    staff = [u.email for u in world.users.values()] + [u.full_name for u in world.users.values()]
    for name, text in texts.items():
        for canary in OTHERS + staff + ["06 9999 0000"]:
            assert canary not in text, f"{canary} in {name}"
    pdf = texts[f"{stem}.pdf"]
    for own in ["Ayse Demir", *OWN_SPECIAL, "Picnic in the park", "Lives on the third floor."]:
        assert own in pdf
    assert "Religioncanary" in texts["csv/person.csv"]
    # Questionnaire answers read as the items with the answers given.
    words = " ".join(pdf.split())
    assert "I often feel rejected: no" in words
    assert "I have felt calm and relaxed: More than half of the time" in words
    assert "items answered: 5, raw score: 15, Percentage: 60" in words
    # CSV cells are inert in a spreadsheet (stetapp.exports).
    assert "'=cooking" in texts["csv/person.csv"]


def test_the_pdf_is_in_dutch_by_choice(world, seeded):
    export = subject_export.build(participant=seeded, language="nl")
    text = _text_of({"x.pdf": subject_export.pdf_bytes(export)})["x.pdf"]
    assert "Uw gegevens in stetapp" in text
    assert export.section("consents").title == "Toestemmingen"


def test_special_category_values_never_reach_a_log(world, seeded, caplog, login, settings):
    client = login(world.users["lead_a"])
    with caplog.at_level(logging.DEBUG):
        response = client.get(_export_url(world))
        call_command("participant_export", str(seeded.pk), "-o", "/dev/null")
    assert response.status_code == 200
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    rows = list(Access.objects.values_list()) + list(Change.objects.values_list())
    for canary in OWN_SPECIAL:
        assert canary not in logged
        assert canary not in repr(rows)


def test_a_fixed_number_of_queries_with_2_or_20_meetings(world, seeded, django_assert_num_queries):
    subject = seeded
    subject.refresh_from_db()
    subject = type(subject).objects.select_related("group__organisation").get(pk=subject.pk)
    with django_assert_num_queries(11):
        subject_export.build(participant=subject, language="en")
    _meetings(world, 18, Idea.objects.get(title="Zorbatrix's own idea").proposed_by)
    with django_assert_num_queries(11):
        export = subject_export.build(participant=subject, language="en")
    assert len(export.section("attendance").records) == 20


# --- the download ---------------------------------------------------------------------


def test_the_lead_downloads_it_and_the_access_log_says_export(world, seeded, login):
    client = login(world.users["lead_a"])
    before = Access.objects.count()
    response = client.get(_export_url(world, language="nl"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert f'filename="participant-{seeded.pk}.zip"' in response["Content-Disposition"]
    files = _zip(response.content)
    data = json.loads(files[f"participant-{seeded.pk}.json"])
    assert data["language"] == "nl"
    rows = list(Access.objects.order_by("pk")[before:].values("participant_id", "action", "view"))
    assert rows == [
        {"participant_id": seeded.pk, "action": AccessAction.EXPORT, "view": "participant_export"}
    ]


def test_the_language_defaults_to_the_users_own(world, seeded, login):
    lead = world.users["lead_a"]
    lead.language = "en"
    lead.save()
    response = login(lead).get(_export_url(world, language="xx"))
    data = json.loads(_zip(response.content)[f"participant-{seeded.pk}.json"])
    assert data["language"] == "en"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator_a1", 403),
        ("volunteer_a1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("facilitator_b1", 403),
        ("outsider", 403),
    ],
)
def test_only_the_project_lead_may_export(world, persona, status):
    response = world.client_for(persona).get(_export_url(world))
    assert response.status_code == status


def test_a_lead_of_another_organisation_gets_404_and_it_is_logged(world, login):
    from tests.factories import UserFactory, grant_role

    lead_b = UserFactory(email="lead.b@example.org")
    grant_role(lead_b, "project_lead", world.org_b)
    response = login(lead_b).get(_export_url(world))
    assert response.status_code == 404
    refused = Access.objects.filter(actor_id=lead_b.pk).get()
    assert refused.action == AccessAction.REFUSED
    assert refused.participant_id is None


def test_a_facilitator_of_the_group_does_not_see_the_button(world, login):
    url = reverse("participant_detail", args=[world.participant_a1.pk])
    export_url = reverse("participant_export", args=[world.participant_a1.pk])
    assert export_url not in login(world.users["facilitator_a1"]).get(url).content.decode()
    assert export_url in login(world.users["lead_a"]).get(url).content.decode()


def test_the_download_counts_against_the_users_limit(world, login, settings):
    settings.STETAPP_DOWNLOAD_LIMIT = 1
    settings.STETAPP_DOWNLOAD_WINDOW_SECONDS = 3600
    cache.clear()
    client = login(world.users["lead_a"])
    try:
        assert client.get(_export_url(world)).status_code == 200
        assert client.get(_export_url(world)).status_code == 429
    finally:
        cache.clear()


# --- the operator's command -----------------------------------------------------------


def test_the_command_writes_a_valid_zip_and_logs_the_export(world, seeded, tmp_path):
    target = tmp_path / "export.zip"
    out = io.StringIO()
    call_command(
        "participant_export", str(seeded.pk), "-o", str(target), "--language", "en", stdout=out
    )
    files = _zip(target.read_bytes())
    data = json.loads(files[f"participant-{seeded.pk}.json"])
    assert data["participant"]["number"] == seeded.pk
    assert data["language"] == "en"
    assert "Ayse" not in out.getvalue()
    row = Access.objects.filter(view="manage.py participant_export").get()
    assert (row.participant_id, row.action, row.actor_id, row.roles) == (
        seeded.pk,
        AccessAction.EXPORT,
        None,
        "operator",
    )


def test_the_command_refuses_an_unknown_participant(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("participant_export", "999999", "-o", str(tmp_path / "x.zip"))


def test_an_empty_record_says_nothing_recorded(world):
    lonely = participant_in(world.group_b1, full_name="Nobody Else")
    Consent.objects.filter(participant=lonely).delete()
    export = subject_export.build(participant=lonely, language="en")
    assert export.consent_history == []
    assert len(export.section("enrolments").records) == 1
    text = _text_of({"x.pdf": subject_export.pdf_bytes(export)})["x.pdf"]
    assert "Nothing recorded." in text


def test_a_lead_elsewhere_who_works_in_the_group_is_refused(world, login):
    """Seeing the person (as their facilitator) is not enough: only the lead of the
    person's own organisation exports."""
    from tests.factories import UserFactory, grant_role

    both = UserFactory(email="lead.b.and.facilitator.a1@example.org")
    grant_role(both, "project_lead", world.org_b)
    grant_role(both, "facilitator", world.group_a1)
    assert login(both).get(_export_url(world)).status_code == 403


def test_staff_without_a_role_there_any_more_and_unreadable_answers(world):
    subject = world.participant_a1
    FollowUpCall.objects.create(
        participant=subject, called_by=world.users["outsider"], outcome="no_answer"
    )
    Administration.objects.create(
        participant=subject,
        group=world.group_a1,
        instrument="who5",
        mode="self",
        timepoint="follow_up",
        answers=["not", "an", "answer", None, "", 9, 9, 9],
    )
    export = subject_export.build(participant=subject, language="en")
    (call,) = export.section("follow_up_calls").as_dicts()
    assert call["called_by"] == "staff"
    shown = {c.name: c.shown for c in export.section("follow_up_calls").records[0]}
    assert shown["called_by"] == "staff member"
    unreadable = next(
        q for q in export.section("questionnaires").as_dicts() if q["timepoint"] == "follow_up"
    )
    assert unreadable["scores"] == {}
    shown = {c.name: c.shown for c in export.section("questionnaires").records[-1]}
    assert shown["answers"].splitlines()[3:6] == [
        "4. I woke up feeling fresh and rested: —",
        "5. My daily life has been filled with things that interest me: —",
        "6. 6: 9",
    ]


def test_every_record_that_belongs_to_one_participant_has_a_section():
    from django.apps import apps

    from privacy.history import TRACKED

    own = {label for label, attribute in TRACKED.items() if attribute is not None}
    assert own <= {spec.model._meta.label for spec in subject_export.SECTIONS}
    assert all(apps.get_model(label) for label in own)


def test_the_export_survives_every_hostile_string_stored_before_the_rules(world):
    """Text stored before stetapp.text's rule may hold control characters (decision 45):
    the PDF, the JSON and the CSV are still made, the CSV cells inert."""
    from django.db import connection

    from participants.models import Participant
    from tests.helpers import HOSTILE

    subject = world.participant_a1
    # PostgreSQL refuses NUL in text, so no row stored there holds one.
    stored = [
        value.replace("\x00", "") if connection.vendor == "postgresql" else value
        for value in HOSTILE
    ]
    text = "\n".join(stored)
    Participant.objects.filter(pk=subject.pk).update(
        full_name=stored[0], interests=text, confidential_notes="=1+1"
    )
    Intake.objects.create(
        participant=subject,
        held_on=dt.date(2026, 1, 1),
        location="home",
        conducted_by=world.users["facilitator_a1"],
        situation=text,
    )
    subject.refresh_from_db()
    files = _zip(subject_export.zip_bytes(participant=subject, language="nl"))
    data = json.loads(files[f"participant-{subject.pk}.json"])
    assert data["sections"]["person"]["records"][0]["full_name"] == stored[0]
    assert data["sections"]["intakes"]["records"][-1]["situation"] == text
    assert "'=1+1" in files["csv/person.csv"].decode("utf-8-sig")
    assert PdfReader(io.BytesIO(files[f"participant-{subject.pk}.pdf"])).pages


def test_the_download_costs_the_same_queries_with_2_or_20_meetings(
    world, seeded, login, warm, django_assert_num_queries
):
    client = login(world.users["lead_a"])
    warm(client, reverse("participant_detail", args=[seeded.pk]))
    with django_assert_num_queries(17):
        # + the lead's scope, the groups of their organisations
        # (Participant.objects.visible_to, decision 83)
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the participant with group and organisation (visible_to; may the user
        # export, Need.MANAGE? from the roles of 3.)  5-15. the builder (11)
        # 16. the access log: one INSERT
        assert client.get(_export_url(world)).status_code == 200
    _meetings(world, 18, Idea.objects.get(title="Zorbatrix's own idea").proposed_by)
    with django_assert_num_queries(17):
        assert client.get(_export_url(world)).status_code == 200
