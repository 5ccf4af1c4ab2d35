"""The register of processing (AVG art. 30), declared next to the code.

Every concrete field of every model that stetapp keeps is declared here: either as
personal data — with its category, whether it is special-category data (AVG art. 9), the
purpose it serves, the roles that may see it and the retention rule that ends it — or as
`plain`, data that is not about a person. tests/privacy/test_register.py fails when a model
gains a field that is declared nowhere, or when a declaration names a field that no longer
exists, so the register cannot drift from the code. The privacy officer's register page
and XLSX (`manage.py privacy_register`) are generated from it, and the change history and
erasure use it to know which values they may keep: of a special-category field, history
says only *that* it changed (docs/privacy.md, "The register of processing").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.roles import Role

# The apps whose models the register covers: stetapp's own and the third-party apps that
# store data about people in stetapp's database.
OWN_APPS = ("stetapp", "groups", "funding", "participants", "meetings", "reporting")
THIRD_PARTY_APPS = ("admin", "sessions", "account", "mfa", "django_tasks_database")
# Tables of the framework that hold no data about people (names of permissions, types).
FRAMEWORK_APPS = ("auth", "contenttypes")


class Subject(models.TextChoices):
    """Whose data a record is."""

    PARTICIPANT = "participant", _("participants and candidates")
    VOLUNTEER = "volunteer", _("volunteers")
    STAFF = "staff", _("people who sign in (staff, volunteers, funders)")
    CONTACT = "contact", _("contact persons of partner organisations")


class Category(models.TextChoices):
    IDENTITY = "identity", _("name")
    CONTACT = "contact", _("contact details")
    BACKGROUND = "background", _("year of birth, gender and languages")
    SITUATION = "situation", _("living situation and interests")
    ORIGIN = "origin", _("country of origin and community")
    RELIGION = "religion", _("religion")
    HEALTH = "health", _("health and well-being")
    NOTES = "notes", _("notes about a person")
    PARTICIPATION = "participation", _("participation, attendance and calls")
    STORY = "story", _("stories and quotes")
    CONSENT = "consent", _("consents")
    MONEY = "money", _("claims and allowances")
    ACCOUNT = "account", _("account and sign-in")
    TRAIL = "trail", _("who recorded what, and when")


# Special categories (AVG art. 9): ethnic origin, religion and health. A community or a
# country of origin can reveal ethnic origin; questionnaire scores about loneliness and
# well-being are treated as health data (docs/privacy.md).
SPECIAL_CATEGORIES = frozenset({Category.ORIGIN, Category.RELIGION, Category.HEALTH})


class Purpose(models.TextChoices):
    GROUP_WORK = "group_work", _("running the group: meetings, invitations, attendance")
    RECRUITMENT = "recruitment", _("finding participants and matching them to a group")
    CARE = "care", _("looking after participants: follow-up calls, needs, referrals")
    EVALUATION = "evaluation", _("measuring what the groups change: questionnaires, stories")
    ACCOUNTABILITY = "accountability", _("reporting to funders, in anonymous totals")
    CONSENT = "consent", _("showing which consent was given, and when")
    FINANCE = "finance", _("expense claims and volunteer allowances")
    ACCESS = "access", _("signing in and deciding who may see what")
    TRACE = "trace", _("knowing who recorded or changed what")


class Retention(models.TextChoices):
    PERSON = (
        "person",
        _(
            "Two years after the person left, or after the last grant report that counts them "
            "if that is later; six months after the last contact for someone who never joined."
        ),
    )
    FINANCE = "finance", _("Seven years after the end of the book year (fiscal duty).")
    ACCOUNT = "account", _("As long as the account exists.")
    RECORD = "record", _("As long as the record it belongs to.")
    SESSION = "session", _("Until the session ends: at most twelve hours.")
    TASK = "task", _("Thirty days after the task finished.")


# Who may see a field (roles in groups.roles; site administrators are not listed).
TEAM = frozenset({Role.PROJECT_LEAD, Role.FACILITATOR})
TEAM_AND_VOLUNTEERS = TEAM | {Role.VOLUNTEER}
LEADS = frozenset({Role.PROJECT_LEAD})
COLLEAGUES = frozenset({Role.PROJECT_LEAD, Role.FACILITATOR, Role.PROGRAMME_COORDINATOR})
NOBODY = frozenset[Role]()


@dataclass(frozen=True)
class Personal:
    """The declaration of one personal-data field."""

    category: Category
    purpose: Purpose
    seen_by: frozenset[Role]
    retention: Retention

    @property
    def special(self) -> bool:
        return self.category in SPECIAL_CATEGORIES

    @property
    def masked(self) -> bool:
        """A value no log or history may hold: special-category data, or a secret that
        nobody sees (a password hash, a second factor's key)."""
        return self.special or not self.seen_by


@dataclass(frozen=True)
class ModelDeclaration:
    """One model: whose data its rows are, its personal fields, and the rest (`plain`,
    names separated by spaces)."""

    subject: Subject | None
    personal: dict[str, Personal] = field(default_factory=dict)
    plain: str = ""

    @property
    def plain_fields(self) -> frozenset[str]:
        return frozenset(self.plain.split())


def _p(category: Category, purpose: Purpose, seen_by: frozenset[Role], retention: Retention):
    return Personal(category=category, purpose=purpose, seen_by=seen_by, retention=retention)


C, P, R = Category, Purpose, Retention

# Declarations used by many models.
NAME = _p(C.IDENTITY, P.GROUP_WORK, TEAM_AND_VOLUNTEERS, R.PERSON)
PHONE = _p(C.CONTACT, P.GROUP_WORK, TEAM_AND_VOLUNTEERS, R.PERSON)
CONTACT = _p(C.CONTACT, P.GROUP_WORK, TEAM, R.PERSON)
ATTENDED = _p(C.PARTICIPATION, P.GROUP_WORK, TEAM_AND_VOLUNTEERS, R.PERSON)
CARED = _p(C.PARTICIPATION, P.CARE, TEAM, R.PERSON)
CARE_NOTE = _p(C.NOTES, P.CARE, TEAM, R.PERSON)
GROUP_NOTE = _p(C.NOTES, P.GROUP_WORK, TEAM_AND_VOLUNTEERS, R.RECORD)
STORY = _p(C.STORY, P.EVALUATION, TEAM, R.PERSON)
SCORES = _p(C.HEALTH, P.EVALUATION, TEAM, R.PERSON)
CONSENT = _p(C.CONSENT, P.CONSENT, TEAM, R.PERSON)
BY_WHOM = _p(C.TRAIL, P.TRACE, TEAM, R.RECORD)
BY_WHOM_FINANCE = _p(C.TRAIL, P.TRACE, LEADS, R.FINANCE)
ACCOUNT = _p(C.ACCOUNT, P.ACCESS, COLLEAGUES, R.ACCOUNT)
SECRET = _p(C.ACCOUNT, P.ACCESS, NOBODY, R.ACCOUNT)
SIGN_IN = _p(C.ACCOUNT, P.ACCESS, NOBODY, R.SESSION)
MONEY = _p(C.MONEY, P.FINANCE, LEADS, R.FINANCE)
VOLUNTEER = _p(C.IDENTITY, P.GROUP_WORK, COLLEAGUES, R.PERSON)
VOLUNTEER_CONTACT = _p(C.CONTACT, P.GROUP_WORK, TEAM, R.PERSON)
PARTNER_CONTACT = _p(C.CONTACT, P.CARE, TEAM, R.RECORD)
TASK = _p(C.TRAIL, P.TRACE, NOBODY, R.TASK)
# Names the privacy officer also reads, in the organisation's access log (decision 61).
OFFICER = frozenset({Role.PRIVACY_OFFICER})
PARTICIPANT_NAME = _p(C.IDENTITY, P.GROUP_WORK, TEAM_AND_VOLUNTEERS | OFFICER, R.PERSON)
ACCOUNT_NAME = _p(C.ACCOUNT, P.ACCESS, COLLEAGUES | OFFICER, R.ACCOUNT)

REGISTER: dict[str, ModelDeclaration] = {
    # --- participants -------------------------------------------------------------
    "participants.Participant": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "full_name": PARTICIPANT_NAME,
            "phone": PHONE,
            "address": CONTACT,
            "postcode": _p(C.CONTACT, P.RECRUITMENT, TEAM, R.PERSON),
            "birth_year": _p(C.BACKGROUND, P.RECRUITMENT, TEAM, R.PERSON),
            "gender": _p(C.BACKGROUND, P.RECRUITMENT, TEAM, R.PERSON),
            "languages": _p(C.BACKGROUND, P.GROUP_WORK, TEAM, R.PERSON),
            "preferred_language": _p(C.BACKGROUND, P.GROUP_WORK, TEAM, R.PERSON),
            "needs_dutch_support": _p(C.BACKGROUND, P.GROUP_WORK, TEAM, R.PERSON),
            "country_of_origin": _p(C.ORIGIN, P.RECRUITMENT, TEAM, R.PERSON),
            "community": _p(C.ORIGIN, P.RECRUITMENT, TEAM, R.PERSON),
            # Membership of a group that names a community can reveal origin or faith;
            # it is kept as participation so that the history shows moves between groups
            # (docs/privacy.md).
            "group": ATTENDED,
            "lives_alone": _p(C.SITUATION, P.RECRUITMENT, TEAM, R.PERSON),
            "widowed": _p(C.SITUATION, P.RECRUITMENT, TEAM, R.PERSON),
            "interests": _p(C.SITUATION, P.GROUP_WORK, TEAM, R.PERSON),
            "religion": _p(C.RELIGION, P.GROUP_WORK, TEAM, R.PERSON),
            "health_notes": _p(C.HEALTH, P.CARE, TEAM, R.PERSON),
            # Free text that can say anything: treated as special-category data.
            "confidential_notes": _p(C.HEALTH, P.CARE, TEAM, R.PERSON),
            "channel": _p(C.PARTICIPATION, P.RECRUITMENT, TEAM, R.PERSON),
            "channel_detail": _p(C.PARTICIPATION, P.RECRUITMENT, TEAM, R.PERSON),
            "referred_by": _p(C.PARTICIPATION, P.RECRUITMENT, TEAM, R.PERSON),
            "status": _p(C.PARTICIPATION, P.RECRUITMENT, TEAM, R.PERSON),
            "status_changed_at": _p(C.PARTICIPATION, P.RECRUITMENT, TEAM, R.PERSON),
            "created_by": BY_WHOM,
            "created_at": BY_WHOM,
            "updated_by": BY_WHOM,
            "updated_at": BY_WHOM,
        },
        plain="version",
    ),
    "participants.Consent": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal=dict.fromkeys(
            [
                "participant",
                "purpose",
                "given_on",
                "method",
                "language",
                "info_version",
                "withdrawn_at",
            ],
            CONSENT,
        )
        | {"recorded_by": BY_WHOM, "recorded_at": BY_WHOM, "withdrawn_by": BY_WHOM},
    ),
    "participants.Intake": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": CARED,
            "held_on": CARED,
            "location": CARED,
            "situation": CARE_NOTE,
            "wishes": CARE_NOTE,
            "practical_needs": CARE_NOTE,
            "group_fits": CARE_NOTE,
            "next_step": CARE_NOTE,
            "conducted_by": BY_WHOM,
            "created_at": BY_WHOM,
        },
    ),
    "participants.Enrolment": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": ATTENDED,
            "group": ATTENDED,
            "joined_on": ATTENDED,
            "left_on": ATTENDED,
            "leave_reason": CARED,
            "leave_notes": CARE_NOTE,
            "referred_to": CARED,
        },
    ),
    "participants.SocialService": ModelDeclaration(
        subject=Subject.CONTACT,
        personal={
            "contact_person": PARTNER_CONTACT,
            "phone": PARTNER_CONTACT,
            "email": PARTNER_CONTACT,
        },
        plain="organisation city name kind website address offers_speakers notes",
    ),
    # --- meetings -------------------------------------------------------------------
    "meetings.Attendance": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": ATTENDED,
            "guest_name": NAME,
            "is_trial": ATTENDED,
            "status": ATTENDED,
            "marked_by": BY_WHOM,
            "marked_at": BY_WHOM,
            "tapped_at": BY_WHOM,
        },
        plain="meeting",
    ),
    "meetings.AttendanceTap": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": ATTENDED,
            "guest_name": NAME,
            "is_trial": ATTENDED,
            "status": ATTENDED,
            "tapped_by": BY_WHOM,
            "tapped_at": BY_WHOM,
            "resolved_by": BY_WHOM,
            "resolved_at": BY_WHOM,
        },
        plain="client_id meeting only_if_unmarked base seen_starts_at received_at outcome",
    ),
    "meetings.FollowUpCall": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": CARED,
            "called_at": CARED,
            "outcome": CARED,
            "notes": CARE_NOTE,
            "called_by": BY_WHOM,
        },
    ),
    "meetings.Meeting": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "organisers": ATTENDED,
            "notes": GROUP_NOTE,
            "guest": _p(C.IDENTITY, P.GROUP_WORK, TEAM_AND_VOLUNTEERS, R.RECORD),
            "recorded_by": BY_WHOM,
        },
        plain="group series starts_at ends_at venue status change_reason moved_from "
        "language other_themes icebreaker activities partner version created_at "
        "updated_at themes",
    ),
    "meetings.MeetingSeries": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"created_by": BY_WHOM},
        plain="group first_date until_date interval_weeks start_time end_time venue created_at",
    ),
    "meetings.Idea": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "proposed_by": ATTENDED,
            "organisers": ATTENDED,
            "proposed_by_staff": BY_WHOM,
            "look_back": GROUP_NOTE,
        },
        plain="group title description activity_kind source votes status meeting created_at",
    ),
    "meetings.CalendarFeed": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"user": SECRET},
        plain="group generation expires_at",
    ),
    "meetings.Theme": ModelDeclaration(subject=None, plain="name organisation"),
    "meetings.Icebreaker": ModelDeclaration(subject=None, plain="name description organisation"),
    "meetings.GroupBreak": ModelDeclaration(subject=None, plain="group starts_on ends_on reason"),
    "meetings.CalendarEvent": ModelDeclaration(
        subject=None,
        plain="organisation name starts_on ends_on category source is_estimate "
        "suggestion_key dismissed",
    ),
    "meetings.GroupAgreement": ModelDeclaration(subject=None, plain="group position agreed_on"),
    "meetings.AgreementText": ModelDeclaration(subject=None, plain="agreement language text"),
    # --- reporting ------------------------------------------------------------------
    "reporting.Story": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "storyteller": STORY,
            "title": STORY,
            "text": _p(C.HEALTH, P.EVALUATION, TEAM, R.PERSON),
            "translation": _p(C.HEALTH, P.EVALUATION, TEAM, R.PERSON),
            "significance": STORY,
            "quote": STORY,
            "event_period": STORY,
            "consent_scope": CONSENT,
            "collected_by": BY_WHOM,
            "collected_on": BY_WHOM,
            "created_at": BY_WHOM,
            "updated_by": BY_WHOM,
            "updated_at": BY_WHOM,
        },
        plain="group domain own_domain language verified version",
    ),
    "reporting.Administration": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={
            "participant": SCORES,
            "answers": SCORES,
            "administered_on": SCORES,
            "timepoint": SCORES,
            "administered_by": BY_WHOM,
            "created_at": BY_WHOM,
            "updated_by": BY_WHOM,
            "updated_at": BY_WHOM,
        },
        plain="group instrument instrument_version language mode version",
    ),
    "reporting.Observation": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={"text": GROUP_NOTE, "observed_by": BY_WHOM},
        plain="group kind observed_on created_at",
    ),
    "reporting.SelectionRound": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"panel": GROUP_NOTE, "recorded_by": BY_WHOM},
        plain="organisation group level held_on selected reasons feedback_given_on "
        "created_at candidates",
    ),
    "reporting.ContinuationPlan": ModelDeclaration(
        subject=Subject.PARTICIPANT,
        personal={"volunteers": GROUP_NOTE, "updated_by": BY_WHOM},
        plain="group route status summary room volunteer_leads updated_at version "
        "follow_up_applications",
    ),
    "reporting.ContinuationStep": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"owner": GROUP_NOTE},
        plain="plan description due_on done_on",
    ),
    "reporting.ReportSummary": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "contact": _p(C.CONTACT, P.ACCOUNTABILITY, LEADS, R.FINANCE),
            "updated_by": BY_WHOM_FINANCE,
        },
        plain="grant start end text updated_at",
    ),
    "reporting.ReportBatch": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"requested_by": BY_WHOM},
        plain="id period_start period_end formats status total done task_id file error "
        "created_at finished_at grants",
    ),
    "reporting.MeasurementPlan": ModelDeclaration(
        subject=None, plain="group instruments updated_at"
    ),
    # The fund report PDFs kept per data version: aggregates only (docs/decisions.md 66).
    "reporting.StoredReport": ModelDeclaration(
        subject=None,
        plain="id grant start end language version status file filename queued_at "
        "finished_at asked_at",
    ),
    # The report pages the refresh job keeps made: which report, when (decision 71).
    "reporting.ReadReportPage": ModelDeclaration(
        subject=None, plain="grant start end language asked_at"
    ),
    # --- funding --------------------------------------------------------------------
    "funding.Volunteer": ModelDeclaration(
        subject=Subject.VOLUNTEER,
        personal={
            "full_name": VOLUNTEER,
            "email": VOLUNTEER_CONTACT,
            "phone": VOLUNTEER_CONTACT,
            "user": VOLUNTEER,
            "under_21": MONEY,
            "active": VOLUNTEER,
            "groups": VOLUNTEER,
        },
        plain="organisation",
    ),
    "funding.VolunteerHours": ModelDeclaration(
        subject=Subject.VOLUNTEER,
        personal={"volunteer": MONEY, "worked_on": MONEY, "hours": MONEY},
        plain="group meeting",
    ),
    "funding.AllowancePayment": ModelDeclaration(
        subject=Subject.VOLUNTEER,
        personal={"volunteer": MONEY, "paid_on": MONEY, "amount": MONEY, "note": MONEY},
    ),
    "funding.Expense": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "receipt": MONEY,
            "submitted_by": BY_WHOM_FINANCE,
            "decided_by": BY_WHOM_FINANCE,
            "decided_at": BY_WHOM_FINANCE,
        },
        plain="group grant budget_line category meeting spent_on amount description "
        "status created_at",
    ),
    "funding.FacilitatorProfile": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            name: _p(C.BACKGROUND, P.GROUP_WORK, LEADS, R.ACCOUNT)
            for name in [
                "user",
                "languages",
                "motivation",
                "hours_per_week",
                "cultural_knowledge",
                "local_network",
            ]
        },
    ),
    "funding.FundingApplication": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"team": _p(C.IDENTITY, P.FINANCE, LEADS, R.FINANCE), "created_by": BY_WHOM},
        plain="organisation fund title amount_requested status deadline submitted_on "
        "decided_on introduction project_description risk_analysis duration budget_notes "
        "monitoring created_at updated_at groups",
    ),
    "funding.NeedSignal": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"key_figures": GROUP_NOTE, "recorded_by": BY_WHOM},
        plain="group community signs signalled_on",
    ),
    "funding.ReadinessCheck": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"checked_by": BY_WHOM},
        plain="group key note checked_at",
    ),
    "funding.Fund": ModelDeclaration(
        subject=None,
        plain="name website description focus scope region max_amount needs_kvk_extract "
        "needs_statutes needs_annual_accounts has_quick_check deadlines "
        "advance_percentage pays_after_report accountant_statement_above notes "
        "kept_by_organisation kept_by_programme",
    ),
    "funding.BudgetLine": ModelDeclaration(
        subject=None,
        plain="application category description unit quantity unit_cost vat_included",
    ),
    "funding.CoverageLine": ModelDeclaration(
        subject=None, plain="application kind source_name fund amount status"
    ),
    "funding.Grant": ModelDeclaration(
        subject=None,
        plain="application amount period_start period_end conditions min_meetings report_due",
    ),
    "funding.GrantPayment": ModelDeclaration(subject=None, plain="grant received_on amount note"),
    "funding.AllowanceLimit": ModelDeclaration(
        subject=None, plain="year per_hour per_hour_under_21 per_month per_year source"
    ),
    # --- groups ---------------------------------------------------------------------
    "groups.Membership": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "user": ACCOUNT,
            "role": ACCOUNT,
            "invited_by": BY_WHOM,
            "created_at": BY_WHOM,
        },
        plain="programme organisation group fund",
    ),
    "groups.OrganisationCommunity": ModelDeclaration(
        subject=None,
        plain="organisation code label_nl label_en active aliases version updated_at",
    ),
    "groups.City": ModelDeclaration(subject=None, plain="cbs_code name province"),
    "groups.TableVersion": ModelDeclaration(subject=None, plain="name version"),
    # Counts of groups, no person (decision 85).
    "groups.ProgrammeTally": ModelDeclaration(
        subject=None,
        plain="programme city status composition coding_organisation community groups",
    ),
    "groups.ProgrammeOrganisationTally": ModelDeclaration(
        subject=None, plain="programme organisation groups"
    ),
    "groups.Programme": ModelDeclaration(subject=None, plain="name description organisations"),
    "groups.Organisation": ModelDeclaration(
        subject=None, plain="name city kvk_number school_region logo"
    ),
    "groups.Venue": ModelDeclaration(
        subject=None,
        plain="organisation name address postcode city closed_room separate_rooms capacity "
        "step_free notes",
    ),
    "groups.Group": ModelDeclaration(
        subject=None,
        plain="organisation name city community composition languages is_diverse "
        "target_size status start_date end_date venue created_at updated_at",
    ),
    # --- accounts and technical tables ------------------------------------------------
    "stetapp.User": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "email": ACCOUNT_NAME,
            "full_name": ACCOUNT_NAME,
            "language": ACCOUNT,
            "password": SECRET,
            "last_login": SECRET,
            "date_joined": ACCOUNT,
            "is_active": ACCOUNT,
        },
        plain="is_superuser is_staff groups user_permissions",
    ),
    "stetapp.ScheduledJob": ModelDeclaration(
        subject=None, plain="name last_started_at last_finished_at last_succeeded"
    ),
    "stetapp.Submission": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"user": SIGN_IN, "created_at": SIGN_IN},
        plain="token url",
    ),
    "account.EmailAddress": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"user": ACCOUNT, "email": ACCOUNT, "verified": ACCOUNT},
        plain="primary",
    ),
    "account.EmailConfirmation": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"email_address": SECRET, "key": SECRET},
        plain="created sent",
    ),
    "mfa.Authenticator": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "user": SECRET,
            "data": SECRET,
            "created_at": SECRET,
            "last_used_at": SECRET,
        },
        plain="type",
    ),
    "sessions.Session": ModelDeclaration(
        subject=Subject.STAFF,
        personal={"session_data": SIGN_IN, "session_key": SIGN_IN},
        plain="expire_date",
    ),
    "admin.LogEntry": ModelDeclaration(
        subject=Subject.STAFF,
        personal={
            "user": BY_WHOM,
            "object_repr": _p(C.IDENTITY, P.TRACE, NOBODY, R.RECORD),
            "change_message": _p(C.TRAIL, P.TRACE, NOBODY, R.RECORD),
        },
        plain="action_time content_type object_id action_flag",
    ),
    "django_tasks_database.DBTaskResult": ModelDeclaration(
        subject=Subject.STAFF,
        # Arguments are ids; failures keep no message (docs/privacy.md).
        personal={"args_kwargs": TASK, "worker_ids": TASK},
        plain="id status enqueued_at started_at finished_at priority task_path queue_name "
        "backend_name run_after return_value exception_class_path traceback",
    ),
}


