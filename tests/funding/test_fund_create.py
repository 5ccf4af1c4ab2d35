"""GET/POST /funds/new/ — add a fund to the shared catalogue."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Fund
from groups.models import Role
from tests.factories import UserFactory, grant_role
from tests.helpers import HOSTILE_SAMPLE

URL = reverse("fund_create")


def _data(**extra):
    data = {
        "name": "Oranje Fonds",
        "focus": "loneliness",
        "scope": "national",
        "max_amount": "15000.00",
        "needs_kvk_extract": "on",
        "deadlines": "1 March",
        "advance_percentage": "80",
        "accountant_statement_above": "25000",
        "website": "https://example.org",
    }
    data.update(extra)
    return data


def test_the_lead_s_organisation_keeps_the_new_fund(world):
    world.client_for("lead_a").post(URL, _data())
    fund = Fund.objects.get(name="Oranje Fonds")
    assert (fund.kept_by_organisation, fund.kept_by_programme) == (world.org_a, None)


def test_the_coordinator_s_programme_keeps_the_new_fund(world):
    world.client_for("coordinator").post(URL, _data())
    fund = Fund.objects.get(name="Oranje Fonds")
    assert (fund.kept_by_organisation, fund.kept_by_programme) == (None, world.programme)


def test_a_lead_of_two_organisations_chooses_the_keeper(world):
    lead = world.users["lead_a"]
    grant_role(lead, Role.PROJECT_LEAD, world.org_b)
    client = world.client_for("lead_a")
    response = client.post(URL, _data())
    assert response.status_code == 200
    assert not Fund.objects.filter(name="Oranje Fonds").exists()
    assert client.post(URL, _data(keeper=f"o-{world.org_b.pk}")).status_code == 302
    assert Fund.objects.get(name="Oranje Fonds").kept_by_organisation == world.org_b


def test_a_keeper_the_user_does_not_hold_is_refused(world):
    response = world.client_for("lead_a").post(URL, _data(keeper=f"o-{world.org_b.pk}"))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Fund.objects.filter(name="Oranje Fonds").exists()


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_adds_a_fund(world, persona):
    response = world.client_for(persona).post(URL, _data())
    fund = Fund.objects.get(name="Oranje Fonds")
    assert response.status_code == 302
    assert response["Location"] == reverse("fund_detail", args=[fund.pk])
    assert fund.max_amount == Decimal("15000.00")
    assert fund.needs_kvk_extract is True
    assert fund.needs_statutes is False
    assert fund.advance_percentage == 80


def test_dutch_amounts_are_understood(world):
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    response = world.client_for("lead_a").post(
        URL, _data(max_amount="1234,50", accountant_statement_above="12,50")
    )
    assert response.status_code == 302
    fund = Fund.objects.get(name="Oranje Fonds")
    assert fund.max_amount == Decimal("1234.50")
    assert fund.accountant_statement_above == Decimal("12.50")


def test_get_shows_the_form(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"name": "Demo Fund"},  # already in the catalogue
        {"max_amount": "-5"},
        {"max_amount": "lots"},
        {"advance_percentage": "150"},
        {"scope": "galactic"},
        {"website": "javascript:alert(1)"},
    ],
)
def test_bad_input_rerenders_with_errors(world, bad):
    response = world.client_for("lead_a").post(URL, _data(**bad))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Fund.objects.filter(name="Oranje Fonds").exists()


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, hostile):
    response = world.client_for("lead_a").post(URL, _data(name=hostile[:200], notes=hostile))
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "funder", "outsider"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).post(URL, _data()).status_code == 403
    assert not Fund.objects.filter(name="Oranje Fonds").exists()


def test_anonymous_goes_to_sign_in(db, client):
    assert client.post(URL, _data()).status_code == 302
    assert not Fund.objects.filter(name="Oranje Fonds").exists()


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(URL).status_code == 405


def test_a_site_administrator_may_leave_the_fund_to_nobody(world):
    """On a fresh installation there is no programme to keep a fund yet: a site
    administrator adds it to the shared catalogue, which only site administrators change
    (decision 31); the other keepers stay on offer."""
    admin = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    client = world.client_for("anonymous")
    client.force_login(admin)
    choices = [key for key, _label in client.get(URL).context["form"].fields["keeper"].choices]
    assert choices == [
        "shared",
        f"o-{world.org_a.pk}",
        f"o-{world.org_b.pk}",
        f"p-{world.programme.pk}",
    ]
    assert client.post(URL, _data(keeper="shared")).status_code == 302
    fund = Fund.objects.get(name="Oranje Fonds")
    assert (fund.kept_by_organisation, fund.kept_by_programme) == (None, None)
    assert list(Fund.objects.editable_by(world.users["lead_a"]).filter(pk=fund.pk)) == []
    assert list(Fund.objects.editable_by(admin).filter(pk=fund.pk)) == [fund]


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_only_a_site_administrator_leaves_a_fund_to_nobody(world, persona):
    response = world.client_for(persona).post(URL, _data(keeper="shared"))
    assert response.status_code == 200
    assert response.context["form"].errors["keeper"]
    assert not Fund.objects.filter(name="Oranje Fonds").exists()
