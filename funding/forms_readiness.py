"""Forms for readiness, facilitator profiles and volunteers (views_readiness.py).

Forms validate; funding.services persists. Money and hours are Decimal, parsed in the
user's locale (stetapp.forms.LocalDecimalField and MoneyField: "12,50" in Dutch).
"""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.languages import LANGUAGE_CHOICES
from groups.models import Group
from groups.selectors import members_of_organisation
from meetings.models import Meeting
from stetapp.forms import LocalDecimalField, money

User = get_user_model()


class NeedSignalForm(forms.Form):
    community = forms.CharField(label=_("Community"), max_length=100)
    signs = forms.CharField(
        label=_("Signs of loneliness"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you or others see or hear?"),
    )
    key_figures = forms.CharField(
        label=_("Key figures involved"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example an imam, a GP or a neighbourhood worker. No private details."),
    )
    signalled_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


class FacilitatorProfileForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language.")},
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hours_per_week = LocalDecimalField(
        label=_("Time available (hours a week)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("168"),
        max_digits=4,
        decimal_places=1,
    )
    cultural_knowledge = forms.CharField(
        label=_("Cultural knowledge"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    local_network = forms.CharField(
        label=_("Local network"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_from(cls, profile) -> dict:
        if profile is None:
            return {}
        return {name: getattr(profile, name) for name in cls.base_fields}


class VolunteerForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    user = forms.ModelChoiceField(
        label=_("Account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only when the volunteer signs in to stetapp."),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    under_21 = forms.BooleanField(
        label=_("Younger than 21"),
        required=False,
        help_text=_("A lower hourly maximum applies."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone with a role in the organisation or one of its groups, by the ids of
        # members_of_organisation: an OR across the memberships' join read every
        # membership of a national programme (8 ms at 10,000 groups).
        self.fields["user"].queryset = User.objects.filter(
            pk__in=members_of_organisation(organisation=organisation).order_by().values("user_id")
        ).order_by("full_name", "email")
        self.fields["groups"].queryset = Group.objects.filter(organisation=organisation).order_by(
            "name"
        )

    @staticmethod
    def initial_from(volunteer) -> dict:
        return {
            "full_name": volunteer.full_name,
            "user": volunteer.user_id,
            "email": volunteer.email,
            "phone": volunteer.phone,
            "under_21": volunteer.under_21,
            "groups": [g.pk for g in volunteer.groups.all()],
            "active": volunteer.active,
        }


class VolunteerHoursForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False
    )
    worked_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    hours = LocalDecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=5,
        decimal_places=2,
    )

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        groups = Group.objects.filter(organisation_id=volunteer.organisation_id).order_by("name")
        self.fields["group"].queryset = groups
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(group__in=groups).select_related("group").order_by("-starts_at")
        )
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.group.name} · {timezone.localtime(m.starts_at):%Y-%m-%d %H:%M}"
        )


class AllowanceForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    amount = money(_("Amount (€)"), min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    confirmed = forms.BooleanField(
        label=_("Pay anyway"),
        required=False,
        help_text=_("For example when the volunteer proved higher costs."),
    )
