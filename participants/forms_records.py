"""Forms for the participant record, consents, intakes and enrolments.

Forms validate and limit every choice to what the user may work with; the services in
participants.services_records persist.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from groups.access import Need, groups_worked_in
from groups.forms import use_community_choices
from groups.languages import LANGUAGE_CHOICES
from groups.models import Group
from stetapp.forms import LightSelect

from .models import (
    SENSITIVE_FIELD_PURPOSE,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    FunnelStatus,
    Gender,
    Intake,
    LeaveReason,
    Participant,
    SocialService,
)
from .services_records import INTAKE_FIELDS, PROFILE_FIELDS


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def groups_for_participant_work(user):
    """Groups whose participants the user may register, edit and see in full: the groups
    they keep (a facilitator's own groups and every group of a project lead's
    organisations; groups/access.py, the same rule as selectors.sees_full_record).
    Volunteers: none."""
    return groups_worked_in(user, need=Need.EDIT)


# --- the list's filters ---------------------------------------------------------------


class ParticipantFilter(django_filters.FilterSet):
    """Filters for the participant list. Status and channel are only offered to users who
    see full records, and only ever match participants they see in full (a volunteer's
    rows must not be findable by their status)."""

    # The choices are (pk, name) pairs read in __init__, not model objects: a drop-down
    # shows names only, and making a model object of each row cost more than the query.
    group = django_filters.ChoiceFilter(
        label=_("group"), choices=[], empty_label=_("All"), widget=LightSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=FunnelStatus.choices,
        empty_label=_("All"),
        widget=LightSelect,
        method="_full",
    )
    channel = django_filters.ChoiceFilter(
        label=_("how we reached them"),
        choices=Channel.choices,
        empty_label=_("All"),
        widget=LightSelect,
        method="_full",
    )

    class Meta:
        model = Participant
        fields = ["group", "status", "channel"]

    def __init__(self, *args, user, full_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_groups = full_groups
        visible = Participant.objects.visible_in_scope(user)
        self.filters["group"].extra["choices"] = list(
            Group.objects.filter(pk__in=visible.order_by().values("group_id"))
            .order_by("name")
            .values_list("pk", "name")
        )
        if full_groups:
            for name, choices in (("status", FunnelStatus.choices), ("channel", Channel.choices)):
                self.filters[name].extra["choices"] = [
                    (value, capfirst(label)) for value, label in choices
                ]
        else:
            del self.filters["status"]
            del self.filters["channel"]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def _full(self, queryset, name, value):
        return queryset.filter(group_id__in=self.full_groups, **{name: value})

    @property
    def active_count(self) -> int:
        data = self.data or {}
        return sum(1 for name in self.filters if data.get(name))


# --- the participant record -----------------------------------------------------------

# The record's fields before the status and the confidential ones.
PROFILE_FORM_FIELDS = [
    name for name in PROFILE_FIELDS if name not in (*SENSITIVE_FIELD_PURPOSE, "confidential_notes")
]


class ParticipantForm(forms.ModelForm):
    """Register (no instance) or edit a participant.

    `user` limits the groups and the "brought by" choices. When editing, `purposes` (the
    active consent purposes) decides whether religion and health notes appear; they never
    appear when registering, as consent has to be recorded first.
    """

    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Participant
        fields = [
            *PROFILE_FORM_FIELDS,
            "status",
            "religion",
            "health_notes",
            "confidential_notes",
        ]
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 2}),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
            "confidential_notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, purposes=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        groups = groups_for_participant_work(user)
        if editing:
            # Another group of the same organisation; the current one stays a choice even
            # when the editor works only in the person's former group.
            organisation_id = self.instance.group.organisation_id
            groups = Group.objects.filter(
                Q(pk__in=groups.filter(organisation_id=organisation_id).values("pk"))
                | Q(pk=self.instance.group_id)
            )
            del self.fields["status"]  # changed through the funnel status form
            for field, purpose in SENSITIVE_FIELD_PURPOSE.items():
                if purpose not in purposes:
                    del self.fields[field]
        else:
            del self.fields["religion"]
            del self.fields["health_notes"]
            self.fields["status"].initial = FunnelStatus.CONTACTED
        # Only the name and the group are required; the rest falls back to the defaults.
        for name in ("gender", "channel", "status"):
            if name in self.fields:
                self.fields[name].required = False
        self.fields["group"].queryset = groups.select_related("organisation").order_by("name")
        # The organisations' categories as suggestions; typed text stays possible.
        use_community_choices(
            self, lambda: groups.order_by().values_list("organisation_id", flat=True).distinct()
        )
        self.fields["group"].label_from_instance = lambda group: group.name
        if not editing:
            # Someone who works in one group registers people for that group.
            only = list(self.fields["group"].queryset[:2])
            if len(only) == 1:
                self.initial.setdefault("group", only[0].pk)
        brought_by = Participant.objects.visible_to(user).filter(
            group__organisation_id__in=groups.values("organisation_id")
        )
        if editing:
            brought_by = brought_by.exclude(pk=self.instance.pk)
        self.fields["referred_by"].queryset = brought_by.order_by("full_name")
        self.fields["referred_by"].help_text = _(
            "Only when a participant brought this person along."
        )

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        return name

    def clean_gender(self):
        return self.cleaned_data["gender"] or Gender.UNKNOWN

    def clean_channel(self):
        return self.cleaned_data["channel"] or Channel.OTHER

    def clean_status(self):
        return self.cleaned_data["status"] or FunnelStatus.CONTACTED

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group")
        referred_by = cleaned.get("referred_by")
        if group and referred_by and referred_by.group.organisation_id != group.organisation_id:
            self.add_error("referred_by", _("Choose someone of the same organisation."))
        return cleaned


class ParticipantEditForm(ParticipantForm):
    """The edit form carries the version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            self.add_error(
                None, _("This form is out of date. Open the record again and redo your changes.")
            )
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=FunnelStatus.choices)


