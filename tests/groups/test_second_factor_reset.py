"""A project lead resets a facilitator's second factor after checking who they are
(issue 15, item 5): who may, what it does, and what is logged."""

import logging

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import override_settings
from django.urls import reverse

from groups.models import Membership
from tests.factories import Role, grant_role

CHECKED = {"identity_checked": "on", "how_checked": "phone_known_number"}


def _membership(world, persona):
    return Membership.objects.get(user=world.users[persona])


def _give_factors(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})
    RecoveryCodes.activate(user)


def _url(membership):
    return reverse("membership_reset_second_factor", args=[membership.pk])


@override_settings(STETAPP_MFA_REQUIRED_ROLES=["facilitator"])
def test_lead_resets_a_facilitator_of_their_organisation(
    world, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    facilitator = world.users["facilitator_a1"]
    _give_factors(facilitator)
    membership = _membership(world, "facilitator_a1")
    people = reverse("organisation_people", args=[world.org_a.pk])
    lead = world.client_for("lead_a")
    page = lead.get(people).content.decode()
    assert _url(membership) in page
    with (
        caplog.at_level(logging.INFO, logger="stetapp.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = lead.post(_url(membership), {**CHECKED, "next": people})
    assert response.status_code == 302
    assert response["Location"] == people
    assert not Authenticator.objects.filter(user=facilitator).exists()
    # The facilitator is told by e-mail (a reset they did not ask for stands out) ...
    [mail] = mailoutbox
    assert mail.to == [facilitator.email]
    assert "second factor" in mail.subject
    # ... and has to set up a new factor before anything else.
    assert world.client_for("facilitator_a1").get(reverse("home"))["Location"] == reverse(
        "mfa_setup"
    )
    # Logged: who, whom, when, how checked — ids and codes, no name, e-mail or secret.
    # (Signing the facilitator in above is a security event of its own.)
    resets = [r for r in caplog.records if getattr(r, "event", "") == "mfa.reset"]
    [record] = resets
    assert record.name == "stetapp.security"
    assert record.actor_id == world.users["lead_a"].pk
    assert record.target_user_id == facilitator.pk
    assert record.identity_checked == "phone_known_number"
    assert record.created
    assert record.removed == 3
    logged = str(record.__dict__)
    assert facilitator.email not in logged
    assert "secret" not in logged


def test_without_the_identity_check_nothing_is_reset(world):
    facilitator = world.users["facilitator_a1"]
    _give_factors(facilitator)
    lead = world.client_for("lead_a")
    url = _url(_membership(world, "facilitator_a1"))
    for data in [{}, {"how_checked": "in_person"}, {"identity_checked": "on"}]:
        assert lead.post(url, data).status_code == 302
        assert Authenticator.objects.filter(user=facilitator).count() == 3
    # Free text is not a way to check (the log keeps codes only).
    lead.post(url, {"identity_checked": "on", "how_checked": "my neighbour said so"})
    assert Authenticator.objects.filter(user=facilitator).count() == 3


def test_lead_resets_a_volunteer_too(world):
    _give_factors(world.users["volunteer_a1"])
    response = world.client_for("lead_a").post(_url(_membership(world, "volunteer_a1")), CHECKED)
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.users["volunteer_a1"]).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator_a1", 403),  # not a lead
        ("volunteer_a1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("outsider", 403),
        ("anonymous", 302),
    ],
)
def test_only_project_leads_may_reset(world, persona, status):
    _give_factors(world.users["facilitator_a1"])
    url = _url(_membership(world, "facilitator_a1"))
    assert world.client_for(persona).post(url, CHECKED).status_code == status
    assert Authenticator.objects.filter(user=world.users["facilitator_a1"]).count() == 3


def test_a_lead_cannot_reset_outside_their_organisation(world):
    _give_factors(world.users["facilitator_b1"])
    lead = world.client_for("lead_a")
    assert lead.post(_url(_membership(world, "facilitator_b1")), CHECKED).status_code == 404
    assert Authenticator.objects.filter(user=world.users["facilitator_b1"]).count() == 3


def test_a_lead_cannot_reset_themselves_or_someone_with_a_wider_role(world):
    lead = world.client_for("lead_a")
    assert lead.post(_url(_membership(world, "lead_a")), CHECKED).status_code == 404
    # A facilitator in A1 who also leads organisation B: their reset is for the site
    # administrator, not for a lead of A.
    facilitator = world.users["facilitator_a1"]
    grant_role(facilitator, Role.PROJECT_LEAD, world.org_b)
    _give_factors(facilitator)
    membership = Membership.objects.get(user=facilitator, role=Role.FACILITATOR)
    assert lead.post(_url(membership), CHECKED).status_code == 404
    assert Authenticator.objects.filter(user=facilitator).count() == 3
    page = lead.get(reverse("organisation_people", args=[world.org_a.pk])).content.decode()
    assert _url(membership) not in page


def test_reset_is_a_post(world):
    url = _url(_membership(world, "facilitator_a1"))
    assert world.client_for("lead_a").get(url).status_code == 405
