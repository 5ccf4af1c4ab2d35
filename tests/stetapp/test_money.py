"""The one money formatter (stetapp.money, docs/decisions.md 19): "€ 1.234,50" in Dutch,
"€1,234.50" in English; the same through the template filter; numbers in workbooks."""

import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from openpyxl import load_workbook

from stetapp.exports import Sheet, workbook_bytes
from stetapp.money import MINUS, XLSX_EUROS_FORMAT, Euros, euros, signed


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("nl", Decimal("1234.5"), "€ 1.234,50"),
        ("en", Decimal("1234.5"), "€1,234.50"),
        ("nl", Decimal("-1234.5"), "€ \u22121.234,50"),
        ("en", Decimal("-1234.5"), "\u2212€1,234.50"),
        ("nl", Decimal("0"), "€ 0,00"),
        ("en", Decimal("0"), "€0.00"),
        ("nl", Decimal("1234567.891"), "€ 1.234.567,89"),
        ("en", Decimal("0.005"), "€0.01"),  # half up to cents
        ("en", 12, "€12.00"),
        ("nl", "99.9", "€ 99,90"),
        ("en", None, "–"),
    ],
)
def test_euros_follows_the_active_language(language, amount, shown):
    with translation.override(language):
        assert euros(amount) == shown


@pytest.mark.parametrize(("language", "shown"), [("nl", "€ 1.234,50"), ("en", "€1,234.50")])
def test_the_template_filter_is_the_same(language, shown):
    template = Template("{% load money %}{{ amount|euros }}")
    with translation.override(language):
        assert template.render(Context({"amount": Decimal("1234.50")})) == shown


def test_a_kept_text_follows_the_language_and_the_sign():
    """Texts are kept per amount and language (stetapp.money._euros_text): switching
    language, or a minus zero, never brings back another one's text."""
    for _round in range(2):
        with translation.override("nl"):
            assert euros(Decimal("1234.5")) == "€ 1.234,50"
            assert euros(Decimal("-0.001")) == "€ 0,00"
        with translation.override("en"):
            assert euros(Decimal("1234.50")) == "€1,234.50"
            assert euros(Decimal("0")) == "€0.00"


def test_a_workbook_keeps_amounts_as_numbers_with_one_format():
    data = workbook_bytes(
        [Sheet("Costs", ["Item", "Amount"], [("Room", Euros("1234.50")), ("Hours", 3)])]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == 1234.5
    assert sheet["B2"].number_format == XLSX_EUROS_FORMAT
    assert sheet["B3"].number_format == "General"


def test_a_negative_amount_has_the_minus_sign_not_a_hyphen():
    assert MINUS == "\u2212"
    with translation.override("nl"):
        assert "-" not in euros(Decimal("-30"))


@pytest.mark.parametrize(
    ("language", "number", "shown"),
    [
        ("en", Decimal("10"), "+10.0"),
        ("nl", Decimal("10"), "+10,0"),
        ("en", Decimal("-18.75"), "\u221218.8"),  # half up, away from zero
        ("nl", Decimal("-18.8"), "\u221218,8"),
        ("en", Decimal("0"), "0.0"),
        ("en", Decimal("-0.04"), "0.0"),  # rounds to zero: no sign
        ("nl", Decimal("-1234.5"), "\u22121.234,5"),
        ("en", None, "–"),
    ],
)
def test_signed_shows_a_change_with_its_sign(language, number, shown):
    with translation.override(language):
        assert signed(number) == shown
        template = Template("{% load money %}{{ number|signed }}")
        assert template.render(Context({"number": number})) == shown
