"""GET /participants/<pk>/ — the record. Volunteers: name, phone and group only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants import services_records
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    GroupFactory,
    ParticipantFactory,
    SocialServiceFactory,
)


def _url(participant):
    return reverse("participant_detail", args=[participant.pk])


@pytest.fixture
def rich(world):
    """participant_a1 with everything a record can hold."""
    p = world.participant_a1
    facilitator = world.users["facilitator_a1"]
    for purpose in ("data_processing", "religion", "health"):
        ConsentFactory(participant=p, purpose=purpose, recorded_by=facilitator)
    type(p).objects.filter(pk=p.pk).update(
        address="Kerkstraat 1",
        religion="Alevi",
        health_notes="Knee surgery planned",
        confidential_notes="Son is worried about her",
        country_of_origin="Turkey",
        interests="Embroidery",
    )
    services_records.intake_record(
        participant=p,
        conducted_by=facilitator,
        held_on=dt.date(2025, 1, 10),
        location="home",
        situation="Lost her husband last year",
        group_fits="yes",
    )
    services_records.intake_record(
        participant=p,
        conducted_by=facilitator,
        held_on=dt.date(2025, 1, 12),
        location="walk",
        wishes="Cooking together",
        group_fits="yes",
    )
    p.refresh_from_db()
    return p


# --- access ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.participant_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "funder"])
def test_roles_without_participants_get_403(world, persona):
    response = world.client_for(persona).get(_url(world.participant_a1))
    assert response.status_code == 403
    assert "Ayse Demir" not in response.text
    assert "06 1111 2222" not in response.text


def test_out_of_scope_is_404(world):
    response = world.client_for("facilitator_b1").get(_url(world.participant_a1))
    assert response.status_code == 404
    assert "Ayse Demir" not in response.text
    assert world.client_for("lead_a").get(_url(world.participant_b1)).status_code == 404


def test_unknown_pk_is_404(world):
    assert world.client_for("lead_a").get("/participants/999999/").status_code == 404


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.participant_a1)).status_code == 405


# --- the volunteer's view --------------------------------------------------------------


def test_volunteer_sees_only_name_phone_and_group(world, rich):
    response = world.client_for("volunteer_a1").get(_url(rich))
    assert response.status_code == 200
    text = response.text
    assert response.context["full"] is False
    for shown in ["Ayse Demir", "06 1111 2222", "Group A1"]:
        assert shown in text
    for hidden in [
        "3072 AB",  # postcode
        "Kerkstraat",  # address
        "1955",  # birth year
        "Turkish",  # community, languages
        "Turkey",
        "Embroidery",
        "Alevi",  # religion
        "Knee surgery",  # health notes
        "Son is worried",  # confidential notes
        "Lost her husband",  # intake
        "Cooking together",
        "Being called by phone",  # consents
        "Keeping their data",
        "Joined",  # status
        "Key figure",  # channel
        reverse("participant_edit", args=[rich.pk]),
        reverse("consent_create", args=[rich.pk]),
    ]:
        assert hidden not in text, hidden


# --- the full record -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_full_record(world, rich, persona):
    response = world.client_for(persona).get(_url(rich))
    text = response.text
    assert response.context["full"] is True
    for shown in [
        "3072 AB",
        "Kerkstraat 1",
        "1955",
        "Turkey",
        "Embroidery",
        "Alevi",
        "Knee surgery planned",
        "Son is worried about her",
        "Being called by phone",
        "Keeping their data in stetapp",
        "2025-01",  # information text version
        "Lost her husband last year",
        "Cooking together",
        "Record leaving",
        reverse("participant_edit", args=[rich.pk]),
        reverse("consent_create", args=[rich.pk]),
        reverse("intake_create", args=[rich.pk]),
        reverse("participant_enrol", args=[rich.pk]),
        reverse("participant_status", args=[rich.pk]),
    ]:
        assert shown in text, shown
    assert "No consent for keeping this person" not in text


def test_intakes_newest_first(world, rich):
    response = world.client_for("facilitator_a1").get(_url(rich))
    assert [i.held_on for i in response.context["intakes"]] == [
        dt.date(2025, 1, 12),
        dt.date(2025, 1, 10),
    ]
    text = response.text
    assert text.index("Cooking together") < text.index("Lost her husband")


def test_banner_without_data_processing_consent(world):
    client = world.client_for("facilitator_a1")
    response = client.get(_url(world.participant_a1))
    assert response.context["has_data_consent"] is False
    assert "No consent for keeping this person" in response.text
    ConsentFactory(participant=world.participant_a1, purpose="data_processing")
    assert "No consent for keeping this person" not in client.get(_url(world.participant_a1)).text


def test_religion_and_health_only_with_active_consent(world, rich):
    client = world.client_for("facilitator_a1")
    religion = rich.consents.get(purpose="religion")
    services_records.consent_withdraw(consent=religion, withdrawn_by=world.users["facilitator_a1"])
    text = client.get(_url(rich)).text
    assert "Religion" not in text.split("Profile")[1].split("Recruitment")[0]
    assert "Alevi" not in text
    assert "Knee surgery planned" in text


def test_withdrawn_consents_are_listed_as_history(world, rich):
    services_records.consent_withdraw(consent=world.consent_a1, withdrawn_by=world.users["lead_a"])
    response = world.client_for("facilitator_a1").get(_url(rich))
    assert [c.purpose for c in response.context["withdrawn_consents"]] == ["phone"]
    assert "phone" not in [c.purpose for c in response.context["active_consents"]]
    assert "Withdrawn consent" in response.text
    assert response.text.count(reverse("consent_withdraw", args=[world.consent_a1.pk])) == 0


def test_enrolment_history(world, rich):
    service = SocialServiceFactory(organisation=world.org_a, name="Buurtteam Noord")
    enrolment = rich.enrolments.get()
    services_records.enrolment_leave(
        enrolment=enrolment,
        left_on=dt.date(2025, 3, 1),
        reason="did_not_fit",
        notes="Prefers a mixed group",
        referred_to=service,
    )
    services_records.participant_enrol(
        by=world.users["lead_a"],
        participant=rich,
        group=world.group_a2,
        joined_on=dt.date(2025, 3, 5),
    )
    response = world.client_for("lead_a").get(_url(rich))
    text = response.text
    assert [e.group.name for e in response.context["enrolments"]] == ["Group A2", "Group A1"]
    assert "The group did not fit" in text
    assert "Prefers a mixed group" in text
    assert "Buurtteam Noord" in text
    assert text.count("Record leaving") == 1  # only the open enrolment


def test_age_warning_on_the_record(world):
    p = ParticipantFactory(group=world.group_a1, birth_year=timezone.localdate().year - 40)
    text = world.client_for("facilitator_a1").get(_url(p)).text
    assert "younger than the usual 55" in text


def test_no_age_warning_for_a_volunteer(world):
    p = ParticipantFactory(group=world.group_a1, birth_year=timezone.localdate().year - 40)
    text = world.client_for("volunteer_a1").get(_url(p)).text
    assert "younger than the usual 55" not in text


def test_brought_by_shown_only_when_visible(world):
    other = GroupFactory(organisation=world.org_a, name="Group A3")
    hidden = ParticipantFactory(group=other, full_name="Hidden Friend")
    p = ParticipantFactory(group=world.group_a1, referred_by=hidden)
    assert "Hidden Friend" not in world.client_for("facilitator_a1").get(_url(p)).text
    assert "Hidden Friend" in world.client_for("lead_a").get(_url(p)).text


def test_hostile_values_are_escaped(world):
    p = ParticipantFactory(
        group=world.group_a1,
        full_name="<script>alert(1)</script>",
        interests='"><img src=x onerror=alert(1)>',
        confidential_notes="<script>alert(1)</script>",
    )
    for persona in ["facilitator_a1", "volunteer_a1"]:
        response = world.client_for(persona).get(_url(p))
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text
        assert "<img src=x" not in response.text


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[1, 10], ids=["1 of each", "10 of each"])
def history(request, world):
    """participant_a1 with 1 or 10 consents, intakes and enrolments (by different people,
    in different groups, some left and referred on)."""
    p = world.participant_a1
    n = request.param
    p.consents.all().delete()
    p.enrolments.all().delete()
    purposes = [
        "data_processing",
        "phone",
        "whatsapp",
        "photos",
        "quote_internal",
        "quote_funder",
        "quote_public",
        "religion",
        "health",
        "phone",
    ]
    for i in range(n):
        consent = ConsentFactory(participant=p, purpose=purposes[i])
        if i == 9:
            continue
        if i % 2:
            services_records.consent_withdraw(consent=consent, withdrawn_by=world.users["lead_a"])
        services_records.intake_record(
            participant=p,
            conducted_by=world.users["facilitator_a1"] if i % 2 else world.users["lead_a"],
            held_on=dt.date(2025, 1, 1 + i),
            location="home",
        )
    if n == 10:
        services_records.intake_record(
            participant=p,
            conducted_by=world.users["facilitator_a1"],
            held_on=dt.date(2025, 2, 1),
            location="phone",
        )
    for i in range(n):
        group = world.group_a1 if i == 0 else GroupFactory(organisation=world.org_a)
        service = SocialServiceFactory(organisation=world.org_a)
        EnrolmentFactory(
            participant=p,
            group=group,
            joined_on=dt.date(2024, 1, 1 + i),
            left_on=None if i == 0 else dt.date(2024, 6, 1),
            leave_reason="" if i == 0 else "moved",
            referred_to=None if i == 0 else service,
        )
    assert p.consents.count() == p.intakes.count() == p.enrolments.count() == n
    return n


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_query_count_full_record(world, history, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    url = _url(world.participant_a1)
    warm(client, url)
    with django_assert_num_queries(10 if persona == "lead_a" else 9):
        # (lead_a: + the lead's scope, the groups of their organisations:
        # Participant.objects.visible_to, decision 83)
        # + the access log: one INSERT (privacy/access_log.py)
        # (may the user read the file's logs, or export everything: groups.access.can,
        # Need.MANAGE, from the roles of 3.)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the participant with group and organisation (through visible_to)
        # 5. the consents, with who recorded and withdrew them (prefetch)
        # 6. may the user edit it, and so see all of it (editable_by)
        # 7. the intakes, with who held them
        # 8. the enrolments, with group and social map entry (and its city)
        response = client.get(url)
    assert len(response.context["intakes"]) == history
    assert len(response.context["enrolments"]) == history


def test_query_count_volunteer(world, history, warm, django_assert_num_queries):
    client = world.client_for("volunteer_a1")
    url = _url(world.participant_a1)
    warm(client, url)
    with django_assert_num_queries(7):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session  2. the user  3. the user's roles
        # 4. the participant  5. its consents (prefetched by the access helper)
        # 6. may the user edit it, and so see all of it (no: a volunteer)
        response = client.get(url)
    assert response.context["full"] is False
