"""Forms for measurement: the instruments a group uses and one filled-in questionnaire.

The questionnaire form has one radio group per item, worded as the instrument publishes it
(reporting/scoring.py ITEMS; never translated by us), plus "no answer". The De Jong
Gierveld items show the three interview answers (yes / more or less / no) unless the
questionnaire is filled in by the participant, or an answer already uses the five-option
self-completion scale; all five codes are accepted either way, because the scoring treats
them the same. The answers are checked with the scoring module before they are saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from groups.languages import LANGUAGE_CHOICES

from . import scoring
from .models import AdministrationMode, Instrument, Timepoint

if TYPE_CHECKING:
    from participants.models import Participant

NO_ANSWER = "none"
STRONG_DJG_ANSWERS = frozenset(scoring.DJG_ANSWERS_5) - frozenset(scoring.DJG_ANSWERS_3)


class MeasurementPlanForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label=_("Instruments this group uses"),
        choices=Instrument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def wording_language(instrument: str, language: str | None = None) -> str:
    """The language in which the item wording is shown: the user's language when the
    instrument's wording is loaded in it, English otherwise."""
    language = (language or get_language() or "en").split("-")[0]
    return language if language in scoring.ITEMS[instrument] else "en"


def item_texts(instrument: str, language: str | None = None) -> tuple[str, ...]:
    return scoring.ITEMS[instrument][wording_language(instrument, language)]


def answer_labels(instrument: str, language: str | None = None) -> dict:
    labels = scoring.ANSWER_LABELS[instrument]
    language = (language or get_language() or "en").split("-")[0]
    return labels.get(language) or labels["en"]


def answer_code(instrument: str, value: str):
    """The stored code for a submitted radio value: None for "no answer", an int for the
    WHO-5, the text code for the De Jong Gierveld scale."""
    if value in (None, "", NO_ANSWER):
        return None
    if instrument == Instrument.WHO5:
        return int(value)
    return value


class AdministrationForm(forms.Form):
    """One questionnaire. `instrument` is fixed when the form is built (the items depend
    on it); `participants` is the queryset the participant may be chosen from."""

    participant: forms.ModelChoiceField[Participant] = forms.ModelChoiceField(
        label=_("Participant"), queryset=None
    )
    timepoint = forms.ChoiceField(label=_("Time point"), choices=Timepoint.choices)
    mode = forms.ChoiceField(
        label=_("How was it filled in?"),
        choices=AdministrationMode.choices,
        help_text=_(
            "For the loneliness scale, “filled in by the participant” offers the five "
            "answer options of the self-completion version; an interview offers three."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language it was asked in"), choices=LANGUAGE_CHOICES, initial="nl"
    )
    administered_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, instrument: str, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        # self.fields is typed as dict[str, Field]; this one is a ModelChoiceField.
        self.fields["participant"].queryset = participants  # type: ignore[attr-defined]
        self.fields["administered_on"].initial = timezone.localdate
        labels = answer_labels(instrument)
        self.five_options = instrument == Instrument.DJG6 and self._uses_five_options()
        if instrument == Instrument.DJG6:
            accepted = list(scoring.DJG_ANSWERS_5)
            shown = accepted if self.five_options else list(scoring.DJG_ANSWERS_3)
        else:
            accepted = [str(code) for code in sorted(scoring.WHO5_ANSWERS, reverse=True)]
            shown = accepted
        no_answer = (NO_ANSWER, pgettext_lazy("questionnaire item", "no answer"))

        def label(code):
            key = int(code) if instrument == Instrument.WHO5 else code
            return labels.get(key, code)

        self.item_names = []
        for number, text in enumerate(item_texts(instrument), start=1):
            name = f"item_{number}"
            field = forms.ChoiceField(
                label=text,
                choices=[*((code, label(code)) for code in accepted), no_answer],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": _("Choose an answer, or “no answer” when it was not given.")
                },
            )
            # Validation accepts every code of the instrument; the radios offer the scale
            # in use (see the module docstring).
            field.widget.choices = [*((code, label(code)) for code in shown), no_answer]
            self.fields[name] = field
            self.item_names.append(name)

    def _uses_five_options(self) -> bool:
        source = self.data if self.is_bound else self.initial
        mode = source.get("mode")
        given = [source.get(f"item_{n}") for n in range(1, scoring.DJG_ITEM_COUNT + 1)]
        return mode == AdministrationMode.SELF or any(a in STRONG_DJG_ANSWERS for a in given)

    @property
    def item_fields(self):
        return [self[name] for name in self.item_names]

    @staticmethod
    def initial_from(administration) -> dict:
        initial = {
            "participant": administration.participant_id,
            "timepoint": administration.timepoint,
            "mode": administration.mode,
            "language": administration.language,
            "administered_on": administration.administered_on,
        }
        for number, answer in enumerate(administration.answers or [], start=1):
            initial[f"item_{number}"] = NO_ANSWER if answer is None else str(answer)
        return initial

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in self.item_names):
            answers = [answer_code(self.instrument, cleaned[name]) for name in self.item_names]
            try:
                scoring.score(self.instrument, answers)
            except (scoring.InvalidAnswers, ValueError):
                raise forms.ValidationError(
                    _("The answers do not fit this questionnaire.")
                ) from None
            cleaned["answers"] = answers
        return cleaned


class AdministrationEditForm(AdministrationForm):
    """Correcting a questionnaire: the form carries the version the editor started from
    (optimistic locking); without a usable version the form is refused rather than saved
    blindly."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @staticmethod
    def initial_from(administration) -> dict:
        return {
            **AdministrationForm.initial_from(administration),
            "version": administration.version,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            self.add_error(
                None,
                _(
                    "This form is out of date, so it was not saved. Open the questionnaire "
                    "again in a new tab and copy your answers over."
                ),
            )
        return cleaned
