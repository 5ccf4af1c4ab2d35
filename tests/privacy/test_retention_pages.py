"""Retention on the pages (issue 11, item 6): the project lead sets the organisation's
periods and sees on the organisation page who will be anonymised in the next 30 days;
`apply_retention --dry-run` lists what is due (docs/privacy.md, "Retention")."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from participants.models import Intake, Participant
from privacy.models import Access, RetentionPolicy
from privacy.retention import add_months
from tests.factories import EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _left(group, *, months_ago: int, days: int = 0, **kwargs):
    """Someone who left `months_ago` months (and `days` days) before today's date."""
    today = timezone.localdate()
    left = add_months(today, -months_ago) + dt.timedelta(days=days)
    person = ParticipantFactory(group=group, status="joined", **kwargs)
    EnrolmentFactory(
        participant=person,
        group=group,
        joined_on=left - dt.timedelta(days=400),
        left_on=left,
        leave_reason="moved",
    )
    Participant.objects.filter(pk=person.pk).update(
        created_at=_aware(left), updated_at=_aware(left), status_changed_at=_aware(left)
    )
    return person


def _organisation_page(world):
    return reverse("organisation_detail", args=[world.org_a.pk])


def _settings_page(world):
    return reverse("retention_settings", args=[world.org_a.pk])


# --- the organisation page ---------------------------------------------------------------


def test_the_lead_sees_who_will_be_anonymised_in_the_next_30_days(world):
    # group A2 has no grant: the world's grant counts group A1.
    soon = _left(world.group_a2, months_ago=24, days=10, full_name="Soon Gone")
    _left(world.group_a2, months_ago=24, days=40, full_name="Later Gone")
    candidate = ParticipantFactory(group=world.group_a2, status="waiting_list", full_name="Wait")
    Intake.objects.create(
        participant=candidate,
        held_on=add_months(timezone.localdate(), -6),
        location="home",
        situation="Lives alone since last year.",
        conducted_by=world.users["facilitator_a1"],
    )
    page = world.client_for("lead_a").get(_organisation_page(world))
    assert page.status_code == 200
    html = page.text
    assert "Anonymised in the next 30 days" in html or "Geanonimiseerd" in html
    assert "Soon Gone" in html and "Wait" in html
    assert "Later Gone" not in html
    preview = page.context["preview"]
    assert {(c.kind, c.count) for c in preview.counts} == {
        ("left", 1),
        ("never_joined", 0),
        ("intake", 1),
    }
    assert reverse("participant_detail", args=[soon.pk]) in html
    assert reverse("retention_settings", args=[world.org_a.pk]) in html
    # The people shown are in the access log, as on any page that shows them.
    logged = set(
        Access.objects.filter(actor_id=world.users["lead_a"].pk).values_list(
            "participant_id", flat=True
        )
    )
    assert {soon.pk, candidate.pk} <= logged


def test_a_person_the_running_grant_counts_is_not_on_the_page(world):
    grant = world.grant_a
    grant.period_end = timezone.localdate() + dt.timedelta(days=100)
    grant.period_start = add_months(timezone.localdate(), -30)
    grant.save()
    _left(world.group_a1, months_ago=24, days=5, full_name="Counted Still")
    page = world.client_for("lead_a").get(_organisation_page(world))
    assert "Counted Still" not in page.text
    assert "Nobody in the next 30 days." in page.text or "Niemand" in page.text


def test_the_section_is_for_project_leads_only(world):
    _left(world.group_a2, months_ago=24, days=3, full_name="Hidden From Coordinator")
    page = world.client_for("coordinator").get(_organisation_page(world))
    assert page.status_code == 200
    assert "Hidden From Coordinator" not in page.text
    assert "retention-heading" not in page.text


def test_the_organisation_page_has_a_fixed_number_of_queries(
    world, django_assert_num_queries, warm
):
    client = world.client_for("lead_a")
    url = _organisation_page(world)
    _left(world.group_a2, months_ago=24, days=3)
    warm(client, url)
    # session, user, roles; the organisation, may they see it, do they lead it; groups,
    # venues; retention (privacy.retention.DUE_QUERIES): the periods, the organisation's
    # people, their enrolments, intakes and marks, the grants; one access-log insert.
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
    for _ in range(5):
        _left(world.group_a2, months_ago=24, days=3)
        _left(world.group_a1, months_ago=12)
    RetentionPolicy.objects.create(organisation=world.org_a, intake_months=3)
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


