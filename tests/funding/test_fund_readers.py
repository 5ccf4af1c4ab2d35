"""A fund's readers (the funder role): /funds/<pk>/readers/. The project leads and
coordinators of organisations the fund made a grant to invite them (decision 36), through
the same invitation as everyone else; they can also send it again and remove the role."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from funding.models import Fund
from groups.models import Membership, Role
from tests.factories import FundFactory, UserFactory, grant_role
from tests.helpers import HOSTILE_SAMPLE, assert_escaped, assert_invitation_link

pytestmark = pytest.mark.django_db
User = get_user_model()


def url(fund):
    return reverse("fund_readers", args=[fund.pk])


def _invite(**overrides):
    data = {"email": " Lezer@Fonds.example ", "full_name": "Lotte Lezer"}
    data.update(overrides)
    return data


@pytest.fixture
def lead_b(world):
    user = UserFactory(email="lead.b@example.org")
    grant_role(user, Role.PROJECT_LEAD, world.org_b)
    return user


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_invites_a_reader_of_the_fund(world, persona, django_capture_on_commit_callbacks):
    client = world.client_for(persona)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world.fund), _invite())
    assert response.status_code == 302
    assert response.url == url(world.fund)
    reader = User.objects.get(email="lezer@fonds.example")
    membership = Membership.objects.get(user=reader)
    assert (membership.role, membership.fund, membership.invited_by) == (
        Role.FUNDER,
        world.fund,
        world.users[persona],
    )
    assert reader.invitation_pending
    assert [m.to for m in mail.outbox] == [["lezer@fonds.example"]]
    assert_invitation_link(mail.outbox[0].body, reader, "http://testserver")
    # The new reader lands on the fund's grants, not on any group or organisation.
    client.force_login(reader)
    assert client.get(reverse("funder_grants")).context["items"][0]["grant"] == world.grant_a
    assert client.get(reverse("group_list")).status_code == 403


def test_the_page_lists_the_readers_with_who_invited_them(world):
    response = world.client_for("lead_a").get(url(world.fund))
    assert response.status_code == 200
    assert [m.user.email for m in response.context["readers"]] == ["funder@example.org"]
    membership = Membership.objects.get(user=world.users["funder"])
    assert reverse("membership_revoke", args=[membership.pk]) in response.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"email": ""}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"email": "funder@example.org"}, None),  # already reads this fund
    ],
)
def test_bad_input_shows_errors(world, data, field):
    before = Membership.objects.count()
    response = world.client_for("lead_a").post(url(world.fund), _invite(**data))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field or "__all__"]
    assert Membership.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, hostile):
    response = world.client_for("lead_a").post(url(world.fund), _invite(full_name=hostile))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


def test_a_fund_without_a_grant_to_the_user_s_organisations_is_refused(world, lead_b):
    """Organisation B has no grant of the fund: its lead may not add the fund's readers,
    and sees no way to."""
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(url(world.fund)).status_code == 403
    assert client.post(url(world.fund), _invite()).status_code == 403
    assert not User.objects.filter(email="lezer@fonds.example").exists()
    detail = client.get(reverse("fund_detail", args=[world.fund.pk]))
    assert url(world.fund) not in detail.text
    other = FundFactory(name="Ander Fonds")
    assert world.client_for("lead_a").get(url(other)).status_code == 403


def test_the_fund_page_offers_the_readers_to_who_may_invite(world):
    detail = world.client_for("lead_a").get(reverse("fund_detail", args=[world.fund.pk]))
    assert url(world.fund) in detail.text


def test_an_unknown_fund_is_not_found(world):
    assert world.client_for("lead_a").get(reverse("fund_readers", args=[99999])).status_code == 404


def test_who_invites_may_remove_and_resend(world, lead_b):
    membership = Membership.objects.get(user=world.users["funder"])
    revoke = reverse("membership_revoke", args=[membership.pk])
    resend = reverse("membership_resend", args=[membership.pk])
    outsider = world.client_for("anonymous")
    outsider.force_login(lead_b)
    assert outsider.post(resend).status_code == 404
    assert outsider.post(revoke).status_code == 404
    client = world.client_for("coordinator")
    assert client.post(resend, {"next": url(world.fund)}).url == url(world.fund)
    assert len(mail.outbox) == 1
    assert client.post(revoke, {"next": url(world.fund)}).url == url(world.fund)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_readers_invitable_by_each_persona(world):
    invitable = {
        persona: list(Fund.objects.readers_invitable_by(user))
        for persona, user in world.users.items()
    }
    assert invitable["lead_a"] == [world.fund]
    assert invitable["coordinator"] == [world.fund]
    for persona in ("outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"):
        assert invitable[persona] == [], persona
