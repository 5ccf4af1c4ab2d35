"""Funding writes (funding/services.py): explicit, typed keyword arguments, one field
list per form/service pair (the form's fields are the service's parameters), and the
checks the forms also make."""

import datetime as dt
import inspect
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.forms_applications import ApplicationEditForm, ApplicationForm, FundForm
from funding.forms_money import GrantForm
from funding.forms_readiness import FacilitatorProfileForm, VolunteerForm
from funding.models import (
    FacilitatorProfile,
    Fund,
    FundingApplication,
    Grant,
    GrantPayment,
    Volunteer,
)
from groups.models import Organisation
from stetapp.models import User
from tests.factories import ApplicationFactory, FundFactory, GrantFactory

pytestmark = pytest.mark.django_db


def _parameters(function, *leave_out):
    names = inspect.signature(function).parameters
    return {name for name in names if name not in leave_out}


def test_each_form_writes_the_fields_of_its_service():
    assert tuple(FundForm.Meta.fields) == services.FUND_FIELDS
    keepers = {"kept_by_organisation", "kept_by_programme", "shared"}
    assert _parameters(services.fund_create, *keepers) == set(services.FUND_FIELDS)
    assert _parameters(services.fund_update, "fund") == set(services.FUND_FIELDS)
    assert tuple(ApplicationForm.Meta.fields) == services.APPLICATION_CREATE_FIELDS
    assert _parameters(services.application_create, "created_by") == set(
        services.APPLICATION_CREATE_FIELDS
    )
    assert tuple(ApplicationEditForm.Meta.fields) == services.APPLICATION_EDIT_FIELDS
    assert _parameters(services.application_update, "application") == set(
        services.APPLICATION_EDIT_FIELDS
    )
    assert tuple(GrantForm.Meta.fields) == services.GRANT_FIELDS
    assert _parameters(services.grant_update, "grant") == set(services.GRANT_FIELDS)
    assert _parameters(services.grant_register, "application") == set(services.GRANT_FIELDS)
    assert tuple(FacilitatorProfileForm.base_fields) == services.FACILITATOR_PROFILE_FIELDS
    assert _parameters(services.facilitator_profile_save, "user") == set(
        services.FACILITATOR_PROFILE_FIELDS
    )
    assert set(VolunteerForm.base_fields) == set(services.VOLUNTEER_FIELDS) | {"groups"}
    assert _parameters(services.volunteer_save, "organisation", "volunteer") == set(
        VolunteerForm.base_fields
    )


def test_fund_create_and_update_write_their_fields(world):
    fund = services.fund_create(
        name="  Buurtfonds  ", scope="local", kept_by_organisation=world.org_a
    )
    assert fund.name == "Buurtfonds"
    assert (fund.kept_by_organisation, fund.kept_by_programme) == (world.org_a, None)
    services.fund_update(fund=fund, notes=" Calls in spring ", name="Buurtfonds")
    fund.refresh_from_db()
    assert (fund.notes, fund.name, fund.scope) == ("Calls in spring", "Buurtfonds", "local")


@pytest.mark.parametrize(
    ("service", "required"),
    [
        ("fund_create", lambda: {"name": "Buurtfonds", "kept_by_organisation": Organisation()}),
        ("fund_update", lambda: {"fund": Fund()}),
        ("application_update", lambda: {"application": FundingApplication()}),
        ("grant_update", lambda: {"grant": Grant()}),
        ("facilitator_profile_save", lambda: {"user": User()}),
        ("volunteer_save", lambda: {"organisation": Organisation()}),
    ],
)
def test_an_unknown_keyword_is_refused(service, required):
    """A keyword the service does not name (here the primary key) is a TypeError, not
    silently dropped; nothing is written."""
    with pytest.raises(TypeError, match="unexpected keyword argument 'pk'"):
        getattr(services, service)(**required(), pk=999)
    assert not Fund.objects.filter(name="Buurtfonds").exists()


def test_fund_update_does_not_take_the_keeper():
    with pytest.raises(TypeError, match="kept_by_organisation"):
        services.fund_update(fund=Fund(), kept_by_organisation=None)


def test_a_new_fund_has_exactly_one_keeper(world):
    with pytest.raises(ValidationError):
        services.fund_create(name="Nobody's fund")
    with pytest.raises(ValidationError):
        services.fund_create(
            name="Two keepers",
            kept_by_organisation=world.org_a,
            kept_by_programme=world.programme,
        )
    assert not Fund.objects.filter(name__in=["Nobody's fund", "Two keepers"]).exists()


