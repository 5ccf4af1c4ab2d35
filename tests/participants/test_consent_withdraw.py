"""POST /consents/<pk>/withdraw/ — withdraw a consent; it takes effect at once."""

import pytest
from django.urls import reverse

from participants.models import Participant
from tests.factories import ConsentFactory


def _url(consent):
    return reverse("consent_withdraw", args=[consent.pk])


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_withdraw(world, persona):
    consent = world.consent_a1
    response = world.client_for(persona).post(_url(consent))
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[world.participant_a1.pk])
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == world.users[persona]


def test_withdrawing_health_consent_erases_the_notes_and_hides_the_field(world):
    p = world.participant_a1
    consent = ConsentFactory(participant=p, purpose="health")
    Participant.objects.filter(pk=p.pk).update(health_notes="Hearing aid, left ear")
    client = world.client_for("facilitator_a1")
    detail = reverse("participant_detail", args=[p.pk])
    edit = reverse("participant_edit", args=[p.pk])
    assert "Hearing aid, left ear" in client.get(detail).text
    assert "health_notes" in client.get(edit).context["form"].fields

    response = client.post(_url(consent), follow=True)
    assert response.status_code == 200
    assert "Consent withdrawn: recording health notes." in response.text
    p.refresh_from_db()
    assert p.health_notes == ""
    page = client.get(detail)
    assert "Hearing aid" not in page.text
    assert page.context["shows_health"] is False
    assert "health_notes" not in client.get(edit).context["form"].fields
    # The history keeps the withdrawn row.
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert [c.pk for c in page.context["withdrawn_consents"]] == [consent.pk]
    assert "Recording health notes" in page.text


def test_withdrawing_twice_is_harmless(world):
    client = world.client_for("facilitator_a1")
    client.post(_url(world.consent_a1))
    world.consent_a1.refresh_from_db()
    first = world.consent_a1.withdrawn_at
    response = client.post(_url(world.consent_a1))
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages][-1] == (
        "This consent was already withdrawn."
    )
    world.consent_a1.refresh_from_db()
    assert world.consent_a1.withdrawn_at == first


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(_url(world.consent_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, persona):
    assert world.client_for(persona).post(_url(world.consent_a1)).status_code == 403
    world.consent_a1.refresh_from_db()
    assert world.consent_a1.is_active


def test_out_of_scope_is_404(world):
    assert world.client_for("facilitator_b1").post(_url(world.consent_a1)).status_code == 404
    assert world.client_for("lead_a").post("/consents/999999/withdraw/").status_code == 404
    world.consent_a1.refresh_from_db()
    assert world.consent_a1.is_active


def test_get_is_not_allowed(world):
    assert world.client_for("facilitator_a1").get(_url(world.consent_a1)).status_code == 405