# --- consents, intakes, enrolments ----------------------------------------------------


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=ConsentPurpose.choices)
    method = forms.ChoiceField(
        label=_("how"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("language"),
        choices=LANGUAGE_CHOICES,
        initial="nl",
        help_text=_("The language the information was given in."),
    )
    info_version = forms.CharField(
        label=_("version of the information text"),
        max_length=50,
        help_text=_("Which version of the explanation the person was given, e.g. 2025-01."),
    )
    given_on = forms.DateField(label=_("given on"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate
        self.fields["purpose"].choices = [
            (value, capfirst(label)) for value, label in ConsentPurpose.choices
        ]

    def clean_info_version(self):
        value = self.cleaned_data["info_version"].strip()
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class IntakeForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = list(INTAKE_FIELDS)
        widgets = {
            "held_on": _date_input(),
            "situation": forms.Textarea(attrs={"rows": 3}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
            "practical_needs": forms.Textarea(attrs={"rows": 2}),
            "group_fits": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate


class EnrolForm(forms.Form):
    group = forms.ModelChoiceField(label=_("group"), queryset=Group.objects.none())
    joined_on = forms.DateField(label=_("joined on"), widget=_date_input())

    def __init__(self, *args, user, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = (
            groups_for_participant_work(user)
            .filter(organisation_id=participant.group.organisation_id)
            .order_by("name")
        )
        self.fields["group"].label_from_instance = lambda group: group.name
        self.fields["group"].initial = participant.group_id
        self.fields["joined_on"].initial = timezone.localdate


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=_date_input())
    reason = forms.ChoiceField(label=_("reason for leaving"), choices=LeaveReason.choices)
    notes = forms.CharField(
        label=_("about leaving"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referred_to = forms.ModelChoiceField(
        label=_("referred to"),
        queryset=SocialService.objects.none(),
        required=False,
        help_text=_("From your organisation's social map, when you referred the person."),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate
        self.fields["reason"].choices = [
            (value, capfirst(label)) for value, label in LeaveReason.choices
        ]
        self.fields["referred_to"].queryset = SocialService.objects.filter(
            organisation=organisation
        ).select_related("city")
