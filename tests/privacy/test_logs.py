"""Reading the logs (issue 11, items 3 and 7; decision 61): the file log of one
participant for the project lead, the organisation's log, summary and alerts for the
privacy officer, the register page; who may read them; that reading them is logged; that
they show no value of a special-category field or a note; their query counts."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from groups.forms import InviteForm
from groups.models import Membership, Role
from privacy import selectors_logs
from privacy.history import acting_as
from privacy.models import Access, AccessAction, Change
from tests.factories import UserFactory, grant_role

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CANARIES = ("CANARY-RELIGION-7f3", "CANARY-HEALTH-7f3", "CANARY-NOTE-7f3")


def _officer(world, organisation=None):
    user = UserFactory(email="officer.a@example.org", full_name="Olga Officer")
    grant_role(user, Role.PRIVACY_OFFICER, organisation or world.org_a)
    return user


def _client(world, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _log_url(world, participant=None):
    return reverse("participant_log", args=[(participant or world.participant_a1).pk])


def _org_url(name, organisation):
    return reverse(name, args=[organisation.pk])


# A Wednesday morning: inside working hours.
WEDNESDAY = dt.datetime(2026, 11, 4, 10, tzinfo=AMSTERDAM)


def _access(*, actor, participant=None, action=AccessAction.VIEW, at=None, status=200):
    return Access.objects.create(
        actor_id=actor.pk,
        participant_id=participant.pk if participant is not None else None,
        action=action,
        view="participant_detail",
        status=status,
        at=at or timezone.now() - dt.timedelta(minutes=5),
    )


# --- the role ----------------------------------------------------------------------------


def test_the_officer_role_is_held_in_an_organisation_only(world):
    user = UserFactory()
    grant_role(user, Role.PRIVACY_OFFICER, world.org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.PRIVACY_OFFICER, group=world.group_a1)


def test_the_project_lead_grants_and_revokes_the_officer_role(world, mailoutbox):
    client = world.client_for("lead_a")
    url = reverse("organisation_people", args=[world.org_a.pk])
    response = client.post(
        url, {"email": "fg@example.org", "full_name": "Fé Gé", "role": Role.PRIVACY_OFFICER}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="fg@example.org")
    assert membership.role == Role.PRIVACY_OFFICER
    assert membership.organisation == world.org_a
    lead = world.users["lead_a"]
    assert Membership.objects.manageable_by(lead).filter(pk=membership.pk).exists()
    facilitator = world.users["facilitator_a1"]
    assert not Membership.objects.manageable_by(facilitator).filter(pk=membership.pk).exists()
    response = client.post(reverse("membership_revoke", args=[membership.pk]), {"next": url})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_programme_invite_form_does_not_offer_the_officer(world):
    form = InviteForm(programme=world.programme)
    assert Role.PRIVACY_OFFICER not in dict(form.fields["role"].choices)
    form = InviteForm(organisation=world.org_a)
    assert Role.PRIVACY_OFFICER in dict(form.fields["role"].choices)


def test_the_menu_offers_privacy_to_the_officer_only(world):
    officer = _officer(world)
    response = _client(world, officer).get(reverse("home"))
    assert reverse("privacy_home").encode() in response.content
    response = world.client_for("lead_a").get(reverse("home"))
    assert reverse("privacy_home").encode() not in response.content


# --- who may read which log --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lead_a", 200),
        ("facilitator_a1", 403),
        ("volunteer_a1", 403),
        ("facilitator_b1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("outsider", 403),
    ],
)
def test_the_file_log_is_for_the_project_lead(world, persona, expected):
    assert world.client_for(persona).get(_log_url(world)).status_code == expected


def test_the_lead_reads_the_file_log_of_their_own_organisation_only(world):
    response = world.client_for("lead_a").get(_log_url(world, world.participant_b1))
    assert response.status_code == 404


def test_the_officer_is_refused_the_file_log_and_participant_pages(world):
    client = _client(world, _officer(world))
    person = world.participant_a1
    assert client.get(_log_url(world)).status_code == 403
    assert client.get(reverse("participant_detail", args=[person.pk])).status_code == 403
    assert client.get(reverse("participant_list")).status_code == 403


def test_the_participant_page_links_to_the_file_log_for_the_lead_only(world):
    url = reverse("participant_detail", args=[world.participant_a1.pk])
    link = _log_url(world).encode()
    assert link in world.client_for("lead_a").get(url).content
    assert link not in world.client_for("facilitator_a1").get(url).content


ORG_PAGES = ("organisation_access_log", "organisation_access_summary")


@pytest.mark.parametrize("name", ORG_PAGES)
def test_the_officer_reads_their_own_organisation_only(world, name):
    client = _client(world, _officer(world))
    assert client.get(_org_url(name, world.org_a)).status_code == 200
    assert client.get(_org_url(name, world.org_b)).status_code == 404


@pytest.mark.parametrize("name", ORG_PAGES)
@pytest.mark.parametrize(
    "persona", ["lead_a", "facilitator_a1", "volunteer_a1", "coordinator", "funder"]
)
def test_the_organisation_log_is_refused_to_everyone_else(world, name, persona):
    response = world.client_for(persona).get(_org_url(name, world.org_a))
    assert response.status_code == 403


def test_a_site_administrator_reads_every_organisation(world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = _client(world, admin)
    response = client.get(reverse("privacy_home"))
    assert response.status_code == 200
    assert {o.pk for o in response.context["organisations"]} >= {world.org_a.pk, world.org_b.pk}
    assert client.get(_org_url("organisation_access_log", world.org_b)).status_code == 200


def test_the_privacy_home_lists_the_officers_organisation(world):
    response = _client(world, _officer(world)).get(reverse("privacy_home"))
    assert [o.pk for o in response.context["organisations"]] == [world.org_a.pk]


# --- reading a log is logged -------------------------------------------------------------


def test_reading_the_file_log_is_logged(world):
    world.client_for("lead_a").get(_log_url(world))
    row = Access.objects.get(view="participant_log")
    assert row.action == AccessAction.LOG
    assert row.actor_id == world.users["lead_a"].pk
    assert row.participant_id == world.participant_a1.pk


def test_reading_the_organisation_log_is_logged_with_the_names_it_showed(world):
    officer = _officer(world)
    _access(actor=world.users["facilitator_a1"], participant=world.participant_a1)
    _client(world, officer).get(_org_url("organisation_access_log", world.org_a))
    rows = Access.objects.filter(view="organisation_access_log", actor_id=officer.pk)
    assert {r.action for r in rows} == {AccessAction.LOG}
    assert {r.participant_id for r in rows} == {world.participant_a1.pk}


def test_reading_the_summary_is_logged_without_participants(world):
    officer = _officer(world)
    _client(world, officer).get(_org_url("organisation_access_summary", world.org_a))
    (row,) = Access.objects.filter(view="organisation_access_summary")
    assert (row.action, row.participant_id, row.actor_id) == (AccessAction.LOG, None, officer.pk)


def test_a_refused_log_page_is_logged_as_refused(world):
    world.client_for("facilitator_a1").get(_log_url(world))
    row = Access.objects.get(view="participant_log")
    assert (row.action, row.status) == (AccessAction.REFUSED, 403)


# --- what the pages show -----------------------------------------------------------------


def _write_canaries(world):
    """A special-category value and notes in the participant's record and an intake."""
    from participants.models import Intake

    person = world.participant_a1
    with acting_as(world.users["facilitator_a1"]):
        person.religion, person.health_notes, person.confidential_notes = CANARIES
        person.save()
        Intake.objects.create(
            participant=person,
            held_on=dt.date(2026, 11, 2),
            location="home",
            conducted_by=world.users["facilitator_a1"],
            situation=CANARIES[2],
        )
    return person


