"""Forms of the erasure workflow (privacy/views_erasure.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models_erasure import RequestChannel, RequestScope


class ErasureRequestForm(forms.Form):
    received_on = forms.DateField(
        label=_("received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The answer is due within a month of this day."),
    )
    channel = forms.ChoiceField(
        label=_("how it came in"), choices=RequestChannel.choices, widget=forms.RadioSelect
    )
    scope = forms.ChoiceField(
        label=_("scope"),
        choices=RequestScope.choices,
        widget=forms.RadioSelect,
        initial=RequestScope.ALL,
        help_text=_(
            "Attendance and enrolments stay as anonymous marks so that reports already "
            "sent stay true."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day it came in cannot be in the future."))
        return day


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("approve")), ("reject", _("reject"))], widget=forms.HiddenInput
    )
    confirm = forms.BooleanField(
        label=_("I checked who asked, and that nothing must be kept by law."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick this to approve: the erasure cannot be undone."))
        return cleaned
