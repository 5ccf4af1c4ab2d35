"""Measurement, optional per group: the De Jong Gierveld loneliness scale (6 items) and
the WHO-5 well-being index, at baseline and follow-up.

Access: the group's facilitators and the project lead of its organisation
(`roles(FACILITATOR, PROJECT_LEAD)`, then the group through `group_get_for_user` (404
outside the user's scope) and the user's roles in that group (403 for a volunteer or a
coordinator). Personal scores are shown only on these pages; the group result (means over
the participants with both time points) only from MIN_PAIRS pairs on
(reporting.selectors.measurement_results). Each view: rule → scoped fetch → form →
service → redirect or render. Correcting a questionnaire is optimistic: a stale version
saves nothing, keeps what the user typed and shows the saved values that differ.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, group_get_for_user, rule_for
from groups.models import Group
from participants.models import Enrolment, Participant
from stetapp.access import access, get_visible_or_404
from stetapp.conflicts import saved_by
from stetapp.forms import apply_validation_error
from stetapp.submission import submission_once

from . import scoring
from . import services_measurement as services
from .forms_measurement import (
    AdministrationEditForm,
    AdministrationForm,
    MeasurementPlanForm,
    answer_labels,
    item_texts,
    wording_language,
)
from .models import Administration, AdministrationMode, Instrument, MeasurementPlan, Timepoint
from .selectors import MIN_PAIRS, measurement_results

STAFF = rule_for(Need.EDIT)


def _administration_for(user, pk) -> Administration:
    """A questionnaire of a group the user facilitates or leads (404 otherwise)."""
    return get_visible_or_404(
        Administration.objects.select_related(
            "participant", "group", "group__organisation", "administered_by"
        ),
        user=user,
        pk=pk,
    )


def _plan_instruments(group: Group) -> list[str]:
    plan = MeasurementPlan.objects.filter(group=group).values_list("instruments", flat=True)
    return list(plan.first() or [])


def _safe_score(administration: Administration):
    """The computed scores, or None when the stored answers do not fit the instrument."""
    try:
        return scoring.score(administration.instrument, administration.answers)
    except (scoring.InvalidAnswers, ValueError):
        return None


# --- the group's measurement page ---------------------------------------------------------


def _overview(*, user, group: Group, instruments: list[str]) -> list[dict]:
    """Per instrument in use (or with questionnaires), a row per participant with the
    baseline and follow-up and their scores, and the group result. Three queries:
    participants (current members and anyone with a questionnaire here), questionnaires,
    and the group result."""
    current = Enrolment.objects.current().filter(group_id=group.pk, participant_id=OuterRef("pk"))
    participants = list(
        Participant.objects.visible_to(user)
        .filter(
            Q(pk__in=Enrolment.objects.current().filter(group=group).values("participant_id"))
            | Q(pk__in=Administration.objects.filter(group=group).values("participant_id"))
        )
        .annotate(is_current=Exists(current))
        .only("pk", "full_name")
        .order_by("full_name", "pk")
    )
    administrations = list(
        Administration.objects.filter(group=group).only(
            "pk",
            "participant_id",
            "instrument",
            "timepoint",
            "answers",
            "administered_on",
            "group_id",
        )
    )
    by_key = {(a.participant_id, a.instrument, a.timepoint): a for a in administrations}
    used = set(instruments) | {a.instrument for a in administrations}
    results = {r.instrument: r for r in measurement_results(groups=[group])}
    sections = []
    for instrument in Instrument:
        if instrument.value not in used:
            continue
        rows = []
        for participant in participants:
            cells = []
            for timepoint in Timepoint:
                administration = by_key.get((participant.pk, instrument.value, timepoint.value))
                cells.append(
                    {
                        "timepoint": timepoint,
                        "administration": administration,
                        "score": _safe_score(administration) if administration else None,
                        "new_url": _new_url(group, instrument, participant, timepoint),
                    }
                )
            if participant.is_current or any(cell["administration"] for cell in cells):
                rows.append({"participant": participant, "cells": cells})
        sections.append(
            {
                "instrument": instrument,
                "in_plan": instrument.value in instruments,
                "rows": rows,
                "result": results.get(instrument.value),
                "citation": scoring.CITATIONS[instrument.value],
            }
        )
    return sections


def _new_url(group, instrument, participant, timepoint) -> str:
    query = urlencode(
        {
            "instrument": instrument.value,
            "participant": participant.pk,
            "timepoint": timepoint.value,
        }
    )
    return f"{reverse('administration_create', args=[group.pk])}?{query}"


@access(STAFF)
@require_GET
def measurement_group(request, pk):
    """Which instruments the group uses, each participant's questionnaires and scores, and
    the group result from MIN_PAIRS participants with both time points. Nine queries
    whatever the number of participants."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    instruments = _plan_instruments(group)
    ctx = {
        "group": group,
        "instruments": instruments,
        "plan_form": MeasurementPlanForm(initial={"instruments": instruments}),
        "sections": _overview(user=user, group=group, instruments=instruments),
        "min_pairs": MIN_PAIRS,
        "who5_poor_at_or_below": scoring.WHO5_POOR_AT_OR_BELOW,
        "who5_meaningful_change": scoring.WHO5_MEANINGFUL_CHANGE,
    }
    return render(request, "reporting/measurement_group.html", ctx)


