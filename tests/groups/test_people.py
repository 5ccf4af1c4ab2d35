"""People and roles: /organisations/<pk>/people/ (project leads), /programmes/<pk>/people/
(coordinators), and POST /memberships/<pk>/revoke/ and /resend/."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from groups import services
from groups.models import Membership, Role
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.helpers import assert_invitation_link

User = get_user_model()
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _org_url(world):
    return reverse("organisation_people", args=[world.org_a.pk])


def _programme_url(world):
    return reverse("programme_people", args=[world.programme.pk])


def _invite(**overrides):
    data = {"email": "Nieuw@Example.org", "full_name": "Nadia Nieuw", "role": "facilitator"}
    data.update(overrides)
    return data


def _signed_in(world, user):
    client = world.client_for("anonymous")
    client.force_login(user)
    return client


# --- organisation people (project lead) -----------------------------------------------


def test_organisation_people_lists_members_and_limits_choices(world):
    response = world.client_for("lead_a").get(_org_url(world))
    assert response.status_code == 200
    assert [(m.user.email, m.role) for m in response.context["members"]] == [
        ("facilitator.a1@example.org", "facilitator"),
        ("lead.a@example.org", "project_lead"),
        ("volunteer.a1@example.org", "volunteer"),
    ]
    form = response.context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [
        "project_lead",
        "privacy_officer",
        "facilitator",
        "volunteer",
    ]
    assert [g.name for g in form.fields["group"].queryset] == ["Group A1", "Group A2"]
    assert "organisation" not in form.fields
    assert "facilitator.b1@example.org" not in response.text


def test_lead_sees_no_remove_button_for_own_role(world):
    response = world.client_for("lead_a").get(_org_url(world))
    own = Membership.objects.get(user=world.users["lead_a"])
    other = Membership.objects.get(user=world.users["facilitator_a1"])
    assert reverse("membership_revoke", args=[own.pk]) not in response.text
    assert reverse("membership_revoke", args=[other.pk]) in response.text


def test_invite_facilitator_creates_membership_and_mail(world, django_capture_on_commit_callbacks):
    client = world.client_for("lead_a")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(_org_url(world), _invite(group=world.group_a2.pk))
    assert response.status_code == 302
    assert response.url == _org_url(world)
    assert len(callbacks) == 1

    user = User.objects.get(email="nieuw@example.org")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.group, membership.invited_by) == (
        "facilitator",
        world.group_a2,
        world.users["lead_a"],
    )
    assert not user.has_usable_password()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nieuw@example.org"]
    assert mail.outbox[0].subject == "You are invited to stetapp"
    assert_invitation_link(mail.outbox[0].body, user, "http://testserver")

    page = client.get(response.url)
    assert "nieuw@example.org now has the role facilitator; an e-mail is on its way." in page.text
    assert "invitation not yet accepted" in page.text


def test_invite_project_lead_for_own_organisation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("lead_a").post(_org_url(world), _invite(role="project_lead"))
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nieuw@example.org")
    assert (membership.role, membership.organisation) == ("project_lead", world.org_a)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("role", ["facilitator", "volunteer"])
def test_group_role_requires_a_group(world, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("lead_a").post(_org_url(world), _invite(role=role))
    assert response.status_code == 200
    assert response.context["form"].errors["group"] == [
        "Choose the group this person will work in."
    ]
    assert not User.objects.filter(email="nieuw@example.org").exists()
    assert mail.outbox == []


def test_group_of_another_organisation_is_not_choosable(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("lead_a").post(
            _org_url(world), _invite(group=world.group_b1.pk)
        )
    assert response.status_code == 200
    # (The form's own "choose a group" check adds a second, redundant message.)
    assert response.context["form"].errors["group"] == [
        INVALID_CHOICE,
        "Choose the group this person will work in.",
    ]
    assert not Membership.objects.filter(
        group=world.group_b1, user__email="nieuw@example.org"
    ).exists()
    assert mail.outbox == []


def test_lead_cannot_give_a_coordinator_role(world):
    response = world.client_for("lead_a").post(
        _org_url(world), _invite(role="programme_coordinator")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        "Select a valid choice. programme_coordinator is not one of the available choices."
    ]


def test_duplicate_role_is_a_form_error(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("lead_a").post(
            _org_url(world),
            _invite(email="volunteer.a1@example.org", role="facilitator", group=world.group_a1.pk),
        )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This person already has a role in this group."
    ]
    assert Membership.objects.filter(user=world.users["volunteer_a1"]).count() == 1
    assert mail.outbox == []


def test_invalid_email(world):
    response = world.client_for("lead_a").post(
        _org_url(world), _invite(email="not-an-address", group=world.group_a1.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]


def test_organisation_people_lead_of_b_gets_404(world, lead_b):
    client = _signed_in(world, lead_b)
    assert client.get(_org_url(world)).status_code == 404
    assert client.post(_org_url(world), _invite(group=world.group_a1.pk)).status_code == 404
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_organisation_people_lead_who_only_coordinates_a_gets_403(world, lead_b):
    grant_role(lead_b, Role.PROGRAMME_COORDINATOR, world.programme)
    client = _signed_in(world, lead_b)
    assert client.get(_org_url(world)).status_code == 403
    assert client.post(_org_url(world), _invite(group=world.group_a1.pk)).status_code == 403


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "coordinator", "funder"]
)
def test_organisation_people_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_org_url(world)).status_code == 403
    assert client.post(_org_url(world), _invite(group=world.group_a1.pk)).status_code == 403


def test_organisation_people_anonymous_and_wrong_method(world):
    response = world.client_for("anonymous").get(_org_url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert world.client_for("lead_a").put(_org_url(world)).status_code == 405


@pytest.fixture(params=[0, 4], ids=["1 lead", "5 leads"])
def extra_leads(request, world):
    for n in range(request.param):
        grant_role(UserFactory(email=f"co.lead{n}@example.org"), Role.PROJECT_LEAD, world.org_a)
    return request.param


def test_organisation_people_query_count(world, extra_leads, warm, django_assert_num_queries):
    client = world.client_for("lead_a")
    warm(client, _org_url(world))
    with django_assert_num_queries(10):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the organisation through visible_to, joined with its city
        # 5. does the user lead or coordinate it?
        # 6. does the user lead it (else 403)?
        # 7. how many memberships there are (the page links)
        # 8. a page of them, joined with user, organisation and group (shown as scope)
        # 9. the organisation's groups (choices of the invitation form)
        # 10. the memberships whose second factor the lead may reset
        response = client.get(_org_url(world))
    assert len(response.context["members"]) == 3 + extra_leads


# --- programme people (coordinator) ----------------------------------------------------


@pytest.fixture(params=[0, 60], ids=["2 organisations", "62 organisations"])
def many_organisations(request, world):
    """A national programme has an organisation, and a project lead, per member."""
    from groups.models import Membership, Organisation

    extra = Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Extra {n:03d}") for n in range(request.param)
    )
    world.programme.organisations.add(*extra)
    leads = [UserFactory(email=f"extra.lead{n:03d}@example.org") for n in range(request.param)]
    Membership.objects.bulk_create(
        Membership(user=lead, role=Role.PROJECT_LEAD, organisation=organisation)
        for lead, organisation in zip(leads, extra, strict=True)
    )
    return request.param


def test_programme_people_pages_its_roles(
    world, many_organisations, warm, django_assert_num_queries
):
    client = world.client_for("coordinator")
    warm(client, _programme_url(world))
    with django_assert_num_queries(7):
        # the session, the user, the roles, the programme, how many roles there are, a
        # page of them (with user, organisation and programme), the organisations for
        # the invitation form
        response = client.get(_programme_url(world))
    members = response.context["page"].paginator.count
    assert members >= 2 + many_organisations  # the coordinator and every project lead
    assert len(response.context["members"]) == min(members, 50)
    options = response.text.count("<option value=") - 2  # the two roles
    assert options == 1 + 2 + many_organisations  # "---------" and each organisation
    if many_organisations:
        assert 'href="?page=2"' in response.text


def test_programme_people_lists_members_and_limits_choices(world, lead_b, org_c):
    response = world.client_for("coordinator").get(_programme_url(world))
    assert response.status_code == 200
    assert [(m.user.email, m.role) for m in response.context["members"]] == [
        ("coordinator@example.org", "programme_coordinator"),
        ("lead.a@example.org", "project_lead"),
        ("lead.b@example.org", "project_lead"),
    ]
    form = response.context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [
        "programme_coordinator",
        "project_lead",
    ]
    # Only the programme's organisations, never organisation C.
    assert [o.name for o in form.fields["organisation"].queryset] == [
        "Organisation A",
        "Organisation B",
    ]
    assert "Organisation C" not in response.text
    assert "group" not in form.fields


def test_coordinator_invites_project_lead_for_programme_organisation(
    world, django_capture_on_commit_callbacks
):
    client = world.client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _programme_url(world), _invite(role="project_lead", organisation=world.org_b.pk)
        )
    assert response.status_code == 302
    assert response.url == _programme_url(world)
    membership = Membership.objects.get(user__email="nieuw@example.org")
    assert (membership.role, membership.organisation) == ("project_lead", world.org_b)
    assert mail.outbox[0].to == ["nieuw@example.org"]
    assert "project lead for Organisation B" in mail.outbox[0].body


def test_coordinator_cannot_invite_lead_for_organisation_outside_programme(
    world, org_c, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("coordinator").post(
            _programme_url(world), _invite(role="project_lead", organisation=org_c.pk)
        )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [
        INVALID_CHOICE,
        "Choose the organisation this person will lead.",
    ]
    assert not Membership.objects.filter(organisation=org_c).exists()
    assert mail.outbox == []


def test_project_lead_requires_an_organisation(world):
    response = world.client_for("coordinator").post(
        _programme_url(world), _invite(role="project_lead")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [
        "Choose the organisation this person will lead."
    ]
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_coordinator_invites_coordinator(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("coordinator").post(
            _programme_url(world), _invite(role="programme_coordinator")
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nieuw@example.org")
    assert (membership.role, membership.programme) == ("programme_coordinator", world.programme)


def test_coordinator_cannot_give_group_roles(world):
    response = world.client_for("coordinator").post(
        _programme_url(world), _invite(role="facilitator")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        "Select a valid choice. facilitator is not one of the available choices."
    ]


def test_programme_people_coordinator_of_another_programme_gets_404(world):
    other = UserFactory(email="other.coordinator@example.org")
    grant_role(other, Role.PROGRAMME_COORDINATOR, ProgrammeFactory(name="Other programme"))
    client = _signed_in(world, other)
    assert client.get(_programme_url(world)).status_code == 404
    response = client.post(_programme_url(world), _invite(role="programme_coordinator"))
    assert response.status_code == 404
    assert not User.objects.filter(email="nieuw@example.org").exists()


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "lead_a", "funder"]
)
def test_programme_people_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_programme_url(world)).status_code == 403
    assert (
        client.post(_programme_url(world), _invite(role="programme_coordinator")).status_code == 403
    )


def test_programme_people_wrong_method(world):
    assert world.client_for("coordinator").delete(_programme_url(world)).status_code == 405


# --- revoke ----------------------------------------------------------------------------


def _membership(world, persona):
    return Membership.objects.get(user=world.users[persona])


def _revoke_url(membership):
    return reverse("membership_revoke", args=[membership.pk])


def test_lead_revokes_a_facilitator(world):
    membership = _membership(world, "facilitator_a1")
    client = world.client_for("lead_a")
    response = client.post(_revoke_url(membership), {"next": _org_url(world)})
    assert response.status_code == 302
    assert response.url == _org_url(world)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    page = client.get(response.url)
    assert "The role of facilitator.a1@example.org was removed." in page.text


def test_revoked_facilitator_loses_access_on_next_request(world):
    facilitator = world.client_for("facilitator_a1")
    url = reverse("group_detail", args=[world.group_a1.pk])
    assert facilitator.get(url).status_code == 200
    world.client_for("lead_a").post(_revoke_url(_membership(world, "facilitator_a1")))
    assert facilitator.get(url).status_code == 403


def test_lead_cannot_revoke_own_role(world):
    own = _membership(world, "lead_a")
    client = world.client_for("lead_a")
    response = client.post(_revoke_url(own), {"next": _org_url(world)})
    assert response.status_code == 302
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "You cannot remove your own role." in client.get(response.url).text


def test_coordinator_revokes_a_project_lead(world):
    membership = _membership(world, "lead_a")
    response = world.client_for("coordinator").post(
        _revoke_url(membership), {"next": _programme_url(world)}
    )
    assert response.status_code == 302
    assert response.url == _programme_url(world)
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.org/phish",
        "//evil.example.org/phish",
        "http://evil.example.org",
        "https:///evil.example.org",
        "javascript:alert(1)",
    ],
)
def test_revoke_ignores_next_on_another_host(world, next_url):
    membership = _membership(world, "facilitator_a1")
    response = world.client_for("lead_a").post(_revoke_url(membership), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_revoke_without_next_goes_home(world):
    response = world.client_for("lead_a").post(_revoke_url(_membership(world, "volunteer_a1")))
    assert response.url == reverse("home")


def test_coordinator_cannot_revoke_a_facilitator(world):
    membership = _membership(world, "facilitator_a1")
    response = world.client_for("coordinator").post(_revoke_url(membership))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_lead_of_b_cannot_revoke_in_a(world, lead_b):
    membership = _membership(world, "facilitator_a1")
    response = _signed_in(world, lead_b).post(_revoke_url(membership))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "facilitator_a1", "funder"])
def test_revoke_other_roles_get_403(world, persona):
    membership = _membership(world, "volunteer_a1")
    assert world.client_for(persona).post(_revoke_url(membership)).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_revoke_missing_membership_is_404(world):
    response = world.client_for("lead_a").post(reverse("membership_revoke", args=[999_999]))
    assert response.status_code == 404


def test_revoke_get_is_not_allowed(world):
    membership = _membership(world, "facilitator_a1")
    assert world.client_for("lead_a").get(_revoke_url(membership)).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- resend ----------------------------------------------------------------------------


@pytest.fixture
def pending(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(
            email="pending@example.org",
            full_name="Pending Person",
            role=Role.VOLUNTEER,
            scope=world.group_a2,
            invited_by=world.users["lead_a"],
            base_url="http://testserver",
        )
    mail.outbox.clear()
    return membership


def test_resend_sends_the_invitation_again(world, pending):
    client = world.client_for("lead_a")
    response = client.post(
        reverse("membership_resend", args=[pending.pk]), {"next": _org_url(world)}
    )
    assert response.status_code == 302
    assert response.url == _org_url(world)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pending@example.org"]
    assert_invitation_link(mail.outbox[0].body, pending.user, "http://testserver")
    assert "The e-mail was sent again." in client.get(response.url).text


def test_resend_ignores_next_on_another_host(world, pending):
    response = world.client_for("lead_a").post(
        reverse("membership_resend", args=[pending.pk]), {"next": "https://evil.example.org/"}
    )
    assert response.url == reverse("home")


def test_resend_out_of_scope_is_404(world, pending, lead_b):
    url = reverse("membership_resend", args=[pending.pk])
    assert world.client_for("coordinator").post(url).status_code == 404
    assert _signed_in(world, lead_b).post(url).status_code == 404
    assert world.client_for("facilitator_a1").post(url).status_code == 403
    assert mail.outbox == []


def test_resend_get_is_not_allowed(world, pending):
    url = reverse("membership_resend", args=[pending.pk])
    assert world.client_for("lead_a").get(url).status_code == 405
    assert mail.outbox == []
