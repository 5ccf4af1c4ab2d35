"""Tax-free maxima for volunteer allowances (funding.selectors.allowance_warnings,
funding.services.allowance_pay) against the 2025 limits from the data migration:
€2,100 a year, €210 a month, €5.60 an hour (€3.30 under 21)."""

import datetime as dt
from decimal import Decimal

import pytest

from funding.models import AllowanceLimit, AllowancePayment, VolunteerHours
from funding.selectors import allowance_warnings
from funding.services import allowance_pay

pytestmark = pytest.mark.django_db

D = Decimal


def _pay(volunteer, day, amount):
    AllowancePayment.objects.create(volunteer=volunteer, paid_on=day, amount=D(amount))


def _hours(world, volunteer, day, hours):
    VolunteerHours.objects.create(
        volunteer=volunteer, group=world.group_a1, worked_on=day, hours=D(hours)
    )


def test_2025_limits_come_from_the_data_migration(db):
    limit = AllowanceLimit.objects.get(year=2025)
    assert limit.per_year == D("2100.00")
    assert limit.per_month == D("210.00")
    assert limit.per_hour == D("5.60")
    assert limit.per_hour_under_21 == D("3.30")


def test_within_all_maxima_no_warning(world):
    volunteer = world.volunteer_a
    _hours(world, volunteer, dt.date(2025, 3, 1), "20")
    assert allowance_warnings(volunteer=volunteer, on=dt.date(2025, 3, 5), extra=D("100")) == []


def test_month_maximum(world):
    volunteer = world.volunteer_a
    _hours(world, volunteer, dt.date(2025, 3, 1), "100")
    _pay(volunteer, dt.date(2025, 3, 2), "200.00")
    warnings = allowance_warnings(volunteer=volunteer, on=dt.date(2025, 3, 20), extra=D("10.01"))
    assert len(warnings) == 1
    assert "month" in warnings[0] and "210" in warnings[0]
    # exactly at the maximum is fine
    assert allowance_warnings(volunteer=volunteer, on=dt.date(2025, 3, 20), extra=D("10")) == []
    # another month is a new month
    assert allowance_warnings(volunteer=volunteer, on=dt.date(2025, 4, 1), extra=D("10.01")) == []


def test_year_maximum(world):
    volunteer = world.volunteer_a
    _hours(world, volunteer, dt.date(2025, 1, 1), "24")
    for day in range(1, 17):  # 17 × 24 = 408 hours, so €5.15 an hour
        _hours(world, volunteer, dt.date(2025, 1, day), "24")
    for month in range(1, 11):
        _pay(volunteer, dt.date(2025, month, 1), "210.00")  # 2100 in ten months
    warnings = allowance_warnings(volunteer=volunteer, on=dt.date(2025, 11, 1), extra=D("1"))
    assert len(warnings) == 1
    assert "a year" in warnings[0] and "€2,100.00" in warnings[0]


@pytest.mark.parametrize(
    ("under_21", "hours", "extra", "warns"),
    [
        (False, "10", "56.00", False),
        (False, "10", "56.01", True),
        (True, "10", "33.00", False),
        (True, "10", "33.01", True),
    ],
)
def test_hourly_maximum(world, under_21, hours, extra, warns):
    volunteer = world.volunteer_a
    volunteer.under_21 = under_21
    volunteer.save(update_fields=["under_21"])
    _hours(world, volunteer, dt.date(2025, 5, 1), hours)
    warnings = allowance_warnings(volunteer=volunteer, on=dt.date(2025, 5, 2), extra=D(extra))
    assert any("an hour" in w for w in warnings) is warns


def test_no_limit_known_for_the_year(world):
    warnings = allowance_warnings(volunteer=world.volunteer_a, on=dt.date(2031, 1, 1))
    assert len(warnings) == 1
    assert "2031" in warnings[0] and "No tax-free maximum" in warnings[0]


def test_pay_over_a_maximum_saves_nothing_until_confirmed(world):
    volunteer = world.volunteer_a
    payment, warnings = allowance_pay(
        volunteer=volunteer, paid_on=dt.date(2025, 6, 1), amount=D("250.00")
    )
    assert payment is None and warnings
    assert not AllowancePayment.objects.exists()
    payment, warnings = allowance_pay(
        volunteer=volunteer, paid_on=dt.date(2025, 6, 1), amount=D("250.00"), confirmed=True
    )
    assert payment.pk and warnings
    assert AllowancePayment.objects.get().amount == D("250.00")


def test_hours_in_the_hourly_warning_have_a_decimal_comma_in_dutch(world):
    from django.utils import translation

    volunteer = world.volunteer_a
    _hours(world, volunteer, dt.date(2025, 5, 1), "7.5")
    with translation.override("nl"):
        warnings = allowance_warnings(volunteer=volunteer, on=dt.date(2025, 5, 2), extra=D("50"))
        assert any("Met 7,5 vastgelegde uren" in w for w in warnings), warnings
    with translation.override("en"):
        warnings = allowance_warnings(volunteer=volunteer, on=dt.date(2025, 5, 2), extra=D("50"))
        assert any("With 7.5 hours" in w for w in warnings), warnings
