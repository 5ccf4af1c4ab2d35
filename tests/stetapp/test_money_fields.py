"""Money typed the way people type it, in every money field (issue 12, item 6): one form
field (stetapp.forms.MoneyField) for every money column and form, thousands separators
accepted, and numbers in validation messages in the active language."""

import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from funding.forms_applications import BudgetLineForm, CoverageLineForm
from funding.models import MoneyModelField
from stetapp.forms import LocalDecimalField, MoneyField
from stetapp.money import CENT, amount_text

FORM_MODULES = [
    "funding.forms_applications",
    "funding.forms_money",
    "funding.forms_readiness",
    "groups.forms",
    "participants.forms_records",
    "participants.forms_overview",
    "meetings.forms_planning",
    "reporting.forms_continuation",
]


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("nl", "3.500,00", Decimal("3500.00")),
        ("nl", "3,500.00", Decimal("3500.00")),
        ("nl", "€ 3.500", Decimal("3500")),
        ("nl", "1.234.567,89", Decimal("1234567.89")),
        ("nl", "12,50", Decimal("12.50")),
        ("nl", "12.5", Decimal("12.5")),
        ("en", "3,500.00", Decimal("3500.00")),
        ("en", "3.500,00", Decimal("3500.00")),
        ("en", "3,500", Decimal("3500")),
        ("en", "€1,234.50", Decimal("1234.50")),
    ],
)
def test_amounts_with_thousands_separators(language, typed, amount):
    with translation.override(language):
        assert MoneyField().clean(typed) == amount


@pytest.mark.parametrize(("language", "typed"), [("nl", "1.2.3,4,5"), ("en", "12,5")])
def test_nonsense_is_refused(language, typed):
    with translation.override(language), pytest.raises(ValidationError):
        MoneyField().clean(typed)


def test_amount_text_leaves_plain_numbers_alone():
    with translation.override("nl"):
        assert amount_text(" 12,50 ") == "12,50"
        assert amount_text("3.50") == "3.50"


@pytest.mark.parametrize(
    ("language", "message"),
    [("nl", "Vul minstens 0,01 in."), ("en", "Enter at least 0.01.")],
)
def test_minimum_in_the_active_language(language, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as exc:
            MoneyField(min_value=CENT).clean("0")
        assert exc.value.messages == [message]


@pytest.mark.parametrize(
    ("language", "message"),
    [("nl", "Vul hoogstens 24 in."), ("en", "Enter at most 24.")],
)
def test_maximum_in_the_active_language(language, message):
    field = LocalDecimalField(max_value=Decimal("24"), max_digits=5, decimal_places=2)
    with translation.override(language):
        with pytest.raises(ValidationError) as exc:
            field.clean("25")
        assert exc.value.messages == [message]


def test_hours_minimum_with_a_decimal_comma():
    field = LocalDecimalField(min_value=Decimal("0.25"), max_digits=5, decimal_places=2)
    with translation.override("nl"):
        with pytest.raises(ValidationError) as exc:
            field.clean("0,1")
        assert exc.value.messages == ["Vul minstens 0,25 in."]


def test_every_money_column_is_a_money_field():
    """A DecimalField of 12 digits and 2 decimals is money; it must be MoneyModelField so
    that every form of it reads thousands separators."""
    money = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField)
        and (field.max_digits, field.decimal_places) == (12, 2)
    ]
    assert len(money) >= 10
    assert [str(f) for f in money if not isinstance(f, MoneyModelField)] == []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, MoneyModelField):
                assert isinstance(field.formfield(), MoneyField), field


def test_every_decimal_form_field_is_local():
    wrong = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.DecimalField) and not isinstance(
                    field, LocalDecimalField
                ):
                    wrong.append(f"{name}.{field_name}")
    assert wrong == []


def test_model_forms_take_thousands_separators_and_keep_the_minimum():
    with translation.override("nl"):
        amount = CoverageLineForm().fields["amount"]
        assert isinstance(amount, MoneyField)
        assert amount.clean("3.500,00") == Decimal("3500.00")
        with pytest.raises(ValidationError) as exc:
            amount.clean("-1")
        assert exc.value.messages == ["Vul minstens 0,00 in."]
        assert BudgetLineForm().fields["unit_cost"].clean("1.250,50") == Decimal("1250.50")
