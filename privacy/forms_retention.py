"""The project lead's form for the organisation's retention periods (decision 64)."""

from django import forms
from django.utils.translation import gettext as _

from .models_retention import RetentionPolicy
from .retention import DEFAULT_MONTHS, POLICY_FIELD
from .services_retention import POLICY_FIELDS


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = POLICY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, name in POLICY_FIELD.items():
            field = self.fields[name]
            field.widget.attrs.update({"min": 1, "max": 120, "inputmode": "numeric"})
            default = _("Leave empty for the default: %(months)s months.") % {
                "months": DEFAULT_MONTHS[kind]
            }
            field.help_text = f"{field.help_text} {default}"
