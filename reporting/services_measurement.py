"""Writes for measurement: which instruments a group uses, and the questionnaires.

Raw answer codes are stored in item order (None for an item left unanswered); scores are
never stored, reporting/scoring.py computes them from the answers. Every function checks
the answers with the scoring module (an unknown code or a wrong number of items raises
ValidationError) and keeps one questionnaire per participant, instrument and time point.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group
from participants.models import Participant

from .models import Administration, AdministrationMode, Instrument, MeasurementPlan, Timepoint
from .scoring import InvalidAnswers, score

# Which version of the instrument the app asks: stored with every questionnaire, so a
# later change of wording or scale can be told apart.
INSTRUMENT_VERSIONS = {
    Instrument.DJG6: "6-item, 2006",
    Instrument.WHO5: "1998",
}


def measurement_plan_set(*, group: Group, instruments: list[str]) -> MeasurementPlan:
    """Turn the group's instruments on or off (an empty list: the group does not measure).
    Questionnaires already filled in are kept."""
    unknown = set(instruments) - set(Instrument.values)
    if unknown:
        raise ValidationError({"instruments": _("Choose from the instruments in the list.")})
    ordered = [value for value in Instrument.values if value in instruments]
    plan, _created = MeasurementPlan.objects.update_or_create(
        group=group, defaults={"instruments": ordered}
    )
    return plan


def _check(
    *,
    instrument: str,
    timepoint: str,
    mode: str,
    administered_on: dt.date,
    answers: list,
) -> None:
    errors = {}
    if instrument not in Instrument.values:
        errors["instrument"] = _("Choose one of the instruments.")
    if timepoint not in Timepoint.values:
        errors["timepoint"] = _("Choose baseline or follow-up.")
    if mode not in AdministrationMode.values:
        errors["mode"] = _("Choose how the questionnaire was filled in.")
    if administered_on and administered_on > timezone.localdate():
        errors["administered_on"] = _("The date cannot be in the future.")
    if instrument in Instrument.values:
        try:
            score(instrument, answers)
        except InvalidAnswers:
            errors["__all__"] = _("The answers do not fit this questionnaire.")
    if errors:
        raise ValidationError(errors)


def _duplicate_error(timepoint: str) -> ValidationError:
    return ValidationError(
        {
            "timepoint": _(
                "This participant already has a questionnaire for this instrument at "
                "“%(timepoint)s”. Open that one to change it."
            )
            % {"timepoint": Timepoint(timepoint).label}
        }
    )


def _save_once(administration: Administration, *, update_fields=None) -> Administration:
    """Save, keeping one questionnaire per participant, instrument and time point (checked
    first for a clear error, and by the database constraint against a race)."""
    clash = Administration.objects.filter(
        participant_id=administration.participant_id,
        instrument=administration.instrument,
        timepoint=administration.timepoint,
    )
    if administration.pk is not None:
        clash = clash.exclude(pk=administration.pk)
    if clash.exists():
        raise _duplicate_error(administration.timepoint)
    try:
        with transaction.atomic():
            administration.save(update_fields=update_fields)
    except IntegrityError:
        raise _duplicate_error(administration.timepoint) from None
    return administration


@transaction.atomic
def administration_create(
    *,
    group: Group,
    participant: Participant,
    instrument: str,
    timepoint: str,
    mode: str,
    language: str,
    administered_on: dt.date,
    answers: list,
    by,
) -> Administration:
    """Record one filled-in questionnaire of a participant of `group`. Raises
    ValidationError for answers that do not fit the instrument and for a second
    questionnaire of the same instrument and time point."""
    _check(
        instrument=instrument,
        timepoint=timepoint,
        mode=mode,
        administered_on=administered_on,
        answers=answers,
    )
    administration = Administration(
        participant=participant,
        group=group,
        instrument=instrument,
        version=INSTRUMENT_VERSIONS.get(instrument, ""),
        language=language,
        mode=mode,
        timepoint=timepoint,
        administered_on=administered_on,
        administered_by=by,
        answers=list(answers),
    )
    return _save_once(administration)


@transaction.atomic
def administration_update(
    *,
    administration: Administration,
    participant: Participant,
    timepoint: str,
    mode: str,
    language: str,
    administered_on: dt.date,
    answers: list,
) -> Administration:
    """Correct a questionnaire. The instrument, group and who recorded it stay; the same
    checks as administration_create apply."""
    _check(
        instrument=administration.instrument,
        timepoint=timepoint,
        mode=mode,
        administered_on=administered_on,
        answers=answers,
    )
    administration.participant = participant
    administration.timepoint = timepoint
    administration.mode = mode
    administration.language = language
    administration.administered_on = administered_on
    administration.answers = list(answers)
    return _save_once(
        administration,
        update_fields=[
            "participant",
            "timepoint",
            "mode",
            "language",
            "administered_on",
            "answers",
            "updated_at",
        ],
    )
