"""Forms of the overview pages: the participant import, the social map filter and the
social map entry. They validate; participants.services_overview persists."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from stetapp.forms import LightSelect

from .models import ServiceKind, SocialService
from .selectors_overview import social_map_organisations_for_user
from .services_overview import SERVICE_FIELDS


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=_("file (CSV or Excel)"),
        help_text=_("A .csv or .xlsx file with one person per row; see the format below."),
    )


class SocialMapFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        required=False,
        choices=[("", _("all kinds")), *ServiceKind.choices],
        widget=LightSelect,
    )


class SocialServiceForm(forms.ModelForm):
    """Create (with the organisation, limited to those whose map the user may change)
    or edit (the organisation stays) one social map entry."""

    # Addresses typed without a scheme are taken as https (Django 6's default).
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = SocialService
        fields = ["organisation", *SERVICE_FIELDS]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = self.fields["city"].queryset.order_by("name")
        self.fields["phone"].validators.append(
            RegexValidator(r"^\+?[0-9 ()-]{6,20}$", _("Enter a phone number."))
        )
        if self.instance.pk:
            # An entry stays on its organisation's map.
            del self.fields["organisation"]
            return
        organisations = social_map_organisations_for_user(user=user).select_related("city")
        self.fields["organisation"].queryset = organisations
        choices = list(organisations[:2])
        if len(choices) == 1:
            self.fields["organisation"].initial = choices[0]
            self.fields["city"].initial = choices[0].city_id

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()


__all__ = ["ParticipantImportForm", "SocialMapFilterForm", "SocialServiceForm"]
