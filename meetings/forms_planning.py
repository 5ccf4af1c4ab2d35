"""Forms for planning meetings, the meeting record and the organisation's calendar.

Forms validate and limit every choice to the group's own organisation (venues, social
map, themes, icebreakers, participants); meetings.services_planning persists.
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.languages import LANGUAGE_CHOICES, language_label
from groups.models import Venue
from participants.models import Enrolment, Participant, SocialService

from .models import ActivityKind, EventCategory, Icebreaker, Theme, starts_by

# Dates outside these years are typing mistakes (and beyond the holiday tables).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlanDateField(forms.DateField):
    """A date picked on a phone; years far off are refused instead of crashing later."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _date_input())
        super().__init__(**kwargs)

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


def _time_field(label):
    return forms.TimeField(label=label, widget=_time_input())


def _venue_field(group):
    return forms.ModelChoiceField(
        label=capfirst(_("venue")),
        queryset=Venue.objects.filter(organisation_id=group.organisation_id).order_by("name"),
        required=False,
        empty_label=_("No venue yet"),
        initial=group.venue_id,
    )


class _Labelled:
    """Labels start with a capital, as on the ModelForms elsewhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


class _TimesMixin:
    def _check_times(self, cleaned):
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A meeting ends after it starts."))


class MeetingForm(_Labelled, _TimesMixin, forms.Form):
    """One meeting: a day, a start and end time, a venue of the organisation."""

    date = PlanDateField(label=_("date"))
    start_time = _time_field(_("from"))
    end_time = _time_field(_("until"))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"] = _venue_field(group)

    def clean(self):
        cleaned = super().clean()
        self._check_times(cleaned)
        return cleaned

    def starts_and_ends(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["date"]
        return (
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["start_time"])),
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["end_time"])),
        )


INTERVAL_CHOICES = [
    (1, _("every week")),
    (2, _("every other week")),
    (3, _("every three weeks")),
    (4, _("every four weeks")),
]


class SeriesForm(_Labelled, _TimesMixin, forms.Form):
    """A rhythm, e.g. every other Tuesday 10:00–12:00 from a first date until a last."""

    first_date = PlanDateField(
        label=_("first meeting"), help_text=_("The series repeats on this weekday.")
    )
    until_date = PlanDateField(label=_("last date"), help_text=_("No meetings after this day."))
    interval_weeks = forms.TypedChoiceField(
        label=_("how often"), choices=INTERVAL_CHOICES, coerce=int, initial=2
    )
    start_time = _time_field(_("from"))
    end_time = _time_field(_("until"))

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"] = _venue_field(group)

    def clean(self):
        cleaned = super().clean()
        first, until = cleaned.get("first_date"), cleaned.get("until_date")
        if first and until and until < first:
            self.add_error("until_date", _("The last date is on or after the first meeting."))
        self._check_times(cleaned)
        return cleaned


class BreakForm(_Labelled, forms.Form):
    """A break the group agreed on, e.g. the summer holiday."""

    starts_on = PlanDateField(label=_("from"))
    ends_on = PlanDateField(label=_("until"))
    reason = forms.CharField(
        label=_("reason"),
        max_length=100,
        required=False,
        help_text=_("For example: summer holiday, Ramadan."),
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("A break ends on or after the day it starts."))
        return cleaned


class MoveForm(MeetingForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("The group sees why the meeting moved."),
    )

    def __init__(self, *args, group, marks: int = 0, **kwargs):
        super().__init__(*args, group=group, **kwargs)
        # A move keeps the venue field out: moving is about the time.
        del self.fields["venue"]
        if marks:
            # Confirmation step: the marks stay with the meeting (docs/decisions.md 35).
            self.fields["keep_marks"] = _marks_confirm_field(
                ngettext(
                    "Yes, the %(n)d attendance mark moves with the meeting.",
                    "Yes, the %(n)d attendance marks move with the meeting.",
                    marks,
                )
                % {"n": marks}
            )


class TookPlaceForm(MeetingForm):
    """A meeting that really took place before its planned time: when it did. Moving it
    there opens attendance and the record; a time still to come is refused."""

    then = forms.ChoiceField(
        choices=[("attendance", "attendance"), ("record", "record")],
        widget=forms.HiddenInput,
        initial="attendance",
        required=False,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, group=group, **kwargs)
        del self.fields["venue"]

    def clean_then(self):
        return self.cleaned_data["then"] or "attendance"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not starts_by(self.starts_and_ends()[0]):
            self.add_error(
                "start_time", _("Choose the time it really started: not later than now.")
            )
        return cleaned


def _marks_confirm_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=True)


class CancelForm(_Labelled, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("For example: Eid al-Fitr, the venue is closed, the facilitator is ill."),
    )

    def __init__(self, *args, marks: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if marks:
            # Confirmation step: the marks go with the meeting (docs/decisions.md 35).
            self.fields["remove_marks"] = _marks_confirm_field(
                ngettext(
                    "Yes, remove the %(n)d attendance mark: the meeting did not take place.",
                    "Yes, remove the %(n)d attendance marks: the meeting did not take place.",
                    marks,
                )
                % {"n": marks}
            )


class MeetingRecordForm(_Labelled, forms.Form):
    """What happened at the meeting. Choices come from the group's organisation; the
    organisers from the group's current participants."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    language = forms.ChoiceField(label=_("language used"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_themes = forms.CharField(
        label=_("other themes"),
        max_length=200,
        required=False,
        help_text=_("Anything not in the list, in a few words."),
    )
    icebreaker = forms.ModelChoiceField(
        label=_("icebreaker"),
        queryset=Icebreaker.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    activities = forms.MultipleChoiceField(
        label=_("activities"),
        choices=[(value, capfirst(label)) for value, label in ActivityKind.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guest = forms.CharField(label=_("guest or speaker"), max_length=200, required=False)
    partner = forms.ModelChoiceField(
        label=_("partner organisation"),
        queryset=SocialService.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("From your organisation's social map."),
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("participants who helped organise"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the group's staff and the project lead can read these."),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        group = meeting.group
        organisation_id = group.organisation_id
        codes = list(group.languages or [])
        if meeting.language and meeting.language not in codes:
            codes.append(meeting.language)
        if "nl" not in codes:
            codes.append("nl")
        known = dict(LANGUAGE_CHOICES)
        self.fields["language"].choices = [("", "—")] + [
            (code, language_label(code)) for code in codes if code in known
        ]
        self.fields["themes"].queryset = Theme.objects.for_organisation(organisation_id)
        self.fields["icebreaker"].queryset = Icebreaker.objects.for_organisation(organisation_id)
        self.fields["partner"].queryset = SocialService.objects.filter(
            organisation_id=organisation_id
        ).order_by("name")
        current = Enrolment.objects.current(on=meeting.date).filter(group=group)
        self.fields["organisers"].queryset = (
            (
                Participant.objects.filter(pk__in=current.values("participant_id"))
                | Participant.objects.filter(pk__in=meeting.organisers.values("pk"))
            )
            .select_related("group")
            .order_by("full_name")
        )
        self.fields["organisers"].label_from_instance = lambda p: p.full_name


class CalendarEventForm(_Labelled, forms.Form):
    """A date the organisation plans around: its own, or a suggestion it corrects."""

    name = forms.CharField(label=_("name"), max_length=100)
    starts_on = PlanDateField(label=_("from"))
    ends_on = PlanDateField(label=_("until"), required=False, help_text=_("Empty: one day."))
    category = forms.ChoiceField(
        label=_("kind"), choices=[(v, capfirst(label)) for v, label in EventCategory.choices]
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("starts_on"), cleaned.get("ends_on")
        if first and not last:
            cleaned["ends_on"] = first
        elif first and last and last < first:
            self.add_error("ends_on", _("The last day is on or after the first."))
        return cleaned


class CalendarEventEditForm(CalendarEventForm):
    dismissed = forms.BooleanField(
        label=_("not relevant for us"),
        required=False,
        help_text=_("No warnings for this date when planning."),
    )


class SuggestForm(forms.Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


__all__ = [
    "BreakForm",
    "CalendarEventEditForm",
    "CalendarEventForm",
    "CancelForm",
    "MeetingForm",
    "MeetingRecordForm",
    "MoveForm",
    "SeriesForm",
    "SuggestForm",
]
