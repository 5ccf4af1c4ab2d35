"""Writes for measurement: which instruments a group uses, and the questionnaires.

Raw answer codes are stored in item order (None for an item left unanswered); scores are
never stored, reporting/scoring.py computes them from the answers. Every function checks
the answers with the scoring module (an unknown code or a wrong number of items raises
ValidationError) and keeps one questionnaire per participant, instrument and time point.

Correcting a questionnaire is optimistic: the edit names the questionnaire's `version` it
started from; the row is locked, the version compared and raised by one, and a stale
version raises ConflictError and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group
from participants.models import Participant

from .models import Administration, AdministrationMode, Instrument, MeasurementPlan, Timepoint
from .scoring import InvalidAnswers, score

if TYPE_CHECKING:
    from stetapp.models import User

# Which version of the instrument the app asks, so a later change of wording or scale can
# be told apart. Not stored at the moment: Administration.version is the edit counter.
INSTRUMENT_VERSIONS: dict[str, str] = {
    Instrument.DJG6: "6-item, 2006",
    Instrument.WHO5: "1998",
}


class ConflictError(Exception):
    """Someone else saved the questionnaire after this edit started; nothing was saved."""


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
    answers: list[int | str | None],
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


def _save_once(
    administration: Administration, *, update_fields: list[str] | None = None
) -> Administration:
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
    answers: list[int | str | None],
    by: User,
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
        instrument_version=INSTRUMENT_VERSIONS.get(instrument, ""),
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
    version: int,
    participant: Participant,
    timepoint: str,
    mode: str,
    language: str,
    administered_on: dt.date,
    answers: list[int | str | None],
    by: User,
) -> Administration:
    """Correct a questionnaire if nobody else saved it since `version` (ConflictError
    otherwise, saving nothing). The instrument, group and who recorded it stay; `by`, who
    corrects it, is kept as who saved it last (named if someone's stale correction is
    refused, docs/decisions.md 46); the same checks as administration_create apply."""
    current = Administration.objects.select_for_update().get(pk=administration.pk)
    if current.version != version:
        raise ConflictError
    _check(
        instrument=current.instrument,
        timepoint=timepoint,
        mode=mode,
        administered_on=administered_on,
        answers=answers,
    )
    current.participant = participant
    current.timepoint = timepoint
    current.mode = mode
    current.language = language
    current.administered_on = administered_on
    current.answers = list(answers)
    current.updated_by = by
    current.version = F("version") + 1
    _save_once(
        current,
        update_fields=[
            "participant",
            "timepoint",
            "mode",
            "language",
            "administered_on",
            "answers",
            "updated_at",
            "updated_by",
            "version",
        ],
    )
    current.refresh_from_db()
    return current
