import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import GrantPayment
from tests.factories import ApplicationFactory, ExpenseFactory, GrantFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def url(programme):
    return reverse("programme_funding", kwargs={"pk": programme.pk})


def _money(world, org, group, n=1):
    for _ in range(n):
        grant = GrantFactory(
            application=ApplicationFactory(organisation=org), amount=Decimal("1000.00")
        )
        GrantPayment.objects.create(
            grant=grant, received_on=dt.date(2026, 1, 1), amount=Decimal("400.00")
        )
        ExpenseFactory(
            group=group,
            grant=grant,
            amount=Decimal("10.25"),
            status="approved",
            description="Secret outing",
        )
        ExpenseFactory(group=group, grant=grant, amount=Decimal("99.00"), status="rejected")


def test_totals_per_organisation(world, login):
    _money(world, world.org_b, world.group_b1, n=2)
    response = login(world.users["coordinator"]).get(url(world.programme))
    assert response.status_code == 200
    rows = {r["organisation"].name: r for r in response.context["rows"]}
    a, b = rows["Organisation A"], rows["Organisation B"]
    assert (a["grants"], a["granted"], a["received"], a["spent"]) == (
        1,
        Decimal("5000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert (b["grants"], b["granted"], b["received"]) == (2, Decimal("2000.00"), Decimal("800.00"))
    assert Decimal(b["spent"]) == Decimal("20.50")
    text = response.content.decode()
    assert "€7,000.00" in text  # total granted
    assert "Secret outing" not in text and "Ingredients" not in text
    assert "Together in Rotterdam" not in text


@pytest.mark.parametrize("n", [1, 6])
def test_query_count(world, login, warm, django_assert_num_queries, n):
    _money(world, world.org_b, world.group_b1, n=n)
    client = login(world.users["coordinator"])
    warm(client, url(world.programme))
    # session, user, roles (access rule), programme, grants (count and sum), payments
    # received (sum), approved spending (sum), how many organisations, a page of them
    with django_assert_num_queries(9):
        client.get(url(world.programme))


def test_a_page_of_organisations_with_the_programmes_totals(world, login, monkeypatch):
    """A national programme has a thousand organisations: a page shows some of them, the
    totals are the whole programme's."""
    from funding import selectors

    monkeypatch.setattr(selectors, "FUNDING_ROWS_PER_PAGE", 1)
    _money(world, world.org_b, world.group_b1, n=2)
    client = login(world.users["coordinator"])
    first = client.get(url(world.programme))
    second = client.get(url(world.programme), {"page": 2})
    assert [r["organisation"].name for r in first.context["rows"]] == ["Organisation A"]
    assert [r["organisation"].name for r in second.context["rows"]] == ["Organisation B"]
    for response in (first, second):
        assert response.context["total"]["grants"] == 3
        assert "€7,000.00" in response.text  # granted, over both organisations
    assert 'href="?page=2"' in first.text


def test_other_programme_is_404(world, login):
    other = ProgrammeFactory(name="Other programme")
    assert login(world.users["coordinator"]).get(url(other)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["lead_a", "facilitator_a1", "facilitator_b1", "volunteer_a1", "funder", "outsider"]
)
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(url(world.programme)).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["coordinator"]).post(url(world.programme)).status_code == 405
