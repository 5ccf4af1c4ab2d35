"""stetapp.services.model_update: the one update loop services share."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.models import Grant
from stetapp.services import model_update
from tests.factories import GrantFactory

pytestmark = pytest.mark.django_db


def test_sets_and_saves_only_changed_fields():
    grant = GrantFactory(conditions="old")
    with CaptureQueriesContext(connection) as queries:
        updated, changed = model_update(
            instance=grant,
            fields=["amount", "conditions"],
            data={"amount": grant.amount, "conditions": "  new  "},
        )
    assert changed and updated is grant
    assert Grant.objects.get(pk=grant.pk).conditions == "new"
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert '"conditions"' in update and '"amount"' not in update


def test_nothing_changed_saves_nothing(django_assert_num_queries):
    grant = GrantFactory()
    with django_assert_num_queries(0):
        _grant, changed = model_update(
            instance=grant, fields=["amount"], data={"amount": grant.amount}
        )
    assert not changed


def test_keys_outside_the_field_list_are_ignored():
    grant = GrantFactory(amount=Decimal("100.00"))
    model_update(instance=grant, fields=["conditions"], data={"amount": Decimal("1.00")})
    assert Grant.objects.get(pk=grant.pk).amount == Decimal("100.00")


def test_invalid_values_are_refused_and_not_saved():
    grant = GrantFactory()
    with pytest.raises(ValidationError):
        model_update(
            instance=grant,
            fields=["period_end"],
            data={"period_end": grant.period_start - dt.timedelta(days=1)},
        )
    assert Grant.objects.get(pk=grant.pk).period_end == grant.period_end == dt.date(2026, 12, 31)


def test_given_keeps_what_the_caller_passed_none_included():
    from stetapp.services import UNSET, given

    assert given(name="x", venue=None, city=UNSET) == {"name": "x", "venue": None}
