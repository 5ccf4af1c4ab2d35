"""Scoped querysets (visible_to, reached_by, managed_by, manageable_by), constraints and
model validation of the groups app."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from groups.models import City, Group, Membership, Organisation, Programme, Role, Venue
from tests.factories import GroupFactory, UserFactory, VenueFactory, city, grant_role
from tests.helpers import PERSONAS


def _user(world, persona):
    return world.users.get(persona) or AnonymousUser()


def _names(queryset):
    return sorted(str(obj.name) for obj in queryset)


GROUPS_VISIBLE = {
    "anonymous": [],
    "outsider": [],
    "volunteer_a1": ["Group A1"],
    "facilitator_a1": ["Group A1"],
    "facilitator_b1": ["Group B1"],
    "lead_a": ["Group A1", "Group A2"],
    "coordinator": ["Group A1", "Group A2", "Group B1"],
    "funder": [],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_group_visible_to(world, org_c, persona):
    # org_c's group C1 exists in every case: nobody but a superuser may see it.
    assert _names(Group.objects.visible_to(_user(world, persona))) == GROUPS_VISIBLE[persona]


def test_group_visible_to_is_one_query_without_duplicates(world, django_assert_num_queries):
    coordinator = world.users["coordinator"]
    # A coordinator who is also project lead and facilitator reaches A1 three ways.
    grant_role(coordinator, Role.PROJECT_LEAD, world.org_a)
    grant_role(coordinator, Role.FACILITATOR, world.group_a1)
    with django_assert_num_queries(1):
        # 1. the groups, with the memberships as subqueries (no DISTINCT needed)
        names = _names(Group.objects.visible_to(coordinator))
    assert names == ["Group A1", "Group A2", "Group B1"]


def test_facilitator_b1_sees_nothing_of_organisation_a(world):
    user = world.users["facilitator_b1"]
    assert not Group.objects.visible_to(user).filter(organisation=world.org_a).exists()
    assert not Organisation.objects.visible_to(user).filter(pk=world.org_a.pk).exists()
    assert not Venue.objects.visible_to(user).filter(organisation=world.org_a).exists()
    assert not Membership.objects.manageable_by(user).exists()


def test_coordinator_does_not_see_organisation_outside_programme(world, org_c):
    coordinator = world.users["coordinator"]
    assert not Group.objects.visible_to(coordinator).filter(organisation=org_c).exists()
    assert not Organisation.objects.visible_to(coordinator).filter(pk=org_c.pk).exists()
    assert not Venue.objects.visible_to(coordinator).filter(organisation=org_c).exists()


def test_coordinator_sees_new_groups_of_programme_organisations(world):
    GroupFactory(organisation=world.org_b, name="Group B2")
    assert _names(Group.objects.visible_to(world.users["coordinator"])) == [
        "Group A1",
        "Group A2",
        "Group B1",
        "Group B2",
    ]


def test_superuser_sees_everything(world, org_c):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    assert _names(Group.objects.visible_to(admin)) == [
        "Group A1",
        "Group A2",
        "Group B1",
        "Group C1",
    ]
    assert _names(Organisation.objects.managed_by(admin)) == [
        "Organisation A",
        "Organisation B",
        "Organisation C",
    ]
    assert Membership.objects.manageable_by(admin).count() == Membership.objects.count()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_inactive_user_sees_nothing(world, persona):
    user = world.users[persona]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert list(Group.objects.visible_to(user)) == []
    assert list(Organisation.objects.visible_to(user)) == []
    assert list(Organisation.objects.managed_by(user)) == []
    assert list(Venue.objects.visible_to(user)) == []
    assert list(Programme.objects.visible_to(user)) == []
    assert list(Membership.objects.manageable_by(user)) == []
    assert list(Group.objects.reached_by(user, Role.values)) == []


ORGANISATIONS_VISIBLE = {
    "anonymous": [],
    "outsider": [],
    "volunteer_a1": ["Organisation A"],
    "facilitator_a1": ["Organisation A"],
    "facilitator_b1": ["Organisation B"],
    "lead_a": ["Organisation A"],
    "coordinator": ["Organisation A", "Organisation B"],
    "funder": [],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_visible_to(world, org_c, persona):
    user = _user(world, persona)
    assert _names(Organisation.objects.visible_to(user)) == ORGANISATIONS_VISIBLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_managed_by_only_project_leads(world, persona):
    expected = ["Organisation A"] if persona == "lead_a" else []
    assert _names(Organisation.objects.managed_by(_user(world, persona))) == expected


VENUES_VISIBLE = {
    "anonymous": [],
    "outsider": [],
    "volunteer_a1": ["Venue A"],
    "facilitator_a1": ["Venue A"],
    "facilitator_b1": ["Venue B"],
    "lead_a": ["Venue A"],
    "coordinator": ["Venue A", "Venue B"],
    "funder": [],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_venue_visible_to(world, org_c, persona):
    assert _names(Venue.objects.visible_to(_user(world, persona))) == VENUES_VISIBLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_programme_visible_to_only_coordinators(world, persona):
    expected = ["STE programme"] if persona == "coordinator" else []
    assert _names(Programme.objects.visible_to(_user(world, persona))) == expected


MANAGEABLE = {
    "anonymous": [],
    "outsider": [],
    "volunteer_a1": [],
    "facilitator_a1": [],
    "facilitator_b1": [],
    # Project leads: the project leads of their organisation (themselves included; the
    # view refuses self-removal) and the facilitators and volunteers of its groups; and
    # the readers of a fund that made the organisation a grant (decision 36).
    "lead_a": [
        ("facilitator.a1@example.org", "facilitator"),
        ("funder@example.org", "funder"),
        ("lead.a@example.org", "project_lead"),
        ("volunteer.a1@example.org", "volunteer"),
    ],
    # Coordinators: the coordinators of their programme and the project leads of its
    # organisations, never the facilitators of groups; and the readers of a fund that
    # made one of those organisations a grant.
    "coordinator": [
        ("coordinator@example.org", "programme_coordinator"),
        ("funder@example.org", "funder"),
        ("lead.a@example.org", "project_lead"),
    ],
    "funder": [],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_manageable_by(world, persona):
    memberships = Membership.objects.manageable_by(_user(world, persona))
    assert sorted((m.user.email, m.role) for m in memberships) == MANAGEABLE[persona]


def test_manageable_by_includes_project_leads_of_programme_organisations(world, lead_b, org_c):
    lead_c = UserFactory(email="lead.c@example.org")
    grant_role(lead_c, Role.PROJECT_LEAD, org_c)
    emails = sorted(
        m.user.email for m in Membership.objects.manageable_by(world.users["coordinator"])
    )
    assert emails == [
        "coordinator@example.org",
        "funder@example.org",  # the fund's reader: the fund granted organisation A
        "lead.a@example.org",
        "lead.b@example.org",
    ]


def test_revoking_a_membership_ends_access_on_the_next_request(world):
    client = world.client_for("facilitator_a1")
    url = reverse("group_detail", args=[world.group_a1.pk])
    assert client.get(url).status_code == 200

    Membership.objects.get(user=world.users["facilitator_a1"], group=world.group_a1).delete()

    # No role left at all: the view's access rule refuses (403).
    assert client.get(url).status_code == 403


def test_revoking_one_group_role_hides_that_group_but_keeps_the_other(world):
    facilitator = world.users["facilitator_a1"]
    grant_role(facilitator, Role.FACILITATOR, world.group_a2)
    client = world.client_for("facilitator_a1")
    url_a1 = reverse("group_detail", args=[world.group_a1.pk])
    url_a2 = reverse("group_detail", args=[world.group_a2.pk])
    assert client.get(url_a1).status_code == 200

    Membership.objects.get(user=facilitator, group=world.group_a1).delete()

    # Still a facilitator (of A2), so the rule passes, but A1 is now out of scope.
    assert client.get(url_a1).status_code == 404
    assert client.get(url_a2).status_code == 200


# --- constraints -----------------------------------------------------------------------


def _create_membership(**kwargs):
    with transaction.atomic():
        return Membership.objects.create(**kwargs)


def test_membership_check_rejects_facilitator_with_organisation_scope(world):
    user = world.users["outsider"]
    with pytest.raises(IntegrityError):
        _create_membership(user=user, role=Role.FACILITATOR, organisation=world.org_a)
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROJECT_LEAD, "group"),
        (Role.PROGRAMME_COORDINATOR, "organisation"),
        (Role.VOLUNTEER, "programme"),
        (Role.FUNDER, "organisation"),
        (Role.PROJECT_LEAD, None),
    ],
)
def test_membership_check_rejects_other_role_scope_mismatches(world, role, scope):
    targets = {
        "group": world.group_a1,
        "organisation": world.org_a,
        "programme": world.programme,
        None: None,
    }
    kwargs = {scope: targets[scope]} if scope else {}
    with pytest.raises(IntegrityError):
        _create_membership(user=world.users["outsider"], role=role, **kwargs)


def test_membership_check_rejects_two_scopes(world):
    with pytest.raises(IntegrityError):
        _create_membership(
            user=world.users["outsider"],
            role=Role.PROJECT_LEAD,
            organisation=world.org_a,
            group=world.group_a1,
        )


def test_one_role_per_person_per_group(world):
    # volunteer_a1 already volunteers in A1; facilitating there too is a second row.
    with pytest.raises(IntegrityError):
        _create_membership(
            user=world.users["volunteer_a1"], role=Role.FACILITATOR, group=world.group_a1
        )


def test_same_project_lead_role_twice_is_rejected(world):
    with pytest.raises(IntegrityError):
        _create_membership(
            user=world.users["lead_a"], role=Role.PROJECT_LEAD, organisation=world.org_a
        )


def test_membership_scope_and_str(world):
    membership = Membership.objects.get(user=world.users["lead_a"])
    assert membership.scope == world.org_a
    assert str(membership) == f"{world.users['lead_a']} · project lead · Organisation A"


# --- group validation ------------------------------------------------------------------


def test_group_end_date_before_start_date_fails_full_clean(world):
    group = world.group_a1
    group.start_date = dt.date(2025, 3, 1)
    group.end_date = dt.date(2025, 2, 28)
    with pytest.raises(ValidationError) as exc:
        group.full_clean()
    assert exc.value.message_dict["end_date"] == ["The end date cannot be before the start date."]


def test_group_end_date_on_start_date_is_fine(world):
    group = world.group_a1
    group.start_date = group.end_date = dt.date(2025, 3, 1)
    group.full_clean()


def test_group_end_before_start_is_also_a_database_constraint(world):
    Group.objects.filter(pk=world.group_a1.pk).update(start_date=dt.date(2025, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.filter(pk=world.group_a1.pk).update(end_date=dt.date(2025, 1, 1))


def test_group_unknown_language_fails_full_clean(world):
    group = world.group_a1
    group.languages = ["tr", "xx", "klingon"]
    with pytest.raises(ValidationError) as exc:
        group.full_clean()
    assert exc.value.message_dict["languages"] == ["Unknown language: xx, klingon"]


def test_group_venue_of_other_organisation_fails_full_clean(world):
    group = world.group_a1
    group.venue = world.venue_b
    with pytest.raises(ValidationError) as exc:
        group.full_clean()
    assert exc.value.message_dict["venue"] == ["Choose a venue of the group's own organisation."]


def test_group_name_unique_per_organisation(world):
    duplicate = Group(
        organisation=world.org_a,
        name="Group A1",
        city=city("GM0599"),
        community="Turkish",
    )
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict["__all__"] == [
        "Group with this Organisation and Name already exists."
    ]


def test_group_language_labels(world):
    group = world.group_a1
    group.languages = ["tr", "ber", "nl"]
    assert group.language_labels == ["Turkish", "Tamazight (Berber)", "Dutch"]


def test_venue_postcode_validator(world):
    venue = VenueFactory.build(organisation=world.org_a, name="Venue X", postcode="301 AB")
    with pytest.raises(ValidationError) as exc:
        venue.full_clean()
    assert exc.value.message_dict["postcode"] == ["Use a Dutch postcode: 1234 AB."]


def test_city_cbs_code_validator():
    with pytest.raises(ValidationError) as exc:
        City(cbs_code="0599", name="Nowhere").full_clean()
    assert exc.value.message_dict["cbs_code"] == ["Use the form GM0123."]


def test_cities_come_from_the_data_migration(db):
    assert City.objects.get(cbs_code="GM0599").name == "Rotterdam"
    assert City.objects.get(cbs_code="GM0518").name == "'s-Gravenhage"
    assert City.objects.count() == 342
