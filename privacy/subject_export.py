"""Everything stetapp holds about one participant, for a request for access or
portability (AVG art. 15 and 20; issue 11, item 4; docs/privacy.md, "Rights of the people
concerned"; the format is in docs/export-formats.md).

`build(participant=…, language=…)` gathers the person's own records — personal fields,
consents and their history, intake conversations, enrolments, attendance, meetings they
helped organise, follow-up calls, stories, questionnaires (answers and scores), ideas they
proposed or helped organise — and the purpose, category and retention rule of every field
it shows, read from the register (privacy/register.py). It costs a fixed number of
queries, whatever the number of records (tests/privacy/test_subject_export.py pins it).

Nothing about anyone else (docs/decisions.md, decision 62):

- another participant is never named: who brought the person becomes "brought by another
  participant: yes"; a meeting's other attendees, guests and speakers, an idea's other
  organisers and proposer are not read at all;
- free text about the group (meeting notes, an idea's look-back) is left out; free text
  about the person (intake notes, call notes, their story) is theirs and included;
- staff are named by their role in the person's organisation ("facilitator"), never by
  name or e-mail address.

`zip_bytes(…)` writes the download: a readable PDF (stetapp.pdf), one JSON file and one
CSV file per section.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from groups.languages import language_label
from groups.models import Membership, Role
from meetings.models import Attendance, FollowUpCall, Idea, Meeting
from participants.models import Consent, Enrolment, Intake, Participant
from reporting.models import Administration, Story
from stetapp.exports import _csv_bytes
from stetapp.pdf import render_pdf

from .history import jsonable
from .models import Change
from .register import declaration_of

FORMAT = "stetapp-subject-export"
FORMAT_VERSION = 1
TEMPLATE = "privacy/pdf/subject_export.html"

# Roles in the order a staff member is named by, when they hold several.
ROLE_ORDER = [Role.PROJECT_LEAD, Role.FACILITATOR, Role.VOLUNTEER]
# A staff account without a role in the organisation any more.
FORMER_STAFF = "staff"


@dataclass(frozen=True)
class Spec:
    """One section: which records (`fetch`), which of their fields (`columns`), and the
    fields of the register deliberately left out, with the reason (`left_out`)."""

    key: str
    model: type[models.Model]
    columns: tuple[str, ...]
    fetch: Callable[[Participant], Iterable[models.Model]]
    left_out: dict[str, str] = field(default_factory=dict)
    # A field whose value is not the record's own: computed from the record.
    computed: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    # How the PDF shows a field, when its stored value says little to a reader.
    shown: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    title: Callable[[], str] | None = None


# --- reading the records (one query each) ---------------------------------------------


def _consents(p: Participant):
    return Consent.objects.filter(participant_id=p.pk).order_by("given_on", "recorded_at", "pk")


def _intakes(p: Participant):
    return Intake.objects.filter(participant_id=p.pk).order_by("held_on", "pk")


def _enrolments(p: Participant):
    return (
        Enrolment.objects.filter(participant_id=p.pk)
        .select_related("group", "referred_to")
        .order_by("joined_on", "pk")
    )


def _attendance(p: Participant):
    return (
        Attendance.objects.filter(participant_id=p.pk)
        .select_related("meeting", "meeting__group")
        .order_by("meeting__starts_at", "pk")
    )


def _organised(p: Participant):
    return (
        Meeting.objects.filter(organisers=p.pk)
        .select_related("group")
        .only("starts_at", "ends_at", "status", "group__name")
        .order_by("starts_at", "pk")
    )


def _calls(p: Participant):
    return FollowUpCall.objects.filter(participant_id=p.pk).order_by("called_at", "pk")


def _stories(p: Participant):
    return Story.objects.filter(storyteller_id=p.pk).select_related("group").order_by("pk")


def _questionnaires(p: Participant):
    return (
        Administration.objects.filter(participant_id=p.pk)
        .select_related("group")
        .order_by("administered_on", "pk")
    )


def _ideas(p: Participant):
    organised = Idea.organisers.through.objects.filter(idea_id=OuterRef("pk"), participant_id=p.pk)
    # The proposer's number is not loaded (`defer`): it may be someone else, and a loaded
    # record reports its participant to the access log (privacy/access_log.py).
    return (
        Idea.objects.filter(Q(proposed_by_id=p.pk) | Exists(organised))
        .annotate(
            by_subject=ExpressionWrapper(Q(proposed_by_id=p.pk), output_field=BooleanField()),
            organised_by_subject=Exists(organised),
        )
        .defer("proposed_by", "look_back")
        .select_related("group", "meeting")
        .order_by("created_at", "pk")
    )


SECTIONS: tuple[Spec, ...] = (
    Spec(
        key="person",
        model=Participant,
        columns=(
            "full_name",
            "phone",
            "address",
            "postcode",
            "birth_year",
            "gender",
            "languages",
            "preferred_language",
            "needs_dutch_support",
            "country_of_origin",
            "community",
            "group",
            "lives_alone",
            "widowed",
            "interests",
            "religion",
            "health_notes",
            "confidential_notes",
            "channel",
            "channel_detail",
            "referred_by",
            "status",
            "status_changed_at",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
        ),
        fetch=lambda p: [p],
        # Who brought the person is another participant: only *that* someone did.
        computed={"referred_by": lambda obj: obj.referred_by_id is not None},
        title=lambda: _("Personal details"),
    ),
    Spec(
        key="consents",
        model=Consent,
        columns=(
            "purpose",
            "given_on",
            "method",
            "language",
            "info_version",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
        ),
        fetch=_consents,
        left_out={"participant": "the person themselves"},
    ),
    Spec(
        key="intakes",
        model=Intake,
        columns=(
            "held_on",
            "location",
            "conducted_by",
            "situation",
            "wishes",
            "practical_needs",
            "group_fits",
            "next_step",
            "created_at",
        ),
        fetch=_intakes,
        left_out={"participant": "the person themselves"},
    ),
    Spec(
        key="enrolments",
        model=Enrolment,
        columns=("group", "joined_on", "left_on", "leave_reason", "leave_notes", "referred_to"),
        fetch=_enrolments,
        left_out={"participant": "the person themselves"},
    ),
    Spec(
        key="attendance",
        model=Attendance,
        columns=("meeting", "group", "status", "is_trial", "marked_by", "marked_at", "tapped_at"),
        fetch=_attendance,
        left_out={
            "participant": "the person themselves",
            "guest_name": "a guest's name: someone else (empty on the person's own marks)",
        },
        computed={"group": lambda obj: obj.meeting.group.name},
    ),
    Spec(
        key="organised_meetings",
        model=Meeting,
        columns=("starts_at", "ends_at", "group", "status"),
        fetch=_organised,
        left_out={
            "organisers": "the other organisers are someone else",
            "notes": "notes about the whole group",
            "guest": "a guest or speaker is someone else",
            "recorded_by": "who kept the meeting's record, not about the person",
        },
        title=lambda: _("Meetings they helped organise"),
    ),
    Spec(
        key="follow_up_calls",
        model=FollowUpCall,
        columns=("called_at", "called_by", "outcome", "notes"),
        fetch=_calls,
        left_out={"participant": "the person themselves"},
    ),
    Spec(
        key="stories",
        model=Story,
        columns=(
            "group",
            "collected_on",
            "collected_by",
            "language",
            "domain",
            "own_domain",
            "title",
            "text",
            "translation",
            "significance",
            "quote",
            "event_period",
            "consent_scope",
            "verified",
            "created_at",
            "updated_by",
            "updated_at",
        ),
        fetch=_stories,
        left_out={"storyteller": "the person themselves"},
    ),
    Spec(
        key="questionnaires",
        model=Administration,
        columns=(
            "group",
            "instrument",
            "instrument_version",
            "timepoint",
            "administered_on",
            "administered_by",
            "language",
            "mode",
            "answers",
            "scores",
            "created_at",
            "updated_by",
            "updated_at",
        ),
        fetch=_questionnaires,
        left_out={"participant": "the person themselves"},
        computed={"scores": lambda obj: _scores(obj)},
        shown={
            "answers": lambda obj: _answers_shown(obj),
            "scores": lambda obj: _scores_shown(obj),
        },
    ),
    Spec(
        key="ideas",
        model=Idea,
        columns=(
            "group",
            "title",
            "description",
            "activity_kind",
            "source",
            "proposed_by",
            "organisers",
            "proposed_by_staff",
            "status",
            "meeting",
            "created_at",
        ),
        fetch=_ideas,
        left_out={"look_back": "the group's look back on the activity, about everyone"},
        # Only whether the person proposed or helped organise it, never who else did.
        computed={
            "proposed_by": lambda obj: obj.by_subject,
            "organisers": lambda obj: obj.organised_by_subject,
        },
    ),
)

# Extra labels for the columns that are not a model field of their own.
EXTRA_LABELS: dict[str, Callable[[], str]] = {
    "scores": lambda: _("scores"),
}
# Fields that have no label of their own (who recorded or changed a record, and when).
BOOKKEEPING_LABELS: dict[str, Callable[[], str]] = {
    "created_by": lambda: _("recorded by"),
    "created_at": lambda: _("recorded at"),
    "recorded_at": lambda: _("recorded at"),
    "marked_by": lambda: _("marked by"),
    "updated_by": lambda: _("last changed by"),
    "updated_at": lambda: _("last changed at"),
}
# Labels of computed columns whose meaning changed: a yes or no about the person.
COMPUTED_LABELS: dict[tuple[str, str], Callable[[], str]] = {
    ("person", "referred_by"): lambda: _("brought by another participant"),
    ("ideas", "proposed_by"): lambda: _("proposed by this person"),
    ("ideas", "organisers"): lambda: _("helped organise it"),
    ("attendance", "group"): lambda: _("group"),
}


def _scores(obj: Administration) -> dict[str, Any]:
    from reporting.scoring import InvalidAnswers

    try:
        result = obj.scores
    except InvalidAnswers:
        return {}
    values = {
        name: getattr(result, name)
        for name in ("total", "emotional", "social", "answered", "raw", "percentage")
        if hasattr(result, name)
    }
    return values


# The names of the scores (reporting/scoring.py) as the PDF shows them.
SCORE_LABELS: dict[str, Callable[[], str]] = {
    "total": lambda: _("Total"),
    "emotional": lambda: _("emotional"),
    "social": lambda: _("social"),
    "answered": lambda: _("items answered"),
    "raw": lambda: _("raw score"),
    "percentage": lambda: _("Percentage"),
}


def _scores_shown(obj: Administration) -> str:
    return _shown({SCORE_LABELS[name](): value for name, value in _scores(obj).items()})


def _answers_shown(obj: Administration) -> str:
    """Each item's wording with the answer given, in the instrument's own wording (the
    language of the export, else English; reporting/scoring.py), one item a line."""
    from reporting.scoring import ANSWER_LABELS, ITEMS

    language = translation.get_language() or "en"
    items = ITEMS.get(obj.instrument, {})
    wording = items.get(language) or items.get("en") or ()
    labels = ANSWER_LABELS.get(obj.instrument, {})
    answer_labels = labels.get(language) or labels.get("en") or {}
    lines = []
    for number, answer in enumerate(obj.answers or [], start=1):
        item = wording[number - 1] if number <= len(wording) else str(number)
        given = "—" if answer in (None, "") else str(answer_labels.get(answer, answer))
        lines.append(f"{number}. {item}: {given}")
    return "\n".join(lines) or "—"


# --- values ---------------------------------------------------------------------------


@dataclass
class Cell:
    name: str
    label: str
    value: Any  # as JSON holds it
    shown: str  # as the PDF shows it


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (name, label)
    records: list[list[Cell]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [{cell.name: cell.value for cell in record} for record in self.records]


@dataclass
class Export:
    participant_id: int
    organisation: str
    language: str
    made_at: dt.datetime
    sections: list[Section]
    consent_history: list[dict[str, Any]]
    processing: list[dict[str, Any]]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _user_fields(model: type[models.Model]) -> list[models.Field]:
    user_model = get_user_model()
    return [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model
    ]


def _field(model: type[models.Model], name: str) -> models.Field:
    """A stored field of the model (the sections name no reverse relations)."""
    return cast(models.Field, model._meta.get_field(name))


def _label(spec: Spec, name: str) -> str:
    if (spec.key, name) in COMPUTED_LABELS:
        return COMPUTED_LABELS[(spec.key, name)]()
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]()
    if name in BOOKKEEPING_LABELS:
        return BOOKKEEPING_LABELS[name]()
    return str(_field(spec.model, name).verbose_name)


def _shown(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join("—" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {'—' if v is None else v}" for k, v in value.items())
    return str(value)


def _role_label(code: str | None) -> str:
    if code is None:
        return "—"
    if code == FORMER_STAFF:
        return _("staff member")
    return str(Role(code).label)


def _cell(spec: Spec, obj: models.Model, name: str, roles: dict[int, str]) -> Cell:
    label = _label(spec, name)
    if name in spec.computed:
        value = spec.computed[name](obj)
        shown = spec.shown[name](obj) if name in spec.shown else _shown(value)
        return Cell(name, label, jsonable(value), shown)
    model_field = _field(spec.model, name)
    if name in spec.shown:
        value = getattr(obj, model_field.attname)
        return Cell(name, label, jsonable(value), spec.shown[name](obj))
    if model_field.is_relation and model_field.related_model is get_user_model():
        user_id = getattr(obj, model_field.attname)
        code = None if user_id is None else roles.get(user_id, FORMER_STAFF)
        return Cell(name, label, code, _role_label(code))
    if model_field.is_relation:
        related = getattr(obj, name)
        if isinstance(related, Meeting):
            return Cell(name, label, jsonable(related.starts_at), _shown(related.starts_at))
        text = None if related is None else getattr(related, "name", str(related))
        return Cell(name, label, text, _shown(text))
    value = getattr(obj, model_field.attname)
    if name == "languages" and isinstance(value, list):
        return Cell(name, label, value, _shown([language_label(code) for code in value]))
    if model_field.choices and value not in (None, ""):
        shown = str(getattr(obj, f"get_{name}_display")())
        return Cell(name, label, value, shown)
    return Cell(name, label, jsonable(value), _shown(value))


# --- staff by role (one query) --------------------------------------------------------


def _staff_roles(user_ids: set[int], organisation_id: int) -> dict[int, str]:
    """Each account's role in the organisation (its highest, by ROLE_ORDER); an account
    without one there is `FORMER_STAFF`."""
    if not user_ids:
        return {}
    held: dict[int, set[str]] = {}
    rows = (
        Membership.objects.filter(user_id__in=user_ids)
        .filter(Q(organisation_id=organisation_id) | Q(group__organisation_id=organisation_id))
        .order_by()
        .values_list("user_id", "role")
    )
    for user_id, role in rows:
        held.setdefault(user_id, set()).add(role)
    result = {}
    for user_id in user_ids:
        roles = held.get(user_id, set())
        result[user_id] = next((str(r) for r in ROLE_ORDER if r in roles), FORMER_STAFF)
    return result


# --- the consent history --------------------------------------------------------------


def _consent_changes(participant: Participant) -> list[Change]:
    return list(
        Change.objects.filter(participant_id=participant.pk, model="participants.Consent").order_by(
            "at", "pk"
        )
    )


CONSENT_USER_FIELDS = frozenset(f.name for f in _user_fields(Consent))


def _change_user_ids(change: Change) -> set[int]:
    ids = {change.actor_id} if change.actor_id is not None else set()
    for name, pair in (change.fields or {}).items():
        if name in CONSENT_USER_FIELDS and pair:
            ids.update(v for v in pair if isinstance(v, int))
    return ids


def _history_entry(change: Change, roles: dict[int, str]) -> dict[str, Any]:
    def role(value: Any) -> Any:
        return roles.get(value, FORMER_STAFF) if isinstance(value, int) else value

    fields: dict[str, Any] = {}
    for name, pair in (change.fields or {}).items():
        if name == "participant":
            continue
        if name in CONSENT_USER_FIELDS and pair:
            pair = [role(v) for v in pair]
        fields[name] = pair
    return {
        "at": jsonable(change.at),
        "action": change.action,
        "consent": change.object_id,
        "by": None if change.actor_id is None else role(change.actor_id),
        "fields": fields,
    }


def _history_shown(entry: dict[str, Any]) -> dict[str, str]:
    """One history entry as the PDF shows it."""
    labels = {f.name: str(f.verbose_name) for f in Consent._meta.concrete_fields}
    parts = []
    for name, pair in entry["fields"].items():
        label = labels.get(name, name)
        # Consents hold no special-category field: the history keeps every value.
        old, new = pair
        if name in CONSENT_USER_FIELDS:
            old, new = (_role_label(old) if old else None), (_role_label(new) if new else None)
        parts.append(f"{label}: {_shown(old)} → {_shown(new)}")
    when = dt.datetime.fromisoformat(entry["at"])
    return {
        "at": _shown(when),
        "action": str(dict(Change._meta.get_field("action").flatchoices)[entry["action"]]),
        "consent": entry["consent"],
        "by": _role_label(entry["by"]),
        "fields": "; ".join(parts),
    }


# --- processing: from the register ----------------------------------------------------


def _processing(sections: Iterable[Spec]) -> list[dict[str, Any]]:
    rows = []
    for spec in sections:
        for name in spec.columns:
            try:
                declared = declaration_of(spec.model, name)
            except KeyError:
                declared = None  # a computed column (scores): see its source fields
            if declared is None:
                continue
            rows.append(
                {
                    "section": spec.key,
                    "field": name,
                    "label": _label(spec, name),
                    "category": declared.category.value,
                    "category_label": str(declared.category.label),
                    "special_category": declared.special,
                    "purpose": declared.purpose.value,
                    "purpose_label": str(declared.purpose.label),
                    "retention": declared.retention.value,
                    "retention_label": str(declared.retention.label),
                }
            )
    return rows


# --- the builder ----------------------------------------------------------------------


def _title(spec: Spec) -> str:
    if spec.title is not None:
        return spec.title()
    return str(spec.model._meta.verbose_name_plural).capitalize()


def build(*, participant: Participant, language: str) -> Export:
    """Everything stetapp holds about `participant` (loaded with group and organisation),
    with labels in `language`. A fixed number of queries: one per section, one for the
    consent history, one for the staff's roles."""
    with translation.override(language):
        fetched = [(spec, list(spec.fetch(participant))) for spec in SECTIONS]
        changes = _consent_changes(participant)
        user_ids: set[int] = set()
        for spec, objs in fetched:
            for user_field in _user_fields(spec.model):
                if user_field.name in spec.columns:
                    user_ids.update(
                        uid for obj in objs if (uid := getattr(obj, user_field.attname)) is not None
                    )
        for change in changes:
            user_ids |= _change_user_ids(change)
        organisation = participant.group.organisation
        roles = _staff_roles(user_ids, organisation.pk)
        sections = [
            Section(
                key=spec.key,
                title=_title(spec),
                columns=[(name, _label(spec, name)) for name in spec.columns],
                records=[[_cell(spec, obj, name, roles) for name in spec.columns] for obj in objs],
            )
            for spec, objs in fetched
        ]
        return Export(
            participant_id=participant.pk,
            organisation=organisation.name,
            language=language,
            made_at=timezone.now(),
            sections=sections,
            consent_history=[_history_entry(c, roles) for c in changes],
            processing=_processing(SECTIONS),
        )


