"""Import participants (candidates) from a CSV or XLSX file: all rows or none.

The format is described in docs/import-formats.md ("Participants"). The file is read by
the shared `groups.importers.read_table`; every row is validated first, and only when no
row has an error are the people created, through participants.services_records, in one
transaction. Errors name the line as a spreadsheet shows it (the header is line 1).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from groups.importers import (
    ImportFileError,
    ImportResult,
    RowError,
    _flatten,
    _map_columns,
    accepted,
    column_name,
    read_table,
)
from groups.languages import LANGUAGE_CHOICES
from groups.models import Group
from stetapp.text import clean_text

from .models import Channel, FunnelStatus, Gender, Participant
from .services_records import participant_create, participant_enrol, participant_set_status

# Column names: English (canonical, listed first) and Dutch.
PARTICIPANT_COLUMNS = {
    "full_name": ("name", "full name", "naam", "volledige naam"),
    "group": ("group", "group name", "groep", "groepsnaam"),
    "phone": ("phone", "phone number", "telephone", "telefoon", "telefoonnummer"),
    "postcode": ("postcode", "postal code", "zip code"),
    "birth_year": ("birth year", "year of birth", "geboortejaar"),
    "gender": ("gender", "geslacht"),
    "community": ("community", "achtergrond", "gemeenschap"),
    "preferred_language": ("preferred language", "voorkeurstaal"),
    "languages": ("languages", "talen"),
    "channel": ("channel", "kanaal", "via"),
    "status": ("status",),
}
REQUIRED_PARTICIPANT_COLUMNS = ("full_name", "group")

# The column each model field came from, for error messages.
COLUMN_OF_FIELD = {key: aliases[0] for key, aliases in PARTICIPANT_COLUMNS.items()}

GENDER_VALUES = {
    "woman": Gender.WOMAN,
    "vrouw": Gender.WOMAN,
    "man": Gender.MAN,
    "other": Gender.OTHER,
    "anders": Gender.OTHER,
}

CHANNEL_VALUES = {
    **{c.value.replace("_", " "): c.value for c in Channel},
    **{c.value: c.value for c in Channel},
    "sleutelfiguur": Channel.KEY_FIGURE,
    "huisarts": Channel.GP,
    "moskee": Channel.MOSQUE,
    "kerk": Channel.CHURCH,
    "welzijn op recept": Channel.SOCIAL_PRESCRIBING,
    "partnerorganisatie": Channel.PARTNER,
    "netwerk": Channel.NETWORK,
    "deelnemer": Channel.PARTICIPANT,
    "anders": Channel.OTHER,
}

STATUS_VALUES = {
    **{s.value.replace("_", " "): s.value for s in FunnelStatus},
    **{s.value: s.value for s in FunnelStatus},
    "benaderd": FunnelStatus.CONTACTED,
    "intake gepland": FunnelStatus.INTAKE_PLANNED,
    "intake gedaan": FunnelStatus.INTAKE_DONE,
    "deelnemer": FunnelStatus.JOINED,
    "gestart": FunnelStatus.JOINED,
    "wachtlijst": FunnelStatus.WAITING_LIST,
    "afgezien": FunnelStatus.DECLINED,
    "doorverwezen": FunnelStatus.REFERRED,
}
# The Dutch words a message offers.
DUTCH_CHANNELS = [
    "sleutelfiguur",
    "huisarts",
    "moskee",
    "kerk",
    "welzijn op recept",
    "partnerorganisatie",
    "netwerk",
    "deelnemer",
    "flyer",
    "anders",
]
DUTCH_STATUSES = [
    "benaderd",
    "intake gepland",
    "intake gedaan",
    "deelnemer",
    "wachtlijst",
    "afgezien",
    "doorverwezen",
]

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
POSTCODE_RE = re.compile(r"^\d{4} ?[A-Za-z]{2}$")
MIN_BIRTH_YEAR = 1900


def _language_values() -> dict[str, str]:
    """ISO code, the English and the Dutch label (and the label without its
    parenthesis, "Tamazight" for "Tamazight (Berber)") → code; compared casefolded."""
    values = {}
    for code, label in LANGUAGE_CHOICES:
        values[code.casefold()] = code
        for language in ("en", "nl"):
            with override(language):
                text = str(label).casefold()
            values.setdefault(text, code)
            values.setdefault(text.split(" (")[0].strip(), code)
    return values


def _split_languages(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]


def import_participants(*, data: bytes, filename: str, groups, created_by=None) -> ImportResult:
    """Validate every row, then create all participants in one transaction, or none.

    `groups`: the groups the importing user may add people to (a queryset). A group name
    outside it is reported as unknown, exactly like one that does not exist. People with
    status "joined" are enrolled in their group from today. Raises ImportFileError when
    the file as a whole cannot be used.
    """
    header, body = read_table(data, filename)
    positions = _map_columns(header, PARTICIPANT_COLUMNS, REQUIRED_PARTICIPANT_COLUMNS)
    if not body:
        raise ImportFileError(_("The file has a header but no rows."))
    by_name: dict[str, list[Group]] = {}
    for group in groups.select_related("organisation"):
        by_name.setdefault(group.name.casefold(), []).append(group)
    languages = _language_values()
    this_year = timezone.localdate().year
    # Importing the same file twice must not register everyone twice: a row whose name
    # and phone are already registered for the group is refused (one query).
    known_people = {
        (group_id, name.casefold(), _digits(phone))
        for group_id, name, phone in Participant.objects.filter(
            group__in=[g for gs in by_name.values() for g in gs]
        ).values_list("group_id", "full_name", "phone")
    }
    seen: dict[tuple, int] = {}

    result = ImportResult()
    prepared = []
    for line, cells in body:

        def get(key, cells=cells):
            index = positions.get(key)
            if index is None or index >= len(cells):
                return ""
            return clean_text(cells[index], multiline=False).strip()

        messages = []
        full_name = " ".join(get("full_name").split())
        if not full_name:
            messages.append(_("name is empty"))
        group = None
        group_name = get("group")
        matches = by_name.get(group_name.casefold(), [])
        if not group_name:
            messages.append(_("group is empty"))
        elif not matches:
            messages.append(_("unknown group “%(value)s”") % {"value": group_name})
        elif len(matches) > 1:
            messages.append(
                _("more than one of your organisations has a group “%(value)s”")
                % {"value": group_name}
            )
        else:
            group = matches[0]

        phone = get("phone")
        if phone and not PHONE_RE.match(phone):
            messages.append(_("phone “%(value)s” is not a phone number") % {"value": phone})
        postcode = get("postcode")
        if postcode and not POSTCODE_RE.match(postcode):
            messages.append(
                _("postcode “%(value)s” is not a Dutch postcode like 1234 AB") % {"value": postcode}
            )
        birth_year = None
        if get("birth_year"):
            try:
                birth_year = int(get("birth_year"))
            except ValueError:
                birth_year = None
            if birth_year is None or not MIN_BIRTH_YEAR <= birth_year <= this_year:
                messages.append(
                    _("birth year “%(value)s” is not a year between %(low)d and %(high)d")
                    % {"value": get("birth_year"), "low": MIN_BIRTH_YEAR, "high": this_year}
                )
                birth_year = None
        gender: str | None = Gender.UNKNOWN
        if get("gender"):
            gender = GENDER_VALUES.get(get("gender").casefold())
            if gender is None:
                messages.append(
                    _("gender “%(value)s” is not woman, man or other") % {"value": get("gender")}
                )
        preferred_language: str | None = ""
        if get("preferred_language"):
            preferred_language = languages.get(get("preferred_language").casefold())
            if preferred_language is None:
                messages.append(
                    _("unknown preferred language “%(value)s”")
                    % {"value": get("preferred_language")}
                )
        spoken = []
        for part in _split_languages(get("languages")):
            code = languages.get(part.casefold())
            if code is None:
                messages.append(_("unknown language “%(value)s”") % {"value": part})
            elif code not in spoken:
                spoken.append(code)
        channel: str | None = Channel.OTHER
        if get("channel"):
            channel = CHANNEL_VALUES.get(get("channel").casefold())
            if channel is None:
                messages.append(
                    _("channel “%(value)s” is not one of: %(choices)s")
                    % {"value": get("channel"), "choices": accepted(Channel.values, DUTCH_CHANNELS)}
                )
        status: str | None = FunnelStatus.CONTACTED
        if get("status"):
            status = STATUS_VALUES.get(get("status").casefold())
            if status is None:
                messages.append(
                    _("status “%(value)s” is not one of: %(choices)s")
                    % {
                        "value": get("status"),
                        "choices": accepted(FunnelStatus.values, DUTCH_STATUSES),
                    }
                )
        fields = {
            "full_name": full_name,
            "phone": phone,
            "postcode": postcode,
            "birth_year": birth_year,
            "gender": gender,
            "community": " ".join(get("community").split()),
            "preferred_language": preferred_language or "",
            "languages": spoken,
            "channel": channel or Channel.OTHER,
        }
        if group is not None and full_name:
            key = (group.pk, full_name.casefold(), _digits(phone))
            if key in known_people:
                messages.append(
                    _("%(name)s is already registered for %(group)s")
                    % {"name": full_name, "group": group.name}
                )
            elif key in seen:
                messages.append(_("the same person is on line %(line)d too") % {"line": seen[key]})
            else:
                seen[key] = line
        if not messages:
            # The model's own rules (lengths, choices) as a backstop, without queries.
            candidate = Participant(group=group, **fields)
            try:
                candidate.full_clean(exclude=["group", "created_by", "referred_by"])
            except ValidationError as exc:
                messages.extend(_column_messages(exc))
        if messages:
            result.errors.append(RowError(line, messages))
        else:
            prepared.append((line, group, status or FunnelStatus.CONTACTED, fields))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            today = timezone.localdate()
            for line, group, status, fields in prepared:
                try:
                    participant = participant_create(group=group, created_by=created_by, **fields)
                    if status == FunnelStatus.JOINED:
                        participant_enrol(
                            participant=participant, group=group, by=created_by, joined_on=today
                        )
                    elif status != FunnelStatus.CONTACTED:
                        participant_set_status(
                            participant=participant, status=status, by=created_by
                        )
                except ValidationError as exc:
                    result.errors.append(RowError(line, _flatten(exc)))
                else:
                    result.created.append(participant)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    return result


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


class _Rollback(Exception):
    pass


def _column_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "message_dict"):
        return list(exc.messages)
    return [
        f"{column_name(COLUMN_OF_FIELD.get(field, field))}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


__all__ = ["PARTICIPANT_COLUMNS", "import_participants"]