def covered_models() -> Iterator[type[models.Model]]:
    """The models the register must declare (every app that stores rows about people)."""
    labels = set(OWN_APPS) | set(THIRD_PARTY_APPS)
    for model in apps.get_models():
        if model._meta.app_label in labels:
            yield model


def field_names(model: type[models.Model]) -> set[str]:
    """The stored fields of a model: columns and many-to-many links, not reverse ones."""
    return {
        f.name
        for f in model._meta.get_fields()
        if f.concrete and (not f.auto_created or f.many_to_many)
    }


def declaration_of(model: type[models.Model], name: str) -> Personal | None:
    """The personal-data declaration of one field, or None when it is plain data.
    KeyError when the field is not declared at all."""
    declared = REGISTER[model._meta.label]
    if name in declared.personal:
        return declared.personal[name]
    if name in declared.plain_fields:
        return None
    raise KeyError(f"{model._meta.label}.{name} is not in the register")


def special_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields of a model whose values are special-category data (history keeps only that
    they changed)."""
    declared = REGISTER.get(model._meta.label)
    if declared is None:
        return frozenset()
    return frozenset(name for name, d in declared.personal.items() if d.special)


def masked_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields whose values the change history keeps out: it says only that they changed."""
    declared = REGISTER.get(model._meta.label)
    if declared is None:
        return frozenset()
    return frozenset(name for name, d in declared.personal.items() if d.masked)


