"""Forms for the co-creation board and the group agreements. Forms validate and offer only
the group's own people and meetings; meetings.services_cocreation persists."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from groups.languages import language_direction, language_label
from participants.models import Participant

from .models import ActivityKind, IdeaSource, IdeaStatus, Meeting
from .selectors_cocreation import agreement_language_order, current_participants

STAFF = "staff"  # the current user proposed it
KEEP_STAFF = "kept"  # editing: another staff member proposed it; keep them
TEXT_MAX = 2000
AGREEMENT_MAX = 1000


def _capitalised(choices):
    return [(value, capfirst(label)) for value, label in choices]


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        start = timezone.localtime(obj.starts_at)
        return f"{date_format(start, 'DATE_FORMAT')} {date_format(start, 'TIME_FORMAT')}"


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Idea"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, max_length=TEXT_MAX, widget=forms.Textarea({"rows": 3})
    )
    activity_kind = forms.ChoiceField(
        label=_("Kind of activity"),
        required=False,
        choices=[("", "—"), *_capitalised(ActivityKind.choices)],
    )
    source = forms.ChoiceField(
        label=_("Where it came up"),
        choices=_capitalised(IdeaSource.choices),
        initial=IdeaSource.MEETING,
    )
    proposer = forms.ChoiceField(
        label=_("Proposed by"),
        help_text=_("A participant, or you as staff."),
    )
    votes = forms.IntegerField(
        label=_("Hands raised"), min_value=0, max_value=999, initial=0, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=_capitalised(IdeaStatus.choices))
    meeting = MeetingChoiceField(
        label=_("Meeting where it happened"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="—",
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("Participants who helped organise"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    look_back = forms.CharField(
        label=_("Looking back"),
        help_text=_("How did it go? What would the group do again or differently?"),
        required=False,
        max_length=TEXT_MAX,
        # app.js shows this field only while the status is done or looked back on.
        widget=forms.Textarea(
            {
                "rows": 3,
                "data-show-when-field": "status",
                "data-show-when": f"{IdeaStatus.DONE} {IdeaStatus.REVIEWED}",
            }
        ),
    )

    def __init__(self, *args, group, user, idea=None, meeting_pk=None, **kwargs):
        """`meeting_pk` (a new idea): the meeting to preselect, e.g. from the meeting's
        page; by default the most recent meeting that has started."""
        self.group, self.user, self.idea = group, user, idea
        if idea is not None:
            kwargs.setdefault("initial", {}).update(self._initial_from(idea))
        super().__init__(*args, **kwargs)
        # Current participants, plus whoever an existing idea already names (someone who
        # has since left stays on the idea).
        named: list[int] = []
        if idea is not None and idea.pk:
            named = [p.pk for p in idea.organisers.all()]
            if idea.proposed_by_id:
                named.append(idea.proposed_by_id)
        people = (
            current_participants(group=group, also=named)
            .only("pk", "full_name")
            .order_by("full_name", "pk")
        )
        self.people = {str(p.pk): p for p in people}
        choices = [(STAFF, _("Staff: me (%(name)s)") % {"name": user.get_full_name()})]
        if idea is not None and idea.proposed_by_staff_id and idea.proposed_by_staff_id != user.pk:
            staff_name = idea.proposed_by_staff.get_full_name() if idea.proposed_by_staff else ""
            choices.insert(0, (KEEP_STAFF, _("Staff: %(name)s") % {"name": staff_name}))
        participants = [(pk, p.full_name) for pk, p in self.people.items()]
        if participants:
            choices.append((_("A participant"), participants))
        self.fields["proposer"].choices = choices
        self.fields["organisers"].queryset = Participant.objects.filter(
            pk__in=[p.pk for p in self.people.values()]
        ).order_by("full_name", "pk")
        # Past meetings, newest first: an idea happens at a meeting that took place (the
        # one an existing idea names stays a choice). The list is read once, here.
        meetings = Meeting.objects.filter(group=group).started().counting()
        if idea is not None and idea.meeting_id:
            meetings = meetings | Meeting.objects.filter(pk=idea.meeting_id)
        choices = list(meetings.order_by("-starts_at", "-pk"))
        field = self.fields["meeting"]
        field.queryset = Meeting.objects.filter(pk__in=[m.pk for m in choices])
        field.choices = [
            ("", field.empty_label),
            *((m.pk, field.label_from_instance(m)) for m in choices),
        ]
        if idea is None and choices:
            chosen = next((m for m in choices if str(m.pk) == str(meeting_pk)), choices[0])
            self.initial.setdefault("meeting", chosen.pk)

    def _initial_from(self, idea) -> dict:
        if idea.proposed_by_id:
            proposer = str(idea.proposed_by_id)
        elif idea.proposed_by_staff_id and idea.proposed_by_staff_id != self.user.pk:
            proposer = KEEP_STAFF
        else:
            proposer = STAFF
        return {
            "title": idea.title,
            "description": idea.description,
            "activity_kind": idea.activity_kind,
            "source": idea.source,
            "proposer": proposer,
            "votes": idea.votes,
            "status": idea.status,
            "meeting": idea.meeting_id,
            "organisers": [p.pk for p in idea.organisers.all()],
            "look_back": idea.look_back,
        }

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        if "title" in cleaned and not cleaned["title"]:
            self.add_error("title", _("Write the idea in a few words."))
        return cleaned

    def service_fields(self) -> dict:
        """The keyword arguments for services_cocreation.idea_save."""
        data = self.cleaned_data
        proposer = data["proposer"]
        fields = {
            "title": data["title"],
            "description": data["description"].strip(),
            "activity_kind": data["activity_kind"],
            "source": data["source"],
            "votes": data["votes"] or 0,
            "status": data["status"],
            "meeting": data["meeting"],
            "look_back": data["look_back"].strip(),
            "organisers": list(data["organisers"]),
        }
        if proposer == KEEP_STAFF:
            fields["proposed_by"] = None
        elif proposer == STAFF:
            fields["proposed_by"], fields["proposed_by_staff"] = None, self.user
        else:
            fields["proposed_by"], fields["proposed_by_staff"] = self.people[proposer], None
        return fields


class AgreementForm(forms.Form):
    """The date, the order, and one text per language: Dutch, the group's languages, and
    any other language the agreement is already written in."""

    agreed_on = forms.DateField(
        label=_("Agreed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("Where the agreement stands in the list. Empty: at the end."),
    )

    def __init__(self, *args, group, agreement=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        languages = agreement_language_order(group)
        if agreement is not None:
            texts = {t.language: t.text for t in agreement.texts.all()}
            languages += [code for code in texts if code not in languages]
            initial.update({"agreed_on": agreement.agreed_on, "position": agreement.position})
            initial.update({f"text_{code}": text for code, text in texts.items()})
        else:
            initial.setdefault("agreed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.languages = languages
        for code in languages:
            self.fields[f"text_{code}"] = forms.CharField(
                label=language_label(code),
                required=False,
                max_length=AGREEMENT_MAX,
                widget=forms.Textarea({"rows": 2, "lang": code, "dir": language_direction(code)}),
            )

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(f"text_{code}") or "").strip() for code in self.languages):
            raise forms.ValidationError(_("Write the agreement in at least one language."))
        return cleaned

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"text_{code}") or "" for code in self.languages}
