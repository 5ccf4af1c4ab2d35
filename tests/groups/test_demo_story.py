"""The demo tells a true story (seed_demo, run once for this module on 22 November 2026):
the grant is the coverage plan, the volunteer who signs in is in the register and in the
report, the Turkish and Arabic-speaking groups have agreements in their languages, the
latest meeting still has to be recorded, and what the demo writes is Dutch."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction

from funding.models import Grant, Volunteer, VolunteerHours
from funding.selectors import application_balance
from groups.models import Group, GroupStatus
from meetings.models import AgreementText, Meeting, MeetingStatus
from meetings.selectors_planning import meetings_to_record_for
from reporting.report import build_grant_report

User = get_user_model()
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, built once for the module inside a transaction rolled back at its end
    (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with time_machine.travel(NOW, tick=False):
                call_command("seed_demo", "--force", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The synthetic builders write consents, intakes, enrolments and marks of fictional people
# with COPY on PostgreSQL (synthetic/base.py `insert`, docs/decisions.md "seed_scale"):
# no history rows, on purpose. The history walk (tests/history_walk.py) leaves these out.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.history_unrecorded("synthetic rows written with COPY"),
]


@pytest.fixture
def grant(demo):
    return Grant.objects.select_related("application").get(
        application__title="Samen tegen Eenzaamheid Rotterdam-Zuid 2026"
    )


def test_the_coverage_plan_is_the_grant(grant):
    balance = application_balance(application=grant.application)
    assert grant.amount == Decimal("5500.00")
    assert balance.costs == balance.coverage == grant.amount
    [line] = grant.application.coverage_lines.all()
    assert (line.fund_id, line.amount, line.status) == (
        grant.application.fund_id,
        grant.amount,
        "granted",
    )
    assert grant.application.amount_requested == grant.amount


def test_the_volunteer_with_an_account_has_hours_and_is_in_the_report(grant):
    account = User.objects.get(email="volunteer@example.org")
    volunteer = Volunteer.objects.get(user=account)
    assert volunteer.full_name == account.full_name
    assert volunteer.organisation == grant.application.organisation
    feijenoord = Group.objects.get(name="Turkse vrouwen Feijenoord")
    assert account.memberships.get().group == feijenoord
    hours = VolunteerHours.objects.filter(volunteer=volunteer, group=feijenoord)
    assert hours.filter(worked_on__gte=grant.period_start, worked_on__lte=NOW.date()).count() == 11
    assert not hours.filter(worked_on__gt=NOW.date()).exists()
    with time_machine.travel(NOW, tick=False):
        report = build_grant_report(grant)
    assert report.volunteers.volunteers >= 1
    assert report.volunteers.hours >= Decimal("88")


@pytest.mark.parametrize(
    ("group", "languages"),
    [
        ("Turkse vrouwen Feijenoord", {"nl", "tr"}),
        ("Marokkaanse mannen Charlois", {"nl", "ar"}),
        ("Marokkaanse vrouwen Kanaleneiland", {"nl", "ar"}),
        ("Hindostaanse vrouwen Transvaal", {"nl"}),
    ],
)
def test_agreements_in_the_group_s_languages(demo, group, languages):
    texts = AgreementText.objects.filter(agreement__group__name=group)
    assert {t.language for t in texts} == languages
    assert texts.filter(language="nl").count() == 3
    if "ar" in languages:
        assert all(re.search("[\u0600-\u06ff]", t.text) for t in texts.filter(language="ar"))


def test_the_newest_past_meeting_is_still_to_record(demo):
    with time_machine.travel(NOW, tick=False):
        running = Group.objects.filter(status__in=[GroupStatus.RUNNING, GroupStatus.CONTINUING])
        for group in running:
            newest = (
                Meeting.objects.filter(group=group, starts_at__lt=NOW)
                .exclude(status=MeetingStatus.CANCELLED)
                .order_by("-starts_at")
                .first()
            )
            assert newest.status == MeetingStatus.PLANNED, group.name
            assert not newest.attendance.exists(), group.name
            assert Meeting.objects.filter(group=group, status=MeetingStatus.HELD).exists(), (
                group.name
            )
        facilitator = User.objects.get(email="facilitator@example.org")
        [to_record] = meetings_to_record_for(user=facilitator)
    assert to_record.group.name == "Turkse vrouwen Feijenoord"


# Words that give away an English sentence; none of them is a Dutch word.
ENGLISH = re.compile(r"\b(the|and|with|for|groups|fictional|site admin)\b", re.IGNORECASE)
# Data loaded by migrations (and translated in the app), not written by the demo.
NOT_DEMO = {"City", "Theme", "Icebreaker", "AllowanceLimit", "CalendarEvent"}


def test_the_demo_writes_dutch(demo):
    found = []
    for app in ("stetapp", "groups", "funding", "participants", "meetings", "reporting"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__ in NOT_DEMO:
                continue
            fields = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and f.name not in ("email", "password", "phone", "postcode", "kvk_number")
            ]
            for row in model.objects.values("pk", *fields):
                for name in fields:
                    value = row[name] or ""
                    if ENGLISH.search(value):
                        found.append(f"{model.__name__}.{name}: {value[:60]}")
    assert found == []
