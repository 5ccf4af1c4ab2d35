"""GET/POST /participants/<pk>/edit/ — change the record, with optimistic locking."""

import pytest
from django.urls import reverse

from participants import services_records
from participants.models import Participant
from stetapp.dates import short_datetime
from tests.factories import ConsentFactory, GroupFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(participant):
    return reverse("participant_edit", args=[participant.pk])


def _payload(participant, **overrides):
    """What the edit form posts for the participant as stored now."""
    data = {
        "full_name": participant.full_name,
        "group": participant.group_id,
        "phone": participant.phone,
        "postcode": participant.postcode,
        "birth_year": participant.birth_year or "",
        "gender": participant.gender,
        "community": participant.community,
        "languages": participant.languages,
        "preferred_language": participant.preferred_language,
        "channel": participant.channel,
        "version": participant.version,
    }
    data.update(overrides)
    return data


# --- access ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.participant_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_read_only_and_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    p = world.participant_a1
    assert client.get(_url(p)).status_code == 403
    assert client.post(_url(p), _payload(p, full_name="Changed")).status_code == 403
    p.refresh_from_db()
    assert p.full_name == "Ayse Demir"


def test_out_of_scope_is_404(world):
    p = world.participant_a1
    client = world.client_for("facilitator_b1")
    assert client.get(_url(p)).status_code == 404
    assert client.post(_url(p), _payload(p, full_name="Changed")).status_code == 404
    p.refresh_from_db()
    assert p.full_name == "Ayse Demir"


def test_wrong_method(world):
    assert world.client_for("lead_a").delete(_url(world.participant_a1)).status_code == 405


# --- the form --------------------------------------------------------------------------


def test_form_carries_the_version(world):
    response = world.client_for("facilitator_a1").get(_url(world.participant_a1))
    assert response.context["form"]["version"].value() == 1
    assert 'name="version" value="1"' in response.text


def test_sensitive_fields_only_with_consent(world):
    client = world.client_for("facilitator_a1")
    p = world.participant_a1
    fields = client.get(_url(p)).context["form"].fields
    assert "religion" not in fields
    assert "health_notes" not in fields
    assert "confidential_notes" in fields
    ConsentFactory(participant=p, purpose="health")
    fields = client.get(_url(p)).context["form"].fields
    assert "religion" not in fields
    assert "health_notes" in fields


def test_group_choices_stay_in_the_organisation(world):
    form = world.client_for("lead_a").get(_url(world.participant_a1)).context["form"]
    assert [g.name for g in form.fields["group"].queryset] == ["Group A1", "Group A2"]
    form = world.client_for("facilitator_a1").get(_url(world.participant_a1)).context["form"]
    assert [g.name for g in form.fields["group"].queryset] == ["Group A1"]


# --- saving ----------------------------------------------------------------------------