@access(STAFF)
@require_POST
def measurement_plan(request, pk):
    """Turn the group's instruments on or off (checkboxes; none checked: measuring off)."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    form = MeasurementPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from the instruments in the list."))
        return redirect("measurement_group", pk=group.pk)
    try:
        plan = services.measurement_plan_set(
            group=group, instruments=form.cleaned_data["instruments"]
        )
    except ValidationError:
        messages.error(request, _("Choose from the instruments in the list."))
    else:
        if plan.instruments:
            messages.success(request, _("The group's instruments are saved."))
        else:
            messages.success(request, _("This group does not measure (any more)."))
    return redirect("measurement_group", pk=group.pk)


# --- one questionnaire ---------------------------------------------------------------------


def _participants_for(user, group: Group, *, include=None):
    """The group's current participants the user may see (and, when editing, the
    questionnaire's own participant, who may have left since)."""
    return (
        Participant.objects.visible_to(user)
        .among(
            Enrolment.objects.current().filter(group=group).values("participant_id"),
            also=[include],
        )
        .order_by("full_name", "pk")
    )


def _instrument_from(value, group: Group) -> str:
    if value in Instrument.values:
        return value
    instruments = _plan_instruments(group)
    return instruments[0] if instruments else Instrument.DJG6


def _ui_language() -> str:
    return (get_language() or "en").split("-")[0]


def _form_ctx(form: AdministrationForm, instrument: str) -> dict:
    language = wording_language(instrument)
    return {
        "form": form,
        "instrument": Instrument(instrument),
        "five_options": form.five_options,
        "wording_language": language,
        "wording_is_fallback": language != _ui_language(),
        "citation": scoring.CITATIONS[instrument],
        "instruments": list(Instrument),
    }


