"""Programme coordinators and funders never see a participant: no page they can open
contains a participant's name or phone number (issue 3, item 9)."""

import pytest
from django.urls import reverse

SECRETS = ["Ayse Demir", "06 1111 2222", "Ruth Kromo", "06 3333 4444"]


def _pages(world):
    p = world.participant_a1
    return [
        reverse("home"),
        reverse("group_list"),
        reverse("group_detail", args=[world.group_a1.pk]),
        reverse("group_detail", args=[world.group_b1.pk]),
        reverse("organisation_list"),
        reverse("organisation_detail", args=[world.org_a.pk]),
        reverse("participant_list"),
        reverse("participant_detail", args=[p.pk]),
        reverse("participant_edit", args=[p.pk]),
        reverse("participant_create"),
        reverse("consent_create", args=[p.pk]),
        reverse("intake_create", args=[p.pk]),
        reverse("participant_enrol", args=[p.pk]),
        reverse("enrolment_leave", args=[p.enrolments.get().pk]),
    ]


@pytest.mark.parametrize("persona", ["coordinator", "funder"])
def test_no_participant_on_any_page(world, persona):
    client = world.client_for(persona)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        for secret in SECRETS:
            assert secret not in response.content.decode(), (url, secret)


@pytest.mark.parametrize("persona", ["coordinator", "funder"])
def test_no_participants_link_in_the_navigation(world, persona):
    response = world.client_for(persona).get(reverse("home"))
    assert reverse("participant_list") not in response.text