def test_save(world):
    p = world.participant_a1
    ConsentFactory(participant=p, purpose="religion")
    response = world.client_for("facilitator_a1").post(
        _url(p),
        _payload(
            p,
            phone="06 9999 0000",
            postcode="3072ab",
            religion="Alevi",
            confidential_notes="Call after 11",
            languages=["tr", "ku"],
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[p.pk])
    p.refresh_from_db()
    assert (p.phone, p.postcode, p.religion, p.confidential_notes) == (
        "06 9999 0000",
        "3072 AB",
        "Alevi",
        "Call after 11",
    )
    assert p.languages == ["tr", "ku"]
    assert p.version == 2


def test_saving_without_changes_keeps_the_version(world):
    p = world.participant_a1
    response = world.client_for("lead_a").post(_url(p), _payload(p))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.version == 1


def test_lead_moves_a_candidate_to_another_group(world):
    p = world.participant_a1
    world.client_for("lead_a").post(_url(p), _payload(p, group=world.group_a2.pk))
    p.refresh_from_db()
    assert p.group == world.group_a2


def test_younger_than_55_is_not_blocked(world):
    p = world.participant_a1
    response = world.client_for("lead_a").post(_url(p), _payload(p, birth_year="1995"))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.birth_year == 1995


# --- optimistic locking ----------------------------------------------------------------


def test_two_editors_the_second_gets_a_conflict(world):
    p = world.participant_a1
    first = world.client_for("facilitator_a1")
    second = world.client_for("lead_a")
    # Both open the form at version 1.
    first_form = first.get(_url(p)).context["form"]
    second_form = second.get(_url(p)).context["form"]
    assert first_form["version"].value() == second_form["version"].value() == 1

    saved = first.post(_url(p), _payload(p, phone="06 1111 3333"))
    assert saved.status_code == 302

    conflict = second.post(_url(p), _payload(p, phone="06 4444 5555", community="Kurdish"))
    assert conflict.status_code == 200
    text = conflict.text
    assert "Someone else changed this record while you were editing it" in text
    # Who saved and when, and nothing else: no value of the record (decision 46).
    p.refresh_from_db()
    assert [str(m) for m in conflict.context["messages"]] == [
        "Someone else changed this record while you were editing it. Your changes are not "
        "saved yet: they are still in the form below. Compare them with the saved values "
        "and press Save again. "
        f"Last saved on {short_datetime(p.updated_at)} by {world.users['facilitator_a1']}."
    ]
    # The second user's input is kept, the new version is in the form.
    form = conflict.context["form"]
    assert form["phone"].value() == "06 4444 5555"
    assert form["community"].value() == "Kurdish"
    assert form["version"].value() == "2"
    assert 'name="version" value="2"' in text
    # The saved value that differs is shown.
    assert ("Phone", "06 1111 3333") in conflict.context["conflict"]
    assert "06 1111 3333" in text
    # The first user's change survives.
    p.refresh_from_db()
    assert (p.phone, p.community, p.version) == ("06 1111 3333", "Turkish", 2)

    # Saving again from the conflict page goes through.
    again = second.post(_url(p), {**form.data.dict(), "languages": ["tr"]})
    assert again.status_code == 302
    p.refresh_from_db()
    assert (p.phone, p.community, p.version) == ("06 4444 5555", "Kurdish", 3)


def test_a_withdrawn_consent_in_between_is_a_conflict(world):
    """consent_withdraw raises the version: a form opened before it cannot bring the
    erased health notes back."""
    p = world.participant_a1
    consent = ConsentFactory(participant=p, purpose="health")
    client = world.client_for("facilitator_a1")
    client.post(_url(p), _payload(p, health_notes="Asthma"))
    p.refresh_from_db()
    stale = _payload(p, health_notes="Asthma, worse in winter")
    services_records.consent_withdraw(consent=consent, withdrawn_by=world.users["lead_a"])
    response = client.post(_url(p), stale)
    assert response.status_code == 200
    assert "health_notes" not in response.context["form"].fields
    p.refresh_from_db()
    # The withdrawal raised the version: its author is who saved last, and when.
    saved = f"Last saved on {short_datetime(p.updated_at)} by {world.users['lead_a']}."
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert [e.endswith(saved) for e in errors] == [True]
    assert p.health_notes == ""


def test_missing_version_is_refused(world):
    p = world.participant_a1
    data = _payload(p, full_name="Changed")
    del data["version"]
    response = world.client_for("facilitator_a1").post(_url(p), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    p.refresh_from_db()
    assert p.full_name == "Ayse Demir"


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"phone": "phone me"}, "phone"),
        ({"postcode": "ABCD 12"}, "postcode"),
        ({"birth_year": "2999"}, "birth_year"),
        ({"version": "abc"}, "version"),
        ({"religion": "Alevi"}, None),  # not a field without consent: ignored
    ],
)
def test_bad_input(world, overrides, field):
    p = world.participant_a1
    response = world.client_for("facilitator_a1").post(_url(p), _payload(p, **overrides))
    p.refresh_from_db()
    if field is None:
        assert response.status_code == 302
        assert p.religion == ""
    else:
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert p.version == 1


def test_a_group_of_another_organisation_is_refused(world):
    p = world.participant_a1
    response = world.client_for("lead_a").post(_url(p), _payload(p, group=world.group_b1.pk))
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    p.refresh_from_db()
    assert p.group == world.group_a1


def test_a_group_the_facilitator_does_not_work_in_is_refused(world):
    p = world.participant_a1
    GroupFactory(organisation=world.org_a, name="Group A3")
    response = world.client_for("facilitator_a1").post(
        _url(p), _payload(p, group=world.group_a2.pk)
    )
    assert response.status_code == 200
    assert "group" in response.context["form"].errors


def test_someone_cannot_bring_themselves(world):
    p = world.participant_a1
    response = world.client_for("lead_a").post(_url(p), _payload(p, referred_by=p.pk))
    assert response.status_code == 200
    assert "referred_by" in response.context["form"].errors


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, value):
    p = world.participant_a1
    response = world.client_for("facilitator_a1").post(
        _url(p),
        _payload(
            p,
            full_name=value,
            postcode=value,
            community=value,
            interests=value,
            confidential_notes=value,
            version=value,
        ),
    )
    assert response.status_code in (200, 302)
    assert_escaped(response)
    p.refresh_from_db()
    assert "\x00" not in p.full_name


def test_stored_markup_is_escaped_in_the_form(world):
    p = world.participant_a1
    Participant.objects.filter(pk=p.pk).update(interests="<script>alert(1)</script>")
    response = world.client_for("facilitator_a1").get(_url(p))
    assert_escaped(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_volunteer_who_facilitates_another_group_cannot_edit(world):
    """The role rule lets a facilitator through; the record itself must be editable."""
    from tests.factories import Role, grant_role

    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    client = world.client_for("volunteer_a1")
    p = world.participant_a1
    assert client.get(_url(p)).status_code == 403
    assert client.post(_url(p), _payload(p, full_name="Changed")).status_code == 403
