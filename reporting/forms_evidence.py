"""Forms for stories of change, selection rounds and the observation log. They offer only
what the user may see (the group's participants, the user's organisations, groups and
stories) and validate input; reporting.services_evidence checks the rules and persists."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from groups.access import Need, groups_worked_in
from groups.languages import LANGUAGE_CHOICES
from groups.models import Group, Organisation
from participants.models import Enrolment, Participant

from .models import (
    ConsentScope,
    ObservationKind,
    SelectionLevel,
    Story,
    StoryDomain,
)

TEXT_MAX = 10000
NOTE_MAX = 2000


def _capitalised(choices):
    return [(value, capfirst(label)) for value, label in choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _collapse(value: str) -> str:
    return " ".join((value or "").split())


# --- stories ----------------------------------------------------------------------------


class StoryForm(forms.Form):
    storyteller = forms.ModelChoiceField(
        label=_("Storyteller"),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("Anonymous: no name"),
        help_text=_("A participant of the group, now or before. Leave it anonymous when asked."),
    )
    domain = forms.ChoiceField(
        label=_("Domain of change"), choices=_capitalised(StoryDomain.choices)
    )
    own_domain = forms.CharField(
        label=_("The organisation's own domain"),
        required=False,
        max_length=100,
        help_text=_("Name it when you chose the organisation's own domain."),
        widget=forms.TextInput({"data-show-when-field": "domain", "data-show-when": "own"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("The story"),
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 8}),
        help_text=_("In the storyteller's own words, as far as possible."),
    )
    language = forms.ChoiceField(
        label=_("Language it was told in"), choices=LANGUAGE_CHOICES, initial="nl"
    )
    translation = forms.CharField(
        label=_("Translation into Dutch"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("When the story was told in another language."),
    )
    significance = forms.CharField(
        label=_("Why this matters to the storyteller"),
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 3}),
    )
    quote = forms.CharField(
        label=_("Short quote"),
        required=False,
        max_length=300,
        widget=forms.Textarea({"rows": 2}),
        help_text=_(
            "One or two sentences that may be quoted without a name. Leave out anything "
            "that could identify someone."
        ),
    )
    event_period = forms.CharField(
        label=_("When the change happened"),
        required=False,
        max_length=100,
        help_text=_("For example: since last spring."),
    )
    collected_on = forms.DateField(label=_("Collected on"), widget=DateInput())
    consent_scope = forms.ChoiceField(
        label=_("May be shared"),
        choices=_capitalised(ConsentScope.choices),
        initial=ConsentScope.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Sharing with funders or in public needs the storyteller's consent for being "
            "quoted; an anonymous story needs none."
        ),
    )
    verified = forms.BooleanField(
        label=_("Checked with the storyteller"),
        required=False,
        help_text=_("The storyteller confirmed that this is what they meant."),
    )

    def __init__(self, *args, group, user, story=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if story is not None:
            initial.update(
                {name: getattr(story, name) for name in self.base_fields if name != "storyteller"}
            )
            initial["storyteller"] = story.storyteller_id
        else:
            initial.setdefault("collected_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # Current and former members of the group whom the user may see, plus the
        # storyteller the story already names.
        self.fields["storyteller"].queryset = (
            Participant.objects.visible_to(user)
            .among(
                Enrolment.objects.filter(group=group).values("participant_id"),
                also=[story.storyteller_id if story is not None else None],
            )
            .only("pk", "full_name")
            .order_by("full_name", "pk")
        )

    def clean_title(self):
        return _collapse(self.cleaned_data["title"])

    def clean_own_domain(self):
        return _collapse(self.cleaned_data["own_domain"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("domain") == StoryDomain.OWN and not cleaned.get("own_domain"):
            self.add_error("own_domain", _("Name the organisation's own domain."))
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "storyteller": data["storyteller"],
            "domain": data["domain"],
            "own_domain": data["own_domain"] if data["domain"] == StoryDomain.OWN else "",
            "title": data["title"],
            "text": data["text"],
            "language": data["language"],
            "translation": data["translation"],
            "significance": data["significance"],
            "quote": _collapse(data["quote"]),
            "event_period": _collapse(data["event_period"]),
            "collected_on": data["collected_on"],
            "consent_scope": data["consent_scope"],
            "verified": data["verified"],
        }


class StoryEditForm(StoryForm):
    """The edit form carries the story's version the editor started from (optimistic
    locking); without a usable version the form is refused rather than saved blindly."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            self.add_error(
                None,
                _(
                    "This form is out of date, so it was not saved. Open the story again "
                    "in a new tab and copy your changes over."
                ),
            )
        return cleaned


# --- selection rounds -------------------------------------------------------------------


class StoryChoiceMixin:
    def label_from_instance(self, obj):
        return f"{obj.title} · {obj.group.name} · {capfirst(obj.domain_label)} · " + date_format(
            obj.collected_on, "SHORT_DATE_FORMAT"
        )


class StoryChoiceField(StoryChoiceMixin, forms.ModelChoiceField):
    pass


class StoryMultipleChoiceField(StoryChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


def selection_organisations(user):
    """Organisations the user leads, and those of the groups the user facilitates."""
    return Organisation.objects.filter(
        Q(pk__in=Organisation.objects.managed_by(user).values("pk"))
        | Q(pk__in=groups_worked_in(user, need=Need.EDIT).values("organisation_id"))
    ).order_by("name")


class SelectionRoundForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    group = GroupChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("Not one group: the whole organisation"),
        help_text=_("For a round about one group's stories."),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=_capitalised(SelectionLevel.choices),
        initial=SelectionLevel.GROUP,
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    panel = forms.CharField(
        label=_("Panel"),
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Who selected: roles or names of the panel members."),
        error_messages={"required": _("Say who was on the panel.")},
    )
    candidates = StoryMultipleChoiceField(
        label=_("Candidate stories"),
        queryset=Story.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one candidate story.")},
    )
    selected = StoryChoiceField(
        label=_("Story chosen"),
        queryset=Story.objects.none(),
        help_text=_("One of the candidates."),
    )
    reasons = forms.CharField(
        label=_("Why this story was chosen"),
        max_length=TEXT_MAX,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("The panel's reasons. They are fed back to the storytellers and the group."),
        error_messages={"required": _("Write down why the panel chose this story.")},
    )
    feedback_given_on = forms.DateField(
        label=_("Feedback given on"),
        required=False,
        widget=DateInput(),
        help_text=_("When the storytellers and the group heard which story was chosen and why."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        organisations = selection_organisations(user)
        self.fields["organisation"].queryset = organisations
        if "organisation" not in self.initial:
            only = list(organisations[:2])
            if len(only) == 1:
                self.initial["organisation"] = only[0].pk
        self.fields["group"].queryset = (
            groups_worked_in(user, need=Need.EDIT)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        stories = Story.objects.visible_to(user).select_related("group")
        self.fields["candidates"].queryset = stories
        self.fields["selected"].queryset = stories

    def clean(self):
        cleaned = super().clean()
        candidates, selected = cleaned.get("candidates"), cleaned.get("selected")
        if candidates is not None and selected is not None and selected not in candidates:
            self.add_error("selected", _("The chosen story must be one of the candidates."))
        return cleaned


# --- observations -----------------------------------------------------------------------


class ObservationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=_capitalised(ObservationKind.choices),
        initial=ObservationKind.OBSERVATION,
        widget=forms.RadioSelect,
    )
    observed_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("What was seen or said"),
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("A few sentences. Leave out names and anything that identifies someone."),
        error_messages={"required": _("Write what was seen or said.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("observed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
