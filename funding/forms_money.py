"""Forms for grants, payments received and expenses. Forms validate and normalise; the
services in funding/services.py persist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.access import Need, group_ids_for
from groups.models import Group
from meetings.models import Meeting, MeetingStatus
from stetapp.dates import short_date
from stetapp.forms import LightSelect, money

from .models import BudgetCategory, BudgetLine, ExpenseStatus, Grant
from .services import GRANT_FIELDS

CENT = Decimal("0.01")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GrantForm(forms.ModelForm):
    """The fund's decision: amount, period and conditions. With `received` (the payments
    already recorded), the amount may not drop below what came in."""

    amount = money(_("amount granted"), min_value=CENT)

    class Meta:
        model = Grant
        fields = GRANT_FIELDS
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "report_due": DateInput(),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, received: Decimal = Decimal("0"), **kwargs):
        super().__init__(*args, **kwargs)
        self.received = received
        self.fields["conditions"].max_length = 5000  # type: ignore[attr-defined]  # a CharField
        self.fields["conditions"].widget.attrs["maxlength"] = 5000

    def clean_conditions(self):
        return self.cleaned_data["conditions"].replace("\x00", "").strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        amount = data.get("amount")
        if amount is not None and amount < self.received:
            self.add_error("amount", _("The payments already received are more than this amount."))
        return data

    def _post_clean(self):
        # The model's own checks (the period constraint) run only on a clean form.
        if not self.errors:
            super()._post_clean()


class GrantPaymentForm(forms.Form):
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    amount = money(_("amount"), min_value=CENT)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def clean_note(self):
        return self.cleaned_data["note"].replace("\x00", "").strip()


def groups_for_expenses(user):
    """The groups a user may submit expenses for: the groups they keep (a facilitator's
    own groups and the groups of a project lead's organisations; groups/access.py), by
    their ids in the user's scope (resolved once per request; docs/decisions.md 57)."""
    return (
        Group.objects.filter(pk__in=group_ids_for(user, need=Need.EDIT))
        .select_related("organisation")
        .order_by("name")
    )


class GrantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.application.fund.name} · {obj.application.title}"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        day = short_date(obj.starts_at)
        return f"{obj.group.name} · {day}"


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        text = str(obj.get_category_display()).capitalize()
        if obj.description:
            text = f"{text}: {obj.description}"
        return f"{obj.application.title} · {text}"


class ExpenseForm(forms.Form):
    """An expense with its receipt. The choices offered are those of the user's groups;
    `clean` checks that grant, budget line and meeting fit the chosen group."""

    group = forms.ModelChoiceField(label=_("group"), queryset=Group.objects.none())
    spent_on = forms.DateField(label=_("date"), widget=DateInput())
    amount = money(_("amount"), min_value=CENT)
    description = forms.CharField(label=_("description"), max_length=200)
    category = forms.ChoiceField(label=_("category"), choices=BudgetCategory.choices)
    grant = GrantChoiceField(label=_("grant"), queryset=Grant.objects.none(), required=False)
    budget_line = BudgetLineChoiceField(
        label=_("budget line"), queryset=BudgetLine.objects.none(), required=False
    )
    meeting = MeetingChoiceField(
        label=_("meeting"), queryset=Meeting.objects.none(), required=False
    )
    receipt = forms.FileField(
        label=_("receipt"),
        required=False,
        help_text=_("A photo or scan: PDF, JPG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = groups_for_expenses(user)
        self.fields["group"].queryset = groups
        self.fields["grant"].queryset = (
            Grant.objects.filter(application__groups__in=groups)
            .select_related("application__fund")
            .distinct()
            .order_by("-period_start")
        )
        self.fields["budget_line"].queryset = (
            BudgetLine.objects.filter(application__grant__application__groups__in=groups)
            .select_related("application")
            .distinct()
            .order_by("application_id", "category", "pk")
        )
        today = timezone.localdate()
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                group__in=groups,
                starts_at__date__gte=today - dt.timedelta(days=366),
                starts_at__date__lte=today + dt.timedelta(days=1),
            )
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("group")
            .order_by("-starts_at")
        )

    def clean_description(self):
        value = self.cleaned_data["description"].replace("\x00", "").strip()
        if not value:
            raise forms.ValidationError(_("Say what the money was spent on."))
        return value

    def clean(self):
        data = super().clean()
        group, grant = data.get("group"), data.get("grant")
        line, meeting = data.get("budget_line"), data.get("meeting")
        if group and grant and not grant.application.groups.filter(pk=group.pk).exists():
            self.add_error("grant", _("This grant does not cover the chosen group."))
        if grant and line and line.application_id != grant.application_id:
            self.add_error("budget_line", _("Choose a line of the grant's budget."))
        if group and meeting and meeting.group_id != group.pk:
            self.add_error("meeting", _("Choose a meeting of this group."))
        return data


class ExpenseFilterForm(forms.Form):
    # The groups as (pk, name) pairs, not model objects: a drop-down shows names only.
    group = forms.TypedChoiceField(
        label=_("group"), required=False, coerce=int, empty_value=None, widget=LightSelect
    )
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("all"))] + ExpenseStatus.choices,
        required=False,
        widget=LightSelect,
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        group_field: Any = self.fields["group"]
        group_field.choices = [("", "---------"), *groups.values_list("pk", "name")]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
