"""Writes of groups/services.py: groups, venues, organisations, invitations, revocation."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import Composition, Group, GroupStatus, Membership, Role, Venue
from tests.factories import UserFactory, city
from tests.helpers import assert_invitation_link

User = get_user_model()
BASE_URL = "https://stetapp.example.org"


def _updated_columns(queries, table):
    """The columns set by the UPDATE statements on `table` among captured queries."""
    columns = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith(f'UPDATE "{table}" SET'):
            set_clause = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
            columns.append(sorted(re.findall(r'"(\w+)" = ', set_clause)))
    return columns


# --- groups ----------------------------------------------------------------------------


def _create(world, **overrides):
    fields = {
        "organisation": world.org_a,
        "name": "  Koffieochtend Feijenoord ",
        "city": city("GM0599"),
        "community": "  Turkish   and  Kurdish ",
        "composition": Composition.WOMEN,
        "status": GroupStatus.PREPARING,
        "languages": ("tr", "ku"),
        "target_size": 14,
        "start_date": dt.date(2025, 3, 4),
        "venue": world.venue_a,
    }
    fields.update(overrides)
    return services.group_create(**fields)


def test_group_create(world):
    group = _create(world)
    group.refresh_from_db()
    assert group.organisation == world.org_a
    assert group.name == "Koffieochtend Feijenoord"
    assert group.community == "Turkish and Kurdish"
    assert group.languages == ["tr", "ku"]
    assert (group.composition, group.status, group.target_size) == ("women", "preparing", 14)
    assert group.start_date == dt.date(2025, 3, 4)
    assert group.end_date is None
    assert group.venue == world.venue_a


def test_group_create_duplicate_name_in_same_organisation(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, name="Group A1")
    assert exc.value.message_dict["__all__"] == [
        "Group with this Organisation and Name already exists."
    ]
    assert Group.objects.filter(organisation=world.org_a).count() == 2


def test_group_create_same_name_in_another_organisation_is_fine(world):
    group = _create(world, organisation=world.org_b, name="Group A1", venue=world.venue_b)
    assert sorted(
        Group.objects.filter(name="Group A1").values_list("organisation__name", flat=True)
    ) == [
        "Organisation A",
        "Organisation B",
    ]
    assert group.organisation == world.org_b


def test_group_create_rejects_venue_of_another_organisation(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, venue=world.venue_b)
    assert exc.value.message_dict["venue"] == ["Choose a venue of the group's own organisation."]
    assert not Group.objects.filter(name="Koffieochtend Feijenoord").exists()


def test_group_create_rejects_end_before_start(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, start_date=dt.date(2025, 3, 4), end_date=dt.date(2025, 3, 3))
    assert "end_date" in exc.value.message_dict


def test_group_update_writes_only_changed_fields(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.group_update(
            group=group,
            name="Group A1",  # unchanged
            status=GroupStatus.RECRUITING,
            city=city("GM0518"),
            community="Turkish",  # unchanged
        )
    assert _updated_columns(ctx.captured_queries, "groups_group") == [
        ["city_id", "status", "updated_at"]
    ]
    group.refresh_from_db()
    assert (group.status, group.city.cbs_code, group.name) == ("recruiting", "GM0518", "Group A1")


def test_group_update_without_changes_writes_nothing(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    before = group.updated_at
    with CaptureQueriesContext(connection) as ctx:
        services.group_update(group=group, name="Group A1", languages=("tr", "nl"))
    assert _updated_columns(ctx.captured_queries, "groups_group") == []
    group.refresh_from_db()
    assert group.updated_at == before


def test_group_update_normalises_community_and_venue(world):
    group = Group.objects.get(pk=world.group_a2.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.group_update(group=group, community=" Moroccan   Berber ", venue=world.venue_a)
    assert _updated_columns(ctx.captured_queries, "groups_group") == [
        ["community", "updated_at", "venue_id"]
    ]
    group.refresh_from_db()
    assert (group.community, group.venue) == ("Moroccan Berber", world.venue_a)


def test_group_update_duplicate_name_in_same_organisation(world):
    group = Group.objects.get(pk=world.group_a2.pk)
    with pytest.raises(ValidationError) as exc:
        services.group_update(group=group, name="Group A1")
    assert exc.value.message_dict["__all__"] == [
        "Group with this Organisation and Name already exists."
    ]
    assert Group.objects.get(pk=world.group_a2.pk).name == "Group A2"


def test_group_update_to_name_used_in_another_organisation(world):
    group = Group.objects.get(pk=world.group_a2.pk)
    services.group_update(group=group, name="Group B1")
    assert Group.objects.get(pk=world.group_a2.pk).name == "Group B1"


def test_group_update_cannot_move_organisation_or_set_unknown_fields(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    with pytest.raises(TypeError):
        services.group_update(group=group, organisation=world.org_b)
    with pytest.raises(TypeError):
        services.group_update(group=group, created_at=None)
    assert Group.objects.get(pk=world.group_a1.pk).organisation == world.org_a


def test_group_update_invalid_values_are_not_saved(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    with pytest.raises(ValidationError) as exc:
        services.group_update(group=group, languages=["tr", "zz"], status="running")
    assert exc.value.message_dict["languages"] == ["Unknown language: zz"]
    assert Group.objects.get(pk=world.group_a1.pk).languages == ["tr", "nl"]


# --- venues and organisations ----------------------------------------------------------


def test_venue_create(world):
    venue = services.venue_create(
        organisation=world.org_a,
        name="Buurthuis De Esch",
        address="Esch 12",
        postcode="3063 AB",
        city=city("GM0599"),
        closed_room=True,
        separate_rooms=True,
        capacity=25,
        step_free=True,
    )
    venue.refresh_from_db()
    assert (venue.organisation, venue.name, venue.postcode, venue.capacity) == (
        world.org_a,
        "Buurthuis De Esch",
        "3063 AB",
        25,
    )
    assert (venue.closed_room, venue.separate_rooms, venue.step_free) == (True, True, True)


def test_venue_create_duplicate_name_in_same_organisation(world):
    with pytest.raises(ValidationError) as exc:
        services.venue_create(
            organisation=world.org_a, name="Venue A", address="Elsewhere 1", city=city("GM0599")
        )
    assert exc.value.message_dict["__all__"] == [
        "Venue with this Organisation and Name already exists."
    ]


def test_venue_create_same_name_in_another_organisation(world):
    services.venue_create(
        organisation=world.org_b, name="Venue A", address="Elsewhere 1", city=city("GM0518")
    )
    assert Venue.objects.filter(name="Venue A").count() == 2


def test_venue_create_rejects_bad_values_and_unknown_fields(world):
    with pytest.raises(ValidationError) as exc:
        services.venue_create(
            organisation=world.org_a, name="X", address="Y 1", city=city("GM0599"), postcode="99"
        )
    assert exc.value.message_dict["postcode"] == ["Use a Dutch postcode: 1234 AB."]
    with pytest.raises(TypeError):
        services.venue_create(organisation=world.org_b, name="X", address="Y", owner="me")


def test_venue_update_writes_only_changed_fields(world):
    venue = Venue.objects.get(pk=world.venue_a.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.venue_update(venue=venue, name="Venue A", capacity=12, city=city("GM0344"))
    assert _updated_columns(ctx.captured_queries, "groups_venue") == [["capacity", "city_id"]]
    venue.refresh_from_db()
    assert (venue.capacity, venue.city.name) == (12, "Utrecht")


def test_venue_update_duplicate_name(world):
    other = services.venue_create(
        organisation=world.org_a, name="Venue A2", address="Z 2", city=city("GM0599")
    )
    with pytest.raises(ValidationError):
        services.venue_update(venue=other, name="Venue A")
    assert Venue.objects.get(pk=other.pk).name == "Venue A2"
    with pytest.raises(TypeError):
        services.venue_update(venue=other, organisation=world.org_b)


def test_organisation_create_adds_it_to_the_programme(world):
    organisation = services.organisation_create(
        name=" Stichting Nieuw ",
        city=city("GM0363"),
        kvk_number="12345678",
        programme=world.programme,
    )
    assert organisation.name == "Stichting Nieuw"
    assert sorted(o.name for o in world.programme.organisations.all()) == [
        "Organisation A",
        "Organisation B",
        "Stichting Nieuw",
    ]


def test_organisation_create_rejects_bad_kvk_and_duplicates(world):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(name="Stichting X", city=city("GM0363"), kvk_number="1234")
    assert exc.value.message_dict["kvk_number"] == ["A KvK number has 8 digits."]
    with pytest.raises(ValidationError):
        services.organisation_create(name="Organisation A", city=city("GM0363"))


# --- invitations -----------------------------------------------------------------------


def test_member_invite_new_user(world, django_capture_on_commit_callbacks):
    lead = world.users["lead_a"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership = services.member_invite(
            email="  Nieuwe.Begeleider@Example.ORG ",
            full_name=" Nadia Begeleider ",
            role=Role.FACILITATOR,
            scope=world.group_a2,
            invited_by=lead,
            base_url=BASE_URL,
        )
    # Nothing is sent before the transaction commits.
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    user = User.objects.get(email="nieuwe.begeleider@example.org")
    assert user.full_name == "Nadia Begeleider"
    assert not user.has_usable_password()
    assert user.invitation_pending
    assert user.language == lead.language == "en"
    assert (membership.user, membership.role, membership.group) == (
        user,
        "facilitator",
        world.group_a2,
    )
    assert membership.invited_by == lead

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuwe.begeleider@example.org"]
    assert message.subject == "You are invited to stetapp"
    assert "Dear Nadia Begeleider," in message.body
    assert "gave you the role of facilitator for Group A2" in message.body
    assert_invitation_link(message.body, user, BASE_URL)
    assert re.search(r"https://stetapp\.example\.org/invitation/[\w-]+/[\w-]+/", message.body)


def test_member_invite_existing_user_gets_a_new_role_mail(
    world, django_capture_on_commit_callbacks
):
    facilitator = world.users["facilitator_b1"]
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            email="FACILITATOR.B1@example.org",
            full_name="Someone Else",
            role=Role.VOLUNTEER,
            scope=world.group_a1,
            invited_by=world.users["lead_a"],
            base_url=BASE_URL,
        )
    assert Membership.objects.filter(
        user=facilitator, group=world.group_a1, role="volunteer"
    ).exists()
    assert User.objects.filter(email__iexact="facilitator.b1@example.org").count() == 1
    facilitator.refresh_from_db()
    assert facilitator.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "You have a new role in stetapp"
    assert "Sign in with your usual password:" in message.body
    assert BASE_URL + reverse("account_login") in message.body
    assert "/invitation/" not in message.body


def test_member_invite_fills_in_missing_name_of_existing_user(
    world, django_capture_on_commit_callbacks
):
    user = UserFactory(email="nameless@example.org", full_name="")
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(
            email="nameless@example.org",
            full_name="Now Named",
            role=Role.VOLUNTEER,
            scope=world.group_a1,
            invited_by=world.users["lead_a"],
            base_url=BASE_URL,
        )
    user.refresh_from_db()
    assert user.full_name == "Now Named"


def test_member_invite_duplicate_role_is_rejected(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.member_invite(
            email="lead.a@example.org",
            full_name="Lead A",
            role=Role.PROJECT_LEAD,
            scope=world.org_a,
            invited_by=world.users["coordinator"],
            base_url=BASE_URL,
        )
    assert exc.value.messages == ["This person already has this role here."]
    assert Membership.objects.filter(user=world.users["lead_a"]).count() == 1
    assert mail.outbox == []


def test_member_invite_second_role_in_same_group_is_rejected(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.member_invite(
            email="volunteer.a1@example.org",
            full_name="",
            role=Role.FACILITATOR,
            scope=world.group_a1,
            invited_by=world.users["lead_a"],
            base_url=BASE_URL,
        )
    assert exc.value.messages == ["This person already has a role in this group."]
    assert mail.outbox == []


def test_member_invite_role_scope_mismatch(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.member_invite(
            email="wrong.scope@example.org",
            full_name="Wrong Scope",
            role=Role.FACILITATOR,
            scope=world.org_a,
            invited_by=world.users["lead_a"],
            base_url=BASE_URL,
        )
    assert exc.value.messages == ["This role cannot be given for that scope."]
    # No account is left behind.
    assert not User.objects.filter(email="wrong.scope@example.org").exists()
    assert mail.outbox == []


def test_member_invite_rolls_back_new_account_on_duplicate(
    world, django_capture_on_commit_callbacks
):
    # A new e-mail address but a role that fails: the account must not stay behind.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.member_invite(
            email="new.coordinator@example.org",
            full_name="New",
            role=Role.PROGRAMME_COORDINATOR,
            scope=world.org_a,
            invited_by=world.users["coordinator"],
            base_url=BASE_URL,
        )
    assert not User.objects.filter(email="new.coordinator@example.org").exists()


def test_invitation_resend(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(
            email="pending@example.org",
            full_name="Pending Person",
            role=Role.VOLUNTEER,
            scope=world.group_a2,
            invited_by=world.users["lead_a"],
            base_url=BASE_URL,
        )
    services.invitation_resend(
        membership=membership, invited_by=world.users["lead_a"], base_url=BASE_URL
    )
    assert [m.subject for m in mail.outbox] == ["You are invited to stetapp"] * 2
    assert_invitation_link(mail.outbox[1].body, membership.user, BASE_URL)


def test_membership_revoke(world):
    membership = Membership.objects.get(user=world.users["facilitator_a1"])
    services.membership_revoke(membership=membership)
    assert not Membership.objects.filter(user=world.users["facilitator_a1"]).exists()
    # The account itself stays.
    assert User.objects.filter(email="facilitator.a1@example.org").exists()
