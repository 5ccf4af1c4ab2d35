"""The filter of the log pages (privacy/views_logs.py): a period, a user, an action."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from stetapp.forms import LightSelect

from .models import AccessAction
from .selectors_logs import LogFilter


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-control"})


class LogFilterForm(forms.Form):
    date_from = forms.DateField(label=_("from"), required=False, widget=_DateInput())
    date_to = forms.DateField(label=_("up to and including"), required=False, widget=_DateInput())
    user = forms.TypedChoiceField(
        label=_("user"), required=False, coerce=int, empty_value=None, widget=LightSelect
    )
    action = forms.ChoiceField(label=_("what"), required=False, widget=LightSelect)

    def __init__(
        self, *args, users: Iterable[tuple[int, str]], with_action: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        user_field: Any = self.fields["user"]
        user_field.choices = [("", _("Everyone")), *users]
        self.fields["user"].widget.attrs["class"] = "form-select"
        if with_action:
            action_field: Any = self.fields["action"]
            action_field.choices = [
                ("", _("All")),
                *((value, capfirst(label)) for value, label in AccessAction.choices),
            ]
            self.fields["action"].widget.attrs["class"] = "form-select"
        else:
            del self.fields["action"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end lies before the start."))
        return cleaned

    @property
    def active_count(self) -> int:
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value not in (None, ""))

    def log_filter(self) -> LogFilter:
        """The filter the form asks for (nothing when it does not validate)."""
        if not self.is_bound or not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor_id=data.get("user"),
            action=data.get("action") or None,
        )
