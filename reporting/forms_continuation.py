"""Forms for the continuation plan of a group and its steps."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import ContinuationPlan, ContinuationStep
from .services_continuation import PLAN_FIELDS, STEP_FIELDS


class ContinuationPlanForm(forms.ModelForm):
    """The plan itself. `applications` is the queryset of follow-up funding the user may
    link (the organisation's applications visible to them); `version` is the plan's
    version when the form was opened (0: no plan yet), for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ContinuationPlan
        fields = [*PLAN_FIELDS, "follow_up_applications"]
        widgets = {
            "route": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "volunteers": forms.Textarea(attrs={"rows": 3}),
            "follow_up_applications": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "follow_up_applications": _(
                "Applications of the organisation that should pay for the group after this grant."
            ),
        }

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list needs no empty choice.
        self.fields["route"].choices = [c for c in self.fields["route"].choices if c[0] != ""]
        self.fields["follow_up_applications"].queryset = applications
        self.fields["follow_up_applications"].required = False


class ContinuationStepForm(forms.ModelForm):
    class Meta:
        model = ContinuationStep
        fields = list(STEP_FIELDS)
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"done_on": _("Leave empty while the step is open.")}


ContinuationStepFormSet = inlineformset_factory(
    ContinuationPlan,
    ContinuationStep,
    form=ContinuationStepForm,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)
