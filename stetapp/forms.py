"""Form helpers shared by every app."""

import html
from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import CallableChoiceIterator
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from .money import amount_text


def _local_numbers(error: ValidationError) -> ValidationError:
    """The error with its decimal numbers in the active language ("0,01" in Dutch)."""
    params = {
        key: number_format(value, use_l10n=True, force_grouping=True)
        if isinstance(value, Decimal | float)
        else value
        for key, value in (error.params or {}).items()
    }
    return ValidationError(error.message, code=error.code, params=params)


class LocalDecimalField(forms.DecimalField):
    """A number typed and shown the local way: "2,5" in Dutch, and messages with local
    numbers ("Vul minstens 0,01 in.", "Enter at least 0.01."). Every decimal form field
    of stetapp is one (money through MoneyField)."""

    default_error_messages = {
        "min_value": _("Enter at least %(limit_value)s."),
        "max_value": _("Enter at most %(limit_value)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as exc:
            raise ValidationError([_local_numbers(e) for e in exc.error_list]) from None


def money_widget() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class MoneyField(LocalDecimalField):
    """An amount of euros, the one form field for money (docs/decisions.md 19): cents,
    and what people type, "€ 3.500,00", "3,500.00" or "3.500" (stetapp.money.amount_text)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", money_widget())
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = amount_text(value)
        return super().to_python(value)


def money(label, **kwargs) -> MoneyField:
    """A MoneyField with its label, for a plain form."""
    return MoneyField(label=label, **kwargs)


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (or at
    the top when the form has no such field), other errors at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class LightSelect(forms.Select):
    """A drop-down whose options are written in Python, not through one template per
    option as Django's Select does: the same HTML at a small part of the cost when a list
    has hundreds of choices (the programme dashboard's organisations at national scale,
    docs/decisions.md 59). Flat choices only (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        # Plain string work: format_html_join costs about 4 µs an option, 4 ms of the
        # dashboard's filter at a thousand organisations. Escaped as Django's own escape
        # does (html.escape); a label already marked safe is kept as it is.
        options = mark_safe(  # noqa: S308 - every value and label is escaped here
            "".join(
                f'<option value="{html.escape(key)}"{" selected" if key in chosen else ""}>'
                f"{label if isinstance(label, SafeData) else html.escape(str(label))}</option>"
                for key, label in ((str(v), label) for v, label in self._flat_choices())
            )
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)

    def use_required_attribute(self, initial):
        # Select's own check reads the first choice, which normalises every choice a
        # callable gives (a thousand organisations): asked only of a required field.
        return self.is_required and super().use_required_attribute(initial)

    def _flat_choices(self):
        """The (value, label) pairs. A callable's list is taken as it is (this widget
        draws flat pairs only): Django's normalising gives the same pairs, at several µs
        a pair; anything else (a dict, an enum) is normalised."""
        choices = self.choices
        if isinstance(choices, CallableChoiceIterator):
            pairs = choices.func()
            if isinstance(pairs, list):
                return pairs
        return choices


class PkChoiceField(forms.TypedChoiceField):
    """One of many (pk, name) choices, read only when needed: when a value is checked
    and when the form is drawn, and never copied or normalised pair by pair (a form
    deep-copies its fields' choices; django-filter's choice field normalises every pair
    each time it is drawn). The dashboard's page keeps its drawn HTML, so a cached look
    without a filter reads none of a thousand organisations; the group list offers a
    national programme's organisations and cities with it."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, required=False, widget=LightSelect, **kwargs)
        self.rows: Callable[[], list[tuple[int, str]]] = list

    def offer(self, rows: Callable[[], list[tuple[int, str]]]) -> None:
        self.rows = rows
        self.choices = lambda: [("", _("All"))] + [(str(pk), name) for pk, name in rows()]

    def valid_value(self, value) -> bool:
        return any(str(pk) == str(value) for pk, _name in self.rows())
