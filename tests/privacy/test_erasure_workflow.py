"""The four-eyes erasure workflow (issue 11, item 5): a project lead records a request
from the participant's page, another project lead of the organisation approves or rejects
it, and approving erases the person. Forms sent twice save once; counts are pinned."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, Participant
from privacy.erasure import may_approve, request_record
from privacy.models import Access, Erasure, ErasureRequest
from tests.factories import Role, UserFactory, grant_role, participant_in

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 11, 20)


@pytest.fixture
def second_lead(world):
    user = UserFactory(email="lead2.a@example.org", full_name="Second Lead")
    grant_role(user, Role.PROJECT_LEAD, world.org_a)
    return user


def _request(world, participant=None, by="lead_a"):
    return request_record(
        participant=participant or world.participant_a1,
        received_on=RECEIVED,
        channel="phone",
        scope="all",
        requested_by=world.users[by],
    )


def _form(**extra):
    return {
        "received_on": "2026-11-20",
        "channel": "letter",
        "scope": "keep_scores",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


def test_the_participant_page_offers_the_request_to_project_leads_only(world):
    url = reverse("participant_detail", args=[world.participant_a1.pk])
    create = reverse("erasure_request_create", args=[world.participant_a1.pk])
    assert create in world.client_for("lead_a").get(url).content.decode()
    assert create not in world.client_for("facilitator_a1").get(url).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("facilitator_a1", 403), ("volunteer_a1", 403), ("outsider", 403)]
)
def test_only_a_project_lead_records_a_request(world, persona, status):
    url = reverse("erasure_request_create", args=[world.participant_a1.pk])
    assert world.client_for(persona).post(url, _form()).status_code == status
    assert not ErasureRequest.objects.exists()


def test_a_lead_of_another_organisation_does_not_find_the_participant(world):
    lead_b = UserFactory()
    grant_role(lead_b, Role.PROJECT_LEAD, world.org_b)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    url = reverse("erasure_request_create", args=[world.participant_a1.pk])
    assert client.get(url).status_code == 404


def test_a_request_is_recorded_once_even_when_sent_twice(world):
    client = world.client_for("lead_a")
    url = reverse("erasure_request_create", args=[world.participant_a1.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "privacy/erasure_request_form.html" in [t.name for t in page.templates]
    data = _form()
    first = client.post(url, data)
    assert first.status_code == 302 and first["Location"] == reverse("erasure_request_list")
    client.post(url, data)  # the same form again (a double click)
    client.post(url, _form())  # a new form while one is waiting
    (saved,) = ErasureRequest.objects.all()
    assert (saved.channel, saved.scope, saved.status) == ("letter", "keep_scores", "pending")
    assert saved.requested_by == world.users["lead_a"]
    assert saved.received_on == RECEIVED


def test_a_request_from_the_future_is_refused(world):
    client = world.client_for("lead_a")
    url = reverse("erasure_request_create", args=[world.participant_a1.pk])
    response = client.post(url, _form(received_on="2999-01-01"))
    assert response.status_code == 200
    assert not ErasureRequest.objects.exists()


def test_who_recorded_a_request_cannot_approve_it(world, second_lead):
    request = _request(world)
    assert not may_approve(world.users["lead_a"], request)
    assert may_approve(second_lead, request)
    assert not may_approve(world.users["facilitator_a1"], request)
    client = world.client_for("lead_a")
    page = client.get(reverse("erasure_request_list")).content.decode()
    assert "Recorded by you" in page
    assert reverse("erasure_request_decide", args=[request.pk]) not in page
    assert client.get(reverse("erasure_request_decide", args=[request.pk])).status_code == 403


def test_the_second_lead_approves_and_the_person_is_erased(world, second_lead, login):
    person = world.participant_a1
    request = _request(world)
    client = login(second_lead)
    listing = client.get(reverse("erasure_request_list"))
    assert reverse("erasure_request_decide", args=[request.pk]) in listing.content.decode()
    url = reverse("erasure_request_decide", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "privacy/erasure_request_decide.html" in [t.name for t in page.templates]

    # approving needs the confirmation
    refused = client.post(url, {"decision": "approve"})
    assert refused.status_code == 200
    assert Participant.objects.get(pk=person.pk).full_name == person.full_name

    done = client.post(url, {"decision": "approve", "confirm": "on"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "carried_out"
    assert request.decided_by == second_lead and request.carried_out_at is not None
    assert Participant.objects.get(pk=person.pk).full_name == f"#{person.pk}"
    entry = Erasure.objects.get(participant_id=person.pk)
    assert (entry.request_id, entry.reason, entry.actor_id) == (
        request.pk,
        "request",
        second_lead.pk,
    )
    # the approving request is logged by the anonymous reference, never the number
    assert not Access.objects.filter(participant_id=person.pk).exists()
    assert Access.objects.filter(
        participant_id=entry.reference, view="erasure_request_decide"
    ).exists()

    # the same form sent again changes nothing
    again = client.post(url, {"decision": "approve", "confirm": "on"})
    assert again.status_code == 302
    assert Erasure.objects.count() == 1


def test_the_privacy_officer_of_the_organisation_may_approve(world, login):
    """The second pair of eyes may be the organisation's privacy officer (decision 61);
    an officer of another organisation may not."""
    officer = UserFactory(email="fg.a@example.org", full_name="Officer A")
    grant_role(officer, Role.PRIVACY_OFFICER, world.org_a)
    other = UserFactory(email="fg.b@example.org", full_name="Officer B")
    grant_role(other, Role.PRIVACY_OFFICER, world.org_b)
    request = _request(world)
    client = login(officer)
    url = reverse("erasure_request_decide", args=[request.pk])
    assert url in client.get(reverse("erasure_request_list")).content.decode()
    assert login(other).get(url).status_code in (403, 404)
    done = login(officer).post(url, {"decision": "approve", "confirm": "on"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "carried_out" and request.decided_by == officer


def test_a_rejected_request_erases_nothing(world, second_lead, login):
    request = _request(world)
    client = login(second_lead)
    url = reverse("erasure_request_decide", args=[request.pk])
    assert client.post(url, {"decision": "reject"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected" and request.decided_by == second_lead
    assert not Erasure.objects.exists()
    assert client.post(url, {"decision": "approve", "confirm": "on"}).status_code == 302
    assert not Erasure.objects.exists()


def test_requests_of_another_organisation_are_not_seen(world):
    request = _request(world)
    lead_b = UserFactory()
    grant_role(lead_b, Role.PROJECT_LEAD, world.org_b)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    response = client.get(reverse("erasure_request_list"))
    assert response.context["pending"] == []
    assert "No requests are waiting." in response.content.decode()
    decide = reverse("erasure_request_decide", args=[request.pk])
    assert client.get(decide).status_code == 404


@pytest.mark.parametrize("n", [1, 4])
def test_query_count_of_the_list(world, second_lead, login, warm, django_assert_num_queries, n):
    _request(world)
    for _i in range(n - 1):
        _request(world, participant_in(world.group_a1))
    client = login(second_lead)
    url = reverse("erasure_request_list")
    warm(client, url)
    with django_assert_num_queries(5):
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the waiting requests with participant, group and who recorded them
        # 5. the access log: one INSERT for every participant shown
        response = client.get(url)
    assert len(response.context["pending"]) == n


def test_query_count_of_the_decision_page(
    world, second_lead, login, warm, django_assert_num_queries
):
    request = _request(world)
    client = login(second_lead)
    url = reverse("erasure_request_decide", args=[request.pk])
    warm(client, url)
    with django_assert_num_queries(6):
        # 1. the session  2. the user  3. the user's roles
        # 4. the request with participant, group and who recorded it
        # 5. the groups the person is still a member of  6. the access log
        client.get(url)


def test_query_count_of_the_request_form(world, warm, django_assert_num_queries):
    client = world.client_for("lead_a")
    url = reverse("erasure_request_create", args=[world.participant_a1.pk])
    warm(client, url)
    with django_assert_num_queries(9):
        # + the lead's scope, the groups of their organisations
        # (Participant.objects.visible_to, decision 83)
        # 1. the session  2. the user  3. the user's roles
        # 4. the participant  5. its consents (the access helper's prefetch)
        # 6. may the user edit it  7. the groups they are still a member of
        # 8. the access log
        client.get(url)


STILL_MEMBER = "is still a member of the group Group A1"


def test_both_pages_say_when_the_person_is_still_a_member(world, second_lead, login):
    """An erasure keeps enrolments (reports stay true), so a member who was not recorded
    as leaving would stay on the attendance sheets as an anonymous number: say so."""
    request = _request(world)
    form = world.client_for("lead_a").get(
        reverse("erasure_request_create", args=[world.participant_a1.pk])
    )
    assert STILL_MEMBER in form.content.decode()
    decide = reverse("erasure_request_decide", args=[request.pk])
    assert STILL_MEMBER in login(second_lead).get(decide).content.decode()

    Enrolment.objects.filter(participant=world.participant_a1).update(left_on=timezone.localdate())
    assert STILL_MEMBER not in login(second_lead).get(decide).content.decode()


def test_a_request_decided_meanwhile_is_not_decided_again(world, second_lead, login, monkeypatch):
    from privacy import erasure

    request = _request(world)
    assert str(request) == f"erasure request {request.pk}: participant {request.participant_id}"
    erasure.request_reject(request=request, rejected_by=second_lead)
    with pytest.raises(erasure.AlreadyDecided):
        erasure.request_approve(request=request, approved_by=second_lead)
    with pytest.raises(erasure.AlreadyDecided):
        erasure.request_reject(request=request, rejected_by=second_lead)

    # a colleague decides between the page and the click
    waiting = _request(world)

    def decided_meanwhile(**kwargs):
        raise erasure.AlreadyDecided

    monkeypatch.setattr(erasure, "request_approve", decided_meanwhile)
    url = reverse("erasure_request_decide", args=[waiting.pk])
    response = login(second_lead).post(url, {"decision": "approve", "confirm": "on"}, follow=True)
    assert "This request was already decided." in response.content.decode()


def test_an_erased_record_offers_no_new_request(world):
    from privacy.erasure import erase_participants

    person = world.participant_a1
    erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
    )
    client = world.client_for("lead_a")
    page = client.get(reverse("participant_detail", args=[person.pk])).content.decode()
    assert reverse("erasure_request_create", args=[person.pk]) not in page
    assert client.get(reverse("erasure_request_create", args=[person.pk])).status_code == 403