def _text(response):
    if response.get("Content-Type", "").startswith("application/vnd"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    return response.content.decode("utf-8-sig")


def test_no_canary_on_any_log_page_or_export(world):
    person = _write_canaries(world)
    assert Change.objects.filter(participant_id=person.pk).exists()
    officer_client = _client(world, _officer(world))
    world.client_for("facilitator_a1").get(reverse("participant_detail", args=[person.pk]))
    lead = world.client_for("lead_a")
    responses = [
        lead.get(_log_url(world)),
        lead.get(_log_url(world) + "?format=csv"),
        lead.get(_log_url(world) + "?format=xlsx"),
    ]
    for name in ORG_PAGES:
        responses.append(officer_client.get(_org_url(name, world.org_a)))
    for fmt in ("csv", "xlsx"):
        url = _org_url("organisation_access_log", world.org_a) + f"?format={fmt}"
        responses.append(officer_client.get(url))
    for response in responses:
        assert response.status_code == 200
        text = _text(response)
        for canary in CANARIES:
            assert canary not in text
    # The change itself is there: which fields changed, by whom.
    page = _text(responses[0])
    assert "facilitator.a1@example.org" in page


def test_the_file_log_shows_the_changed_fields_newest_first(world, english):
    person = _write_canaries(world)
    response = world.client_for("lead_a").get(_log_url(world))
    changes = response.context["changes"]
    assert [c.at for c in changes] == sorted((c.at for c in changes), reverse=True)
    fields = " ".join(c.detail for c in changes)
    assert "Religion" in fields
    assert "Health notes" in fields
    assert any(c.actor.endswith("(facilitator.a1@example.org)") for c in changes)
    assert person.full_name in response.content.decode()


def test_the_file_log_filters_by_user_and_period(world):
    person = world.participant_a1
    facilitator, lead = world.users["facilitator_a1"], world.users["lead_a"]
    _access(actor=facilitator, participant=person, at=dt.datetime(2026, 1, 5, 10, tzinfo=AMSTERDAM))
    _access(actor=lead, participant=person, at=dt.datetime(2026, 2, 5, 10, tzinfo=AMSTERDAM))
    client = world.client_for("lead_a")
    response = client.get(_log_url(world), {"user": facilitator.pk})
    assert {e.actor_id for e in response.context["accesses"]} == {facilitator.pk}
    response = client.get(_log_url(world), {"date_from": "2026-02-01", "date_to": "2026-02-28"})
    assert [e.actor_id for e in response.context["accesses"]] == [lead.pk]


def test_the_file_log_export_holds_both_logs(world, english):
    _write_canaries(world)
    _access(actor=world.users["facilitator_a1"], participant=world.participant_a1)
    response = world.client_for("lead_a").get(_log_url(world) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["when", "by", "kind", "what", "record or page", "detail"]
    kinds = {row[2] for row in rows[1:]}
    assert kinds == {"change", "access"}
    assert [row[0] for row in rows[1:]] == sorted((row[0] for row in rows[1:]), reverse=True)


def test_the_organisation_log_shows_only_its_own_rows_and_filters(world):
    officer = _officer(world)
    facilitator_a1 = world.users["facilitator_a1"]
    _access(actor=facilitator_a1, participant=world.participant_a1)
    _access(actor=world.users["facilitator_b1"], participant=world.participant_b1)
    _access(actor=facilitator_a1, action=AccessAction.REFUSED, status=404)
    _access(actor=world.users["facilitator_b1"], action=AccessAction.REFUSED, status=404)
    client = _client(world, officer)
    url = _org_url("organisation_access_log", world.org_a)
    entries = client.get(url).context["entries"]
    assert {e.actor_id for e in entries} == {facilitator_a1.pk}
    assert {e.participant for e in entries} == {world.participant_a1.full_name, ""}
    refused = client.get(url, {"action": AccessAction.REFUSED}).context["entries"]
    assert [e.what for e in refused] == [str(AccessAction.REFUSED.label)]
    nobody = client.get(url, {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    assert nobody.context["entries"] == []
    old = _access(actor=facilitator_a1, at=timezone.now() - dt.timedelta(days=40))
    recent = {e.at for e in client.get(url).context["entries"]}
    assert old.at not in recent  # the last 30 days without a start
    earlier = client.get(url, {"date_from": (timezone.localdate() - dt.timedelta(days=60))})
    assert old.at in {e.at for e in earlier.context["entries"]}


def test_the_organisation_log_export_names_participant_and_user(world, english):
    officer = _officer(world)
    _access(actor=world.users["facilitator_a1"], participant=world.participant_a1)
    url = _org_url("organisation_access_log", world.org_a) + "?format=xlsx"
    response = _client(world, officer).get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["when", "by", "what", "page", "participant", "answer"]
    assert rows[1][4] == world.participant_a1.full_name
    assert rows[1][1].endswith("(facilitator.a1@example.org)")


def test_an_invalid_filter_shows_everything(world):
    client = world.client_for("lead_a")
    response = client.get(_log_url(world), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["form"].active_count == 0


# --- the summary and the alerts (rules first) --------------------------------------------


def test_working_hours():
    inside = dt.datetime(2026, 11, 4, 7, 0, tzinfo=AMSTERDAM)  # Wednesday
    assert not selectors_logs.outside_working_hours(inside)
    assert selectors_logs.outside_working_hours(inside.replace(hour=6, minute=59))
    assert selectors_logs.outside_working_hours(inside.replace(hour=19))
    assert not selectors_logs.outside_working_hours(inside.replace(hour=18, minute=59))
    assert selectors_logs.outside_working_hours(inside.replace(day=7, hour=12))  # Saturday
    # 06:30 UTC in winter is 07:30 in Amsterdam.
    assert not selectors_logs.outside_working_hours(dt.datetime(2026, 11, 4, 6, 30, tzinfo=dt.UTC))


def _summary(world, **filters):
    log_filter = selectors_logs.LogFilter(date_from=dt.date(2026, 11, 1), **filters)
    summaries = selectors_logs.user_summary(organisation=world.org_a, log_filter=log_filter)
    return {s.actor_id: s for s in summaries}, selectors_logs.alerts(summaries)


def _kinds(alerts, user):
    return {a.kind for a in alerts if user.email in a.user}


def _people_of_group_a2(world, count):
    from tests.factories import participant_in

    return [participant_in(world.group_a2, full_name=f"Person {n}") for n in range(count)]


def test_alert_files_of_groups_the_user_does_not_work_in(world):
    facilitator = world.users["facilitator_a1"]
    people = _people_of_group_a2(world, selectors_logs.ALERT_FOREIGN_FILES)
    for person in people[:-1]:
        _access(actor=facilitator, participant=person)
    _access(actor=facilitator, participant=world.participant_a1)  # their own group
    summaries, alerts = _summary(world)
    assert summaries[facilitator.pk].foreign_participants == len(people) - 1
    assert "foreign_files" not in _kinds(alerts, facilitator)
    _access(actor=facilitator, participant=people[-1])
    summaries, alerts = _summary(world)
    assert summaries[facilitator.pk].foreign_participants == len(people)
    assert summaries[facilitator.pk].participants == len(people) + 1
    assert "foreign_files" in _kinds(alerts, facilitator)


def test_the_project_lead_works_in_every_group_of_the_organisation(world):
    lead = world.users["lead_a"]
    for person in _people_of_group_a2(world, selectors_logs.ALERT_FOREIGN_FILES):
        _access(actor=lead, participant=person)
    summaries, alerts = _summary(world)
    assert summaries[lead.pk].foreign_participants == 0
    assert not _kinds(alerts, lead)


def test_alert_exports_outside_working_hours(world):
    facilitator = world.users["facilitator_a1"]
    person = world.participant_a1
    _access(actor=facilitator, participant=person, action=AccessAction.EXPORT, at=WEDNESDAY)
    _access(
        actor=facilitator,
        participant=person,
        action=AccessAction.VIEW,
        at=dt.datetime(2026, 11, 4, 22, tzinfo=AMSTERDAM),
    )
    summaries, alerts = _summary(world)
    assert summaries[facilitator.pk].outside_hours == 1
    assert summaries[facilitator.pk].exports == 1
    assert not _kinds(alerts, facilitator)
    _access(
        actor=facilitator,
        participant=person,
        action=AccessAction.PDF,
        at=dt.datetime(2026, 11, 7, 11, tzinfo=AMSTERDAM),  # Saturday
    )
    summaries, alerts = _summary(world)
    assert summaries[facilitator.pk].exports_outside_hours == 1
    assert _kinds(alerts, facilitator) == {"exports_outside_hours"}


def test_alert_many_refused_requests(world):
    volunteer = world.users["volunteer_a1"]
    for _n in range(selectors_logs.ALERT_REFUSED - 1):
        _access(actor=volunteer, action=AccessAction.REFUSED, status=403)
    summaries, alerts = _summary(world)
    assert summaries[volunteer.pk].refused == selectors_logs.ALERT_REFUSED - 1
    assert not _kinds(alerts, volunteer)
    _access(actor=volunteer, action=AccessAction.REFUSED, status=403)
    _summaries, alerts = _summary(world)
    assert _kinds(alerts, volunteer) == {"refused"}


def test_the_summary_page_shows_alerts_for_the_default_period(world, english):
    facilitator = world.users["facilitator_a1"]
    saturday_night = timezone.now() - dt.timedelta(days=(timezone.now().weekday() + 2) % 7 or 7)
    _access(
        actor=facilitator,
        participant=world.participant_a1,
        action=AccessAction.EXPORT,
        at=saturday_night.astimezone(AMSTERDAM).replace(hour=23),
    )
    _access(
        actor=facilitator,
        participant=world.participant_a1,
        at=timezone.now() - dt.timedelta(days=60),
    )
    response = _client(world, _officer(world)).get(
        _org_url("organisation_access_summary", world.org_a)
    )
    (alert,) = response.context["alerts"]
    assert alert.kind == "exports_outside_hours"
    (row,) = [s for s in response.context["summaries"] if s.actor_id == facilitator.pk]
    assert row.views == 0  # the view of 60 days ago is outside the default period
    assert "outside working hours" in response.content.decode()


# --- the register page -------------------------------------------------------------------


def test_the_register_page_and_its_workbook(world, english):
    from privacy import register

    officer_client = _client(world, _officer(world))
    response = officer_client.get(reverse("privacy_register"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == len(register.table())
    response = officer_client.get(reverse("privacy_register") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == register.headers()
    assert sheet.max_row == len(register.table()) + 1
    assert world.client_for("lead_a").get(reverse("privacy_register")).status_code == 403


# --- query counts: fixed, not growing with rows ------------------------------------------


def _many(world, count):
    facilitator = world.users["facilitator_a1"]
    Access.objects.bulk_create(
        Access(
            actor_id=facilitator.pk,
            participant_id=world.participant_a1.pk,
            action=AccessAction.VIEW,
            view="participant_detail",
        )
        for _n in range(count)
    )
    with acting_as(facilitator):
        for n in range(count):
            world.participant_a1.interests = f"interest {n}"
            world.participant_a1.save()


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the session's first request writes it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("participant_log", 15),  # 14 and a project lead's scope (decision 83)
        ("organisation_access_log", 10),
        ("organisation_access_summary", 12),
    ],
)
def test_query_counts_are_pinned_and_do_not_grow(world, name, expected):
    officer = _officer(world)
    if name == "participant_log":
        client, url = world.client_for("lead_a"), _log_url(world)
    else:
        client, url = _client(world, officer), _org_url(name, world.org_a)
    _many(world, 3)
    few = _count_queries(client, url)
    _many(world, 60)
    assert _count_queries(client, url) == few == expected


def test_labels_of_records_and_fields_that_are_gone(english):
    from django.contrib.auth.models import AnonymousUser

    assert selectors_logs._model_label("gone.Model") == "gone.Model"
    assert selectors_logs._field_label("participants.Participant", "gone") == "gone"
    assert selectors_logs._field_label("participants.Participant", "religion") == "Religion"
    assert not selectors_logs.organisations_for_officer(AnonymousUser()).exists()
    assert selectors_logs.user_labels([None]) == {}
    assert selectors_logs.participant_names([None]) == {}


def test_the_register_page_labels_every_cell(world, english):
    from privacy import register

    response = _client(world, _officer(world)).get(reverse("privacy_register"))
    html = response.content.decode()
    for header in register.headers()[1:]:
        assert f'data-label="{header}"' in html