# --- the settings form -------------------------------------------------------------------


def test_the_lead_sets_the_periods_and_blank_is_the_default(world):
    client = world.client_for("lead_a")
    page = client.get(_settings_page(world))
    assert page.status_code == 200
    assert "24" in page.text
    response = client.post(
        _settings_page(world),
        {"left_months": "36", "never_joined_months": "", "intake_months": "3"},
    )
    assert response.status_code == 302
    assert response.url == _organisation_page(world)
    policy = RetentionPolicy.objects.get(organisation=world.org_a)
    assert (policy.left_months, policy.never_joined_months, policy.intake_months) == (36, None, 3)
    page = client.get(_organisation_page(world))
    counts = {c.kind: (c.months, c.own) for c in page.context["preview"].counts}
    assert counts == {"left": (36, True), "never_joined": (6, False), "intake": (3, True)}
    # Emptied again: the default is back.
    client.post(_settings_page(world), {"left_months": "", "intake_months": ""})
    policy.refresh_from_db()
    assert policy.left_months is None and policy.intake_months is None


@pytest.mark.parametrize("value", ["0", "121", "-1", "two"])
def test_a_period_out_of_bounds_is_refused(world, value):
    client = world.client_for("lead_a")
    page = client.post(_settings_page(world), {"left_months": value})
    assert page.status_code == 200
    assert page.context["form"].errors["left_months"]
    assert not RetentionPolicy.objects.filter(organisation=world.org_a).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 403), ("facilitator_a1", 403), ("funder", 403), ("anonymous", 302)],
)
def test_only_the_project_lead_may_set_them(world, persona, status):
    assert world.client_for(persona).get(_settings_page(world)).status_code == status
    response = world.client_for(persona).post(_settings_page(world), {"left_months": "1"})
    assert response.status_code == status
    assert not RetentionPolicy.objects.exists()


def test_a_lead_who_only_coordinates_the_other_organisation_gets_403(world):
    from groups.models import Role
    from tests.factories import grant_role

    grant_role(world.users["lead_a"], Role.PROGRAMME_COORDINATOR, world.programme)
    url = reverse("retention_settings", args=[world.org_b.pk])
    assert world.client_for("lead_a").get(url).status_code == 403


def test_the_settings_page_has_a_fixed_number_of_queries(world, django_assert_num_queries, warm):
    client = world.client_for("lead_a")
    warm(client, _settings_page(world))
    # session, user, roles; the organisation and may they see it, do they lead it; the
    # organisation's periods.
    with django_assert_num_queries(7):
        assert client.get(_settings_page(world)).status_code == 200


def test_the_lead_of_another_organisation_gets_404(world):
    url = reverse("retention_settings", args=[world.org_b.pk])
    assert world.client_for("lead_a").get(url).status_code == 404


# --- the command ---------------------------------------------------------------------------


def test_dry_run_lists_what_is_due_by_number_and_changes_nothing(world):
    gone = _left(world.group_a2, months_ago=25, full_name="Dry Run Person")
    _left(world.group_b1, months_ago=25)
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--organisation", world.org_a.pk, stdout=out)
    text = out.getvalue()
    assert f"participant {gone.pk}\torganisation {world.org_a.pk}\tleft\tperson\tdue since" in text
    assert text.strip().endswith("1 due (people who left: 1)")
    assert "Dry Run Person" not in text  # numbers only: the output may reach a log
    assert Participant.objects.filter(pk=gone.pk, full_name="Dry Run Person").exists()


def test_dry_run_over_all_organisations(world):
    _left(world.group_a2, months_ago=25)
    _left(world.group_b1, months_ago=25)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert out.getvalue().strip().endswith("2 due (people who left: 2)")


def test_nothing_due_says_so(world):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "0 due"


def test_an_unknown_organisation_is_an_error(world):
    with pytest.raises(CommandError):
        call_command("apply_retention", "--dry-run", "--organisation", 999999)


# --- the scheduler -------------------------------------------------------------------------


def test_retention_is_a_daily_job_of_the_scheduler(world):
    from stetapp import scheduler

    jobs = {item.name: item for item in scheduler.registered_jobs()}
    assert jobs["apply-retention"].every == dt.timedelta(days=1)
    assert scheduler.run_job(jobs["apply-retention"]).result == "ran"