# --- the files ------------------------------------------------------------------------


def as_json(export: Export) -> dict[str, Any]:
    """The machine-readable bundle (docs/export-formats.md)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "made_at": jsonable(export.made_at),
        "language": export.language,
        "participant": {"number": export.participant_id, "organisation": export.organisation},
        "sections": {
            section.key: {
                "title": section.title,
                "columns": [{"name": n, "label": label} for n, label in section.columns],
                "records": section.as_dicts(),
            }
            for section in export.sections
        },
        "consent_history": export.consent_history,
        "processing": export.processing,
    }


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def csv_files(export: Export) -> dict[str, bytes]:
    """One CSV per section (machine names as headers), the consent history and the
    processing table: file name → bytes (stetapp.exports' CSV rules)."""
    files = {}
    for section in export.sections:
        headers = [name for name, _label in section.columns]
        rows = [[_csv_cell(cell.value) for cell in record] for record in section.records]
        files[f"{section.key}.csv"] = _csv_bytes(headers, rows)
    history_headers = ["at", "action", "consent", "by", "fields"]
    files["consent_history.csv"] = _csv_bytes(
        history_headers,
        [[_csv_cell(entry[h]) for h in history_headers] for entry in export.consent_history],
    )
    processing_headers = list(export.processing[0]) if export.processing else []
    files["processing.csv"] = _csv_bytes(
        processing_headers,
        [[row[h] for h in processing_headers] for row in export.processing],
    )
    return files


def _purposes(export: Export) -> list[dict[str, Any]]:
    """Each purpose with its retention rule once, and the data kept for it, per section
    (for the PDF: the JSON and CSV list every field)."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    titles = {s.key: s.title for s in export.sections}
    for row in export.processing:
        entry = grouped.setdefault(
            (row["purpose"], row["retention"]),
            {"purpose": row["purpose_label"], "retention": row["retention_label"], "data": {}},
        )
        fields = entry["data"].setdefault(titles[row["section"]], [])
        fields.append(row["label"] + (" *" if row["special_category"] else ""))
    return [
        {**entry, "data": [(title, ", ".join(fields)) for title, fields in entry["data"].items()]}
        for entry in grouped.values()
    ]


def pdf_bytes(export: Export) -> bytes:
    """The readable copy, in the export's language (stetapp.pdf)."""
    with translation.override(export.language):
        ctx = {
            "export": export,
            "person": export.section("person"),
            "sections": [s for s in export.sections if s.key != "person"],
            "history": [_history_shown(entry) for entry in export.consent_history],
            "purposes": _purposes(export),
        }
        return render_pdf(TEMPLATE, ctx)


def file_stem(participant_id: int) -> str:
    """Files are named by number, never by name (a file name travels further)."""
    return f"participant-{participant_id}"


def zip_bytes(*, participant: Participant, language: str) -> bytes:
    """The whole download: the PDF, the JSON and the CSV files in one ZIP."""
    export = build(participant=participant, language=language)
    stem = file_stem(participant.pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", pdf_bytes(export))
        archive.writestr(
            f"{stem}.json",
            json.dumps(as_json(export), ensure_ascii=False, indent=2, sort_keys=False),
        )
        for name, content in csv_files(export).items():
            archive.writestr(f"csv/{name}", content)
    return buffer.getvalue()


def covered_fields(spec: Spec) -> set[str]:
    """The register's personal fields of a section's model that the section accounts for:
    shown as a column, or left out with a reason."""
    return set(spec.columns) | set(spec.left_out)


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SECTIONS",
    "Export",
    "as_json",
    "build",
    "covered_fields",
    "csv_files",
    "file_stem",
    "pdf_bytes",
    "zip_bytes",
]