def test_application_create_refuses_groups_of_another_organisation(world):
    with pytest.raises(ValidationError):
        services.application_create(
            created_by=world.users["lead_a"],
            organisation=world.org_a,
            fund=FundFactory(),
            title="Together",
            groups=[world.group_b1],
            amount_requested=Decimal("1000.00"),
        )


def test_application_create_and_update(world):
    application = services.application_create(
        created_by=world.users["lead_a"],
        organisation=world.org_a,
        fund=FundFactory(),
        title=" Together ",
        groups=[world.group_a1],
        amount_requested=Decimal("1000.00"),
        deadline=dt.date(2026, 9, 1),
    )
    assert (application.title, application.created_by) == ("Together", world.users["lead_a"])
    assert list(application.groups.all()) == [world.group_a1]
    services.application_update(
        application=application, introduction=" Why ", groups=[world.group_a2]
    )
    application.refresh_from_db()
    assert (application.introduction, application.title) == ("Why", "Together")
    assert list(application.groups.all()) == [world.group_a2]
    services.application_update(application=application, title="Samen")
    assert list(application.groups.all()) == [world.group_a2]  # not given: left as it is
    with pytest.raises(ValidationError):
        services.application_update(application=application, groups=[world.group_b1])
    assert list(application.groups.all()) == [world.group_a2]


def test_grant_update_keeps_the_amount_above_what_was_received():
    grant = GrantFactory(application=ApplicationFactory(status="granted"))
    GrantPayment.objects.create(grant=grant, received_on=dt.date(2026, 1, 5), amount=Decimal("800"))
    with pytest.raises(ValidationError):
        services.grant_update(grant=grant, amount=Decimal("700.00"))
    services.grant_update(grant=grant, amount=Decimal("900.00"), min_meetings=12)
    grant.refresh_from_db()
    assert (grant.amount, grant.min_meetings) == (Decimal("900.00"), 12)


def test_facilitator_profile_save_creates_then_changes_the_fields_given(world):
    user = world.users["facilitator_a1"]
    profile = services.facilitator_profile_save(
        user=user, languages=("tr", "nl"), motivation=" My mother "
    )
    assert (profile.languages, profile.motivation) == (["tr", "nl"], "My mother")
    services.facilitator_profile_save(user=user, local_network=" Mosque ")
    profile.refresh_from_db()
    assert (profile.languages, profile.local_network) == (["tr", "nl"], "Mosque")
    assert FacilitatorProfile.objects.filter(user=user).count() == 1


def test_volunteer_save_creates_then_changes_the_fields_given(world):
    volunteer = services.volunteer_save(
        organisation=world.org_a,
        full_name=" Nadia ",
        user=world.users["volunteer_a1"],
        groups=[world.group_a1],
    )
    assert (volunteer.full_name, volunteer.user, volunteer.active) == (
        "Nadia",
        world.users["volunteer_a1"],
        True,
    )
    assert list(volunteer.groups.all()) == [world.group_a1]
    services.volunteer_save(organisation=world.org_a, volunteer=volunteer, phone="0612345678")
    volunteer.refresh_from_db()
    assert (volunteer.full_name, volunteer.phone) == ("Nadia", "0612345678")
    assert list(volunteer.groups.all()) == [world.group_a1]  # not given: left as it is
    services.volunteer_save(organisation=world.org_a, volunteer=volunteer, groups=[])
    assert list(volunteer.groups.all()) == []


def test_volunteer_save_refuses_groups_and_accounts_of_another_organisation(world):
    with pytest.raises(ValidationError) as refused:
        services.volunteer_save(
            organisation=world.org_a, full_name="Nadia", groups=[world.group_b1]
        )
    assert set(refused.value.message_dict) == {"groups"}
    with pytest.raises(ValidationError) as refused:
        services.volunteer_save(
            organisation=world.org_a, full_name="Nadia", user=world.users["facilitator_b1"]
        )
    assert set(refused.value.message_dict) == {"user"}
    with pytest.raises(ValidationError) as refused:
        services.volunteer_save(organisation=world.org_a)
    assert set(refused.value.message_dict) == {"full_name"}
    assert not Volunteer.objects.filter(organisation=world.org_a, full_name="Nadia").exists()
