"""Funding writes (funding/services.py): explicit arguments or the service's own field
list, one list per form/service pair, and the checks the forms also make."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding import services
from funding.forms_applications import ApplicationEditForm, ApplicationForm, FundForm
from funding.forms_money import GrantForm
from funding.forms_readiness import FacilitatorProfileForm, VolunteerForm
from funding.models import Fund, GrantPayment
from tests.factories import ApplicationFactory, FundFactory, GrantFactory

pytestmark = pytest.mark.django_db


def test_each_form_writes_the_fields_of_its_service():
    assert tuple(FundForm.Meta.fields) == services.FUND_FIELDS
    assert tuple(ApplicationForm.Meta.fields) == services.APPLICATION_CREATE_FIELDS
    assert tuple(ApplicationEditForm.Meta.fields) == services.APPLICATION_EDIT_FIELDS
    assert tuple(GrantForm.Meta.fields) == services.GRANT_FIELDS
    assert tuple(FacilitatorProfileForm.base_fields) == services.FACILITATOR_PROFILE_FIELDS
    assert set(VolunteerForm.base_fields) - {"groups"} == set(services.VOLUNTEER_FIELDS)


def test_fund_create_and_update_take_only_their_fields(world):
    fund = services.fund_create(
        data={"name": "  Buurtfonds  ", "scope": "local", "pk": 999},
        kept_by_organisation=world.org_a,
    )
    assert fund.name == "Buurtfonds" and fund.pk != 999
    assert (fund.kept_by_organisation, fund.kept_by_programme) == (world.org_a, None)
    services.fund_update(fund=fund, data={"notes": "Calls in spring", "name": "Buurtfonds"})
    assert Fund.objects.get(pk=fund.pk).notes == "Calls in spring"


def test_a_new_fund_has_exactly_one_keeper(world):
    with pytest.raises(ValidationError):
        services.fund_create(data={"name": "Nobody's fund"})
    with pytest.raises(ValidationError):
        services.fund_create(
            data={"name": "Two keepers"},
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
        application=application, data={"introduction": "Why", "groups": [world.group_a2]}
    )
    application.refresh_from_db()
    assert application.introduction == "Why"
    assert list(application.groups.all()) == [world.group_a2]
    with pytest.raises(ValidationError):
        services.application_update(application=application, data={"groups": [world.group_b1]})


def test_grant_update_keeps_the_amount_above_what_was_received():
    grant = GrantFactory(application=ApplicationFactory(status="granted"))
    GrantPayment.objects.create(grant=grant, received_on=dt.date(2026, 1, 5), amount=Decimal("800"))
    with pytest.raises(ValidationError):
        services.grant_update(grant=grant, data={"amount": Decimal("700.00")})
    services.grant_update(grant=grant, data={"amount": Decimal("900.00"), "min_meetings": 12})
    grant.refresh_from_db()
    assert (grant.amount, grant.min_meetings) == (Decimal("900.00"), 12)
