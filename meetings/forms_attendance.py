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
