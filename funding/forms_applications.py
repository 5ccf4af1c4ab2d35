"""Forms for funds, funding applications and their budget and coverage plan.

Money is parsed as Decimal in the user's locale (localized fields: "12,50" in Dutch).
"""

from typing import cast

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Organisation
from stetapp.forms import LightSelect, LocalDecimalField

from .models import (
    ApplicationStatus,
    BudgetLine,
    CoverageLine,
    Fund,
    FundingApplication,
    FundScope,
)
from .services import (
    APPLICATION_CREATE_FIELDS,
    APPLICATION_EDIT_FIELDS,
    FUND_FIELDS,
    SECTION_FIELDS,
)


class FundFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("where it funds"),
        choices=[("", _("All")), *FundScope.choices],
        required=False,
        widget=LightSelect(attrs={"class": "form-select"}),
    )

    @property
    def active_count(self) -> int:
        if not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("All")), *ApplicationStatus.choices],
        required=False,
        widget=LightSelect(attrs={"class": "form-select"}),
    )

    @property
    def active_count(self) -> int:
        if not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


class FundForm(forms.ModelForm):
    """The shared catalogue entry of a fund (maps 1:1 onto the model). A new fund also
    says who keeps it: one of the organisations the user leads or the programmes they
    coordinate (`keepers`); only they change it later (decision 31)."""

    keeper = forms.ChoiceField(
        label=_("kept by"),
        help_text=_("Only this organisation or programme can change the fund later."),
    )

    website = forms.URLField(
        label=Fund._meta.get_field("website").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Fund
        fields = FUND_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    SHARED = "shared"

    def __init__(self, *args, keepers=None, shared: bool = False, **kwargs):
        """`shared`: the adder is a site administrator, who may also leave the fund to
        nobody (the shared catalogue, changed only by site administrators)."""
        super().__init__(*args, **kwargs)
        self._keepers: dict[str, object] = {f"{kind}-{obj.pk}": obj for kind, obj in keepers or []}
        if shared:
            self._keepers = {self.SHARED: None, **self._keepers}
        if keepers is None:
            del self.fields["keeper"]  # editing: the keeper does not change
        else:
            field = cast(forms.ChoiceField, self.fields["keeper"])
            field.choices = [
                (key, str(obj) if obj is not None else _("Nobody: site administrators"))
                for key, obj in self._keepers.items()
            ]
            if len(self._keepers) == 1:
                field.required = False  # the one possible keeper is taken
                field.initial = next(iter(self._keepers))

    def clean_keeper(self) -> str:
        key = self.cleaned_data.get("keeper") or ""
        if not key and len(self._keepers) == 1:
            key = next(iter(self._keepers))
        if key not in self._keepers:
            raise forms.ValidationError(_("Choose who keeps this fund."))
        return key

    def keeper_objects(self) -> dict:
        """The chosen keeper as the service's keywords."""
        obj = self._keepers[self.cleaned_data["keeper"]]
        if obj is None:
            return {"kept_by_organisation": None, "kept_by_programme": None, "shared": True}
        if isinstance(obj, Organisation):
            return {"kept_by_organisation": obj, "kept_by_programme": None}
        return {"kept_by_organisation": None, "kept_by_programme": obj}


class FunderReaderInviteForm(forms.Form):
    """Invite someone of a fund to read the reports of the fund's grants (the funder
    role); the account and e-mail go through groups.services.member_invite."""

    email = forms.EmailField(label=_("e-mail address"))
    full_name = forms.CharField(label=_("name"), max_length=150)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ApplicationForm(forms.ModelForm):
    """A new application: organisation (one the user leads), fund, title, the groups it
    covers (of that organisation), amount and deadline."""

    class Meta:
        model = FundingApplication
        fields = APPLICATION_CREATE_FIELDS
        widgets = {
            "groups": forms.CheckboxSelectMultiple,
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations
        self.fields["fund"].queryset = Fund.objects.all()
        self.fields["groups"].queryset = Group.objects.filter(
            organisation__in=organisations
        ).select_related("organisation")
        self.fields["groups"].required = False
        if "organisation" in self.fields and len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        groups = cleaned.get("groups") or []
        if organisation is not None and any(g.organisation_id != organisation.pk for g in groups):
            self.add_error("groups", _("Choose groups of the application's organisation."))
        return cleaned


class ApplicationEditForm(ApplicationForm):
    """The application's details (not its organisation) and the proposal's sections."""

    class Meta(ApplicationForm.Meta):
        fields = APPLICATION_EDIT_FIELDS  # type: ignore[assignment]  # another field list
        widgets = {
            **ApplicationForm.Meta.widgets,
            **{name: forms.Textarea(attrs={"rows": 5}) for name in SECTION_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        kwargs["organisations"] = Organisation.objects.filter(pk=instance.organisation_id)
        super().__init__(*args, **kwargs)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "unit", "quantity", "unit_cost", "vat_included"]
        field_classes = {"quantity": LocalDecimalField}


class CoverageLineForm(forms.ModelForm):
    class Meta:
        model = CoverageLine
        fields = ["kind", "source_name", "fund", "amount", "status"]

    def __init__(self, *args, fund_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].required = False
        if fund_choices is not None:
            # Loaded once for the whole formset (see budget_edit): without this every row
            # would query the funds again to draw its drop-down.
            self.fields["fund"].choices = fund_choices


def fund_choices() -> list[tuple]:
    """The funds as drop-down choices, for every coverage row at once (one query)."""
    return [("", "---------"), *((f.pk, str(f)) for f in Fund.objects.order_by("name"))]


BudgetLineFormSet = inlineformset_factory(
    FundingApplication,
    BudgetLine,
    form=BudgetLineForm,
    extra=2,
    can_delete=True,
    max_num=200,
    validate_max=True,
)
CoverageLineFormSet = inlineformset_factory(
    FundingApplication,
    CoverageLine,
    form=CoverageLineForm,
    extra=2,
    can_delete=True,
    max_num=100,
    validate_max=True,
)