@access(STAFF)
@require_http_methods(["GET", "POST"])
@submission_once
def administration_create(request, pk):
    """Record a filled-in questionnaire: ?instrument=djg6|who5 picks the questionnaire;
    ?participant=, ?timepoint= and ?mode= fill in the form (mode=self shows the five
    answer options of the loneliness scale)."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    source = request.POST if request.method == "POST" else request.GET
    instrument = _instrument_from(source.get("instrument"), group)
    participants = _participants_for(user, group)
    if request.method == "POST":
        form = AdministrationForm(request.POST, instrument=instrument, participants=participants)
    else:
        initial = {"timepoint": Timepoint.BASELINE, "mode": AdministrationMode.INTERVIEW}
        if request.GET.get("participant", "").isdigit():
            initial["participant"] = int(request.GET["participant"])
        if request.GET.get("timepoint") in Timepoint.values:
            initial["timepoint"] = request.GET["timepoint"]
        if request.GET.get("mode") in AdministrationMode.values:
            initial["mode"] = request.GET["mode"]
        form = AdministrationForm(initial=initial, instrument=instrument, participants=participants)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            administration = services.administration_create(
                group=group,
                participant=data["participant"],
                instrument=instrument,
                timepoint=data["timepoint"],
                mode=data["mode"],
                language=data["language"],
                administered_on=data["administered_on"],
                answers=data["answers"],
                by=user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The questionnaire is saved."))
            return redirect("administration_detail", pk=administration.pk)
    ctx = {"group": group, "administration": None, **_form_ctx(form, instrument)}
    ctx["switch_query"] = _switch_query(request.GET)
    return render(request, "reporting/administration_form.html", ctx)


def _switch_query(params) -> dict:
    """The query strings of the links that change the instrument or the answer scale,
    keeping the participant and time point chosen."""
    keep = {k: params[k] for k in ("participant", "timepoint") if params.get(k)}
    instrument = params.get("instrument") or ""
    return {
        "djg6": urlencode({**keep, "instrument": Instrument.DJG6}),
        "who5": urlencode({**keep, "instrument": Instrument.WHO5}),
        "self": urlencode({**keep, "instrument": instrument or Instrument.DJG6, "mode": "self"}),
        "interview": urlencode(
            {**keep, "instrument": instrument or Instrument.DJG6, "mode": "interview"}
        ),
    }


def _answer_shown(labels: dict, answer) -> str:
    if answer is None:
        return pgettext("questionnaire item", "no answer")
    return str(labels.get(answer, answer))


def _administration_differences(
    form: AdministrationEditForm, current: Administration
) -> list[tuple[str, str]]:
    """The fields and items where the saved questionnaire now differs from what the user
    typed, with the saved value as the page shows it."""
    data = form.cleaned_data
    rows = []
    if current.participant_id != data["participant"].pk:
        rows.append((str(form.fields["participant"].label), current.participant.full_name))
    for name in ("timepoint", "mode", "language"):
        if getattr(current, name) != data[name]:
            shown = capfirst(getattr(current, f"get_{name}_display")())
            rows.append((str(form.fields[name].label), shown))
    if current.administered_on != data["administered_on"]:
        rows.append(
            (str(form.fields["administered_on"].label), date_format(current.administered_on))
        )
    labels = answer_labels(current.instrument)
    saved = list(current.answers or [])
    pairs = zip(form.item_names, data["answers"], strict=True)
    for number, (name, typed) in enumerate(pairs, start=1):
        answer = saved[number - 1] if number <= len(saved) else None
        if answer != typed:
            label = f"{number}. {form.fields[name].label}"
            rows.append((label, _answer_shown(labels, answer)))
    return rows


@access(STAFF)
@require_http_methods(["GET", "POST"])
def administration_edit(request, pk):
    """Correct a questionnaire: the same form, filled in; the instrument stays."""
    user = request.user
    administration = _administration_for(user, pk)
    group = administration.group
    instrument = administration.instrument
    participants = _participants_for(user, group, include=administration.participant_id)
    if request.method == "POST":
        form = AdministrationEditForm(
            request.POST, instrument=instrument, participants=participants
        )
    else:
        initial = AdministrationEditForm.initial_from(administration)
        if request.GET.get("mode") in AdministrationMode.values:
            initial["mode"] = request.GET["mode"]
        form = AdministrationEditForm(
            initial=initial, instrument=instrument, participants=participants
        )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.administration_update(
                administration=administration,
                version=data["version"],
                participant=data["participant"],
                timepoint=data["timepoint"],
                mode=data["mode"],
                language=data["language"],
                administered_on=data["administered_on"],
                answers=data["answers"],
                by=user,
            )
        except services.ConflictError:
            administration = _administration_for(user, pk)
            conflict = _administration_differences(form, administration)
            # Keep what the user typed; the next save starts from the saved version.
            posted = request.POST.copy()
            posted["version"] = str(administration.version)
            form = AdministrationEditForm(posted, instrument=instrument, participants=participants)
            form.is_valid()
            message = _(
                "Someone else saved this questionnaire while you were editing it. Your "
                "answers are not saved yet: they are still in the form below. Compare "
                "them with the saved values and press Save again."
            )
            # Who and when (docs/decisions.md 46); the answers are in the form.
            who = saved_by(who=administration.updated_by, at=administration.updated_at)
            messages.error(request, f"{message} {who}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The questionnaire is saved."))
            return redirect("administration_detail", pk=administration.pk)
    ctx = {
        "group": group,
        "administration": administration,
        "conflict": conflict,
        **_form_ctx(form, instrument),
    }
    ctx["switch_query"] = {
        "self": urlencode({"mode": "self"}),
        "interview": urlencode({"mode": "interview"}),
    }
    return render(request, "reporting/administration_form.html", ctx)


def _missing_note(instrument: str, result, missing: int) -> str:
    """How the missing-data rule applied to this questionnaire, in a sentence."""
    if not missing or result is None:
        return ""
    if instrument == Instrument.WHO5:
        return _(
            "Not every item was answered. The WHO-5 has no rule for missing items, so this "
            "questionnaire has no score."
        )
    if missing == 1:
        return _(
            "One item was not answered. The total counts the other five items; the "
            "subscale that item belongs to has no score."
        )
    return _(
        "%(count)s items were not answered. With more than one item missing there is no "
        "total; a subscale has no score when one of its items is missing."
    ) % {"count": missing}


@access(STAFF)
@require_GET
def administration_detail(request, pk):
    """The raw answers next to the item wording, the scores computed from them, how the
    missing-data rule applied, and the instrument's citation."""
    user = request.user
    administration = _administration_for(user, pk)
    instrument = administration.instrument
    texts = item_texts(instrument)
    labels = answer_labels(instrument)
    answers = list(administration.answers or [])
    result = _safe_score(administration)
    items = []
    for number, text in enumerate(texts, start=1):
        answer = answers[number - 1] if number <= len(answers) else None
        item = {"number": number, "text": text, "code": answer, "label": "", "score": None}
        if instrument == Instrument.DJG6:
            emotional = number in scoring.DJG_NEGATIVE_ITEMS
            item["subscale"] = _("emotional") if emotional else _("social")
        if answer is not None:
            item["label"] = labels.get(answer, str(answer))
            if result is not None:
                item["score"] = (
                    scoring.djg_item_score(number, answer)
                    if instrument == Instrument.DJG6
                    else answer
                )
        items.append(item)
    missing = len(texts) - (result.answered if result is not None else 0)
    language = wording_language(instrument)
    ctx = {
        "administration": administration,
        "group": administration.group,
        "items": items,
        "result": result,
        "missing_note": _missing_note(instrument, result, missing),
        "citation": scoring.CITATIONS[instrument],
        "wording_is_fallback": language != _ui_language(),
        "who5_poor_at_or_below": scoring.WHO5_POOR_AT_OR_BELOW,
    }
    return render(request, "reporting/administration_detail.html", ctx)