@dataclass(frozen=True)
class Row:
    """One line of the register as people read it."""

    model: str
    field: str
    label: str
    subject: str
    category: str
    special: bool
    purpose: str
    seen_by: str
    retention: str


def rows() -> list[Row]:
    """The register's personal-data fields, in a stable order, with translated labels."""
    result = []
    for model in sorted(covered_models(), key=lambda m: m._meta.label):
        declared = REGISTER[model._meta.label]
        for name, personal in sorted(declared.personal.items()):
            model_field = model._meta.get_field(name)
            label = getattr(model_field, "verbose_name", name)
            result.append(
                Row(
                    model=str(model._meta.verbose_name),
                    field=name,
                    label=str(label),
                    subject=str(declared.subject.label) if declared.subject else "",
                    category=str(personal.category.label),
                    special=personal.special,
                    purpose=str(personal.purpose.label),
                    seen_by=", ".join(
                        str(role.label) for role in sorted(personal.seen_by, key=str)
                    ),
                    retention=str(personal.retention.label),
                )
            )
    return result


def headers() -> list[str]:
    return [
        str(_("Record")),
        str(_("Field")),
        str(_("Label")),
        str(_("Whose data")),
        str(_("Category")),
        str(_("Special category (art. 9)")),
        str(_("Purpose")),
        str(_("Who may see it")),
        str(_("Kept for")),
    ]


def table() -> list[list[object]]:
    """The register as table rows, for the page and the XLSX (stetapp.exports)."""
    yes, no = str(_("yes")), str(_("no"))
    return [
        [
            row.model,
            row.field,
            row.label,
            row.subject,
            row.category,
            yes if row.special else no,
            row.purpose,
            row.seen_by,
            row.retention,
        ]
        for row in rows()
    ]
