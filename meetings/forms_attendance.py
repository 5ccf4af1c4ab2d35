"""Forms for the attendance sheet and the follow-up calls. They validate; the services in
meetings.services_attendance persist. (Django's CharField already refuses NUL characters.)"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AttendanceStatus, CallOutcome


class AttendanceMarkForm(forms.Form):
    """One tap on the sheet: a participant and their mark. Whether the participant is
    enrolled in the group on the meeting's date is checked by the view."""

    participant = forms.IntegerField(min_value=1)
    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    # The mark the sheet showed ("" for none): to tell the tapper when someone else
    # changed it meanwhile (docs/decisions.md 46).
    base = forms.ChoiceField(choices=[("", "")] + list(AttendanceStatus.choices), required=False)


class GuestForm(forms.Form):
    """Someone who came without being enrolled."""

    name = forms.CharField(label=_("Name"), max_length=150)
    is_trial = forms.BooleanField(
        label=_("Newcomer on trial"),
        required=False,
        help_text=_("Someone trying out the group before joining."),
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class FollowUpCallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short and factual; the person may ask to read it."),
    )
    called_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("called_at", timezone.localtime().replace(second=0))

    def clean_called_at(self):
        called_at = self.cleaned_data["called_at"]
        if called_at > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("A call cannot be in the future."))
        return called_at


class SyncMarkForm(forms.Form):
    """One tap from a device's queue (POST /meetings/<pk>/attendance/sync, JSON). A
    person's tap names the participant; a guest's names the guest. Whether the participant
    is enrolled on the meeting's date is checked by the view."""

    client_id = forms.UUIDField()
    tapped_at = forms.DateTimeField()
    participant = forms.IntegerField(min_value=1, required=False)
    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    base = forms.ChoiceField(choices=[("", "")] + list(AttendanceStatus.choices), required=False)
    only_if_unmarked = forms.BooleanField(required=False)
    guest_name = forms.CharField(max_length=150, required=False)
    is_trial = forms.BooleanField(required=False)
    seen_starts_at = forms.DateTimeField(required=False)

    def clean_guest_name(self):
        return " ".join(self.cleaned_data["guest_name"].split())

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("participant") and not data.get("guest_name"):
            raise forms.ValidationError(_("Choose a person or enter a guest's name."))
        return data


class PaperListForm(forms.Form):
    """How many of the series' next meetings the paper lists cover."""

    n = forms.IntegerField(min_value=1, max_value=26, required=False)
