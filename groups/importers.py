"""Import groups from a CSV or XLSX file: all rows or none.

The format is described in docs/import-formats.md. `stetapp.tabular.read_table` turns a
file into rows (shared by every import, with its limits); `import_groups` validates every
row first and writes only when no row has an error. Errors name the line as a spreadsheet
shows it (the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from stetapp.tabular import ImportFileError, read_table
from stetapp.text import clean_text

from .models import City, Composition, Group, GroupStatus, Organisation, Programme, SchoolRegion
from .services import group_create, organisation_create


@dataclass
class RowError:
    line: int
    messages: list[str]

    def __str__(self):
        return _("line %(line)d: %(messages)s") % {
            "line": self.line,
            "messages": "; ".join(self.messages),
        }


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Column names: English (canonical, listed first) and Dutch. When two names of one column
# are both in the header, the one listed first wins.
GROUP_COLUMNS = {
    "organisation": ("organisation", "organisatie", "organization"),
    "city": ("city", "gemeente", "plaats", "municipality"),
    "name": ("group name", "name", "groepsnaam", "naam", "groep", "group"),
    "community": ("community", "achtergrond", "doelgroep", "gemeenschap"),
    "composition": ("composition", "samenstelling"),
    "status": ("status",),
    "start_date": ("start date", "start_date", "startdatum"),
}
REQUIRED_GROUP_COLUMNS = ("organisation", "city", "name", "community", "composition", "status")

COMPOSITION_VALUES = {
    "women": Composition.WOMEN,
    "vrouwen": Composition.WOMEN,
    "men": Composition.MEN,
    "mannen": Composition.MEN,
    "mixed": Composition.MIXED,
    "gemengd": Composition.MIXED,
}
STATUS_VALUES = {
    "preparing": GroupStatus.PREPARING,
    "voorbereiding": GroupStatus.PREPARING,
    "in voorbereiding": GroupStatus.PREPARING,
    "recruiting": GroupStatus.RECRUITING,
    "werving": GroupStatus.RECRUITING,
    "running": GroupStatus.RUNNING,
    "actief": GroupStatus.RUNNING,
    "loopt": GroupStatus.RUNNING,
    "continuing": GroupStatus.CONTINUING,
    "voortzetting": GroupStatus.CONTINUING,
    "ended": GroupStatus.ENDED,
    "beëindigd": GroupStatus.ENDED,
    "afgerond": GroupStatus.ENDED,
}
# The Dutch words a message offers, one per status, in the order of GroupStatus.
DUTCH_STATUS = ["voorbereiding", "werving", "actief", "voortzetting", "afgerond"]


def parse_date(value: str) -> dt.date:
    """Accept 2025-03-14, 14-03-2025 and 14/03/2025; raise ValueError otherwise."""
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValueError(value)


# The Dutch name of each column, for messages in Dutch (the English name is the first
# name of the column in its spec).
DUTCH_COLUMN_NAMES = {
    "organisation": "organisatie",
    "city": "gemeente",
    "group name": "groepsnaam",
    "community": "achtergrond",
    "composition": "samenstelling",
    "start date": "startdatum",
    "name": "naam",
    "group": "groep",
    "phone": "telefoon",
    "birth year": "geboortejaar",
    "gender": "geslacht",
    "preferred language": "voorkeurstaal",
    "languages": "talen",
    "channel": "kanaal",
    "kvk number": "kvk-nummer",
    "school region": "schoolregio",
}


def in_dutch() -> bool:
    """Whether messages are in Dutch (the active language, else the site's default)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] == "nl"


def column_name(english: str) -> str:
    """A column as a message names it: in Dutch by its Dutch name, else its English one."""
    return DUTCH_COLUMN_NAMES.get(english, english) if in_dutch() else english


def accepted(english: list[str], dutch: list[str]) -> str:
    """The values a column accepts, listed in the language of the message."""
    return ", ".join(dutch if in_dutch() else english)


def _map_columns(header: list[str], spec: dict, required: tuple) -> dict[str, int]:
    positions = {}
    for key, aliases in spec.items():
        for alias in aliases:
            if alias in header:
                positions[key] = header.index(alias)
                break
    missing = [column_name(spec[key][0]) for key in required if key not in positions]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(columns)s. Found: %(found)s.")
            % {"columns": ", ".join(missing), "found": ", ".join(h for h in header if h) or "—"}
        )
    return positions


# --- cities ----------------------------------------------------------------------------

# Names people use for a municipality that CBS spells otherwise (docs/import-formats.md).
CITY_ALIASES = {
    "Den Haag": "GM0518",
    "The Hague": "GM0518",
    "Den Bosch": "GM0796",
    "Nuenen": "GM0820",
}
CITY_SUGGESTIONS = 3
# How alike a name must be to be suggested (difflib ratio; 0.7 keeps "Rotterdam" for
# "Rotterdm" and drops "Roermond").
CITY_CUTOFF = 0.7


def city_key(text: str) -> str:
    """A city name as it is compared: without accents, apostrophes, hyphens, dots and
    brackets, in lower case ("'s-Gravenhage" and "s Gravenhage" are the same)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


class CityLookup:
    """Every municipality by its CBS name, CBS code or everyday name (CITY_ALIASES),
    compared by city_key; `suggestions` are the nearest names for a typo."""

    def __init__(self) -> None:
        self.cities: dict[str, City] = {}
        self.names: dict[str, str] = {}  # key → the name a suggestion shows
        by_code = {}
        for known in City.objects.all():
            by_code[known.cbs_code] = known
            self.cities[city_key(known.name)] = known
            self.cities[known.cbs_code.casefold()] = known
            self.names[city_key(known.name)] = known.name
        for alias, code in CITY_ALIASES.items():
            if code in by_code:
                self.cities.setdefault(city_key(alias), by_code[code])
                self.names.setdefault(city_key(alias), alias)

    def find(self, text: str) -> City | None:
        return self.cities.get(city_key(text)) or self.cities.get(text.strip().casefold())

    def suggestions(self, text: str) -> list[str]:
        """Names that begin with what was typed ("Bergen" → "Bergen (L.)"), then the most
        alike (difflib), at most CITY_SUGGESTIONS."""
        typed = city_key(text)
        starting = sorted(key for key in self.names if key.startswith(typed + " ")) if typed else []
        alike = difflib.get_close_matches(typed, self.names, n=CITY_SUGGESTIONS, cutoff=CITY_CUTOFF)
        keys = list(dict.fromkeys([*starting, *alike]))[:CITY_SUGGESTIONS]
        return [self.names[key] for key in keys]

    def unknown(self, text: str) -> str:
        """The row message for a city that is not known, with the nearest names."""
        names = self.suggestions(text)
        if not names:
            return _("unknown city “%(value)s”") % {"value": text}
        return _("unknown city “%(value)s”; did you mean: %(names)s?") % {
            "value": text,
            "names": ", ".join(names),
        }


def import_groups(*, data: bytes, filename: str, organisations=None) -> ImportResult:
    """Validate every row, then create all groups in one transaction, or none.

    `organisations`: the organisations the importing user may add groups to (a queryset);
    None means any (the management command). An organisation outside it is reported as
    unknown, exactly like one that does not exist.
    """
    header, body = read_table(data, filename)
    positions = _map_columns(header, GROUP_COLUMNS, REQUIRED_GROUP_COLUMNS)
    org_qs = organisations if organisations is not None else Organisation.objects.all()
    orgs = {o.name.casefold(): o for o in org_qs}
    cities = CityLookup()
    existing = {
        (org_id, name.casefold())
        for org_id, name in Group.objects.filter(organisation__in=list(orgs.values())).values_list(
            "organisation_id", "name"
        )
    }

    result = ImportResult()
    prepared = []
    seen: dict[tuple, int] = {}
    for line, cells in body:

        def get(key, cells=cells):
            index = positions.get(key)
            if index is None or index >= len(cells):
                return ""
            return clean_text(cells[index], multiline=False).strip()

        messages = []
        org = orgs.get(get("organisation").casefold())
        if not get("organisation"):
            messages.append(_("organisation is empty"))
        elif org is None:
            messages.append(_("unknown organisation “%(value)s”") % {"value": get("organisation")})
        city = cities.find(get("city"))
        if not get("city"):
            messages.append(_("city is empty"))
        elif city is None:
            messages.append(cities.unknown(get("city")))
        name = get("name")
        if not name:
            messages.append(_("group name is empty"))
        elif len(name) > 200:
            messages.append(_("group name is longer than 200 characters"))
        community = get("community")
        if not community:
            messages.append(_("community is empty"))
        elif len(community) > 100:
            messages.append(_("community is longer than 100 characters"))
        composition = COMPOSITION_VALUES.get(get("composition").casefold())
        if composition is None:
            messages.append(
                _("composition “%(value)s” is not women, men or mixed")
                % {"value": get("composition")}
            )
        status = STATUS_VALUES.get(get("status").casefold())
        if status is None:
            messages.append(
                _("status “%(value)s” is not one of: %(choices)s")
                % {"value": get("status"), "choices": accepted(GroupStatus.values, DUTCH_STATUS)}
            )
        start_date = None
        if get("start_date"):
            try:
                start_date = parse_date(get("start_date"))
            except ValueError:
                messages.append(
                    _("start date “%(value)s” is not a date like 2025-03-14")
                    % {"value": get("start_date")}
                )
        if org is not None and name:
            key = (org.pk, name.casefold())
            if key in existing:
                messages.append(
                    _("the organisation already has a group “%(name)s”") % {"name": name}
                )
            elif key in seen:
                messages.append(_("the same group is on line %(line)d too") % {"line": seen[key]})
            else:
                seen[key] = line
        if messages:
            result.errors.append(RowError(line, messages))
        else:
            prepared.append(
                (
                    line,
                    {
                        "organisation": org,
                        "name": name,
                        "city": city,
                        "community": community,
                        "composition": composition,
                        "status": status,
                        "start_date": start_date,
                    },
                )
            )
    if not body:
        raise ImportFileError(_("The file has a header but no rows."))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for line, fields in prepared:
                try:
                    result.created.append(group_create(**fields))
                except ValidationError as exc:
                    result.errors.append(RowError(line, _flatten(exc)))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    return result


# --- organisations -----------------------------------------------------------------------

ORGANISATION_COLUMNS = {
    "name": ("name", "organisation", "naam", "organisatie", "organization"),
    "city": ("city", "gemeente", "plaats", "municipality"),
    "kvk_number": ("kvk number", "kvk", "kvk-nummer", "kvk nummer", "kvk_number"),
    "school_region": ("school region", "schoolregio", "region", "regio", "school_region"),
}
REQUIRED_ORGANISATION_COLUMNS = ("name", "city")
SCHOOL_REGION_VALUES = {
    "north": SchoolRegion.NORTH,
    "noord": SchoolRegion.NORTH,
    "middle": SchoolRegion.MIDDLE,
    "midden": SchoolRegion.MIDDLE,
    "south": SchoolRegion.SOUTH,
    "zuid": SchoolRegion.SOUTH,
}
KVK_RE = re.compile(r"^\d{8}$")


def import_organisations(*, data: bytes, filename: str, programme: Programme) -> ImportResult:
    """Validate every row, then create all organisations in `programme` in one
    transaction, or none (docs/import-formats.md, "Organisations"). Raises
    ImportFileError when the file as a whole cannot be used."""
    header, body = read_table(data, filename)
    positions = _map_columns(header, ORGANISATION_COLUMNS, REQUIRED_ORGANISATION_COLUMNS)
    if not body:
        raise ImportFileError(_("The file has a header but no rows."))
    cities = CityLookup()
    existing = {name.casefold() for name in Organisation.objects.values_list("name", flat=True)}
    max_name = Organisation._meta.get_field("name").max_length or 200

    result = ImportResult()
    prepared = []
    seen: dict[str, int] = {}
    for line, cells in body:

        def get(key, cells=cells):
            index = positions.get(key)
            if index is None or index >= len(cells):
                return ""
            return clean_text(cells[index], multiline=False).strip()

        messages = []
        name = " ".join(get("name").split())
        if not name:
            messages.append(_("organisation name is empty"))
        elif len(name) > max_name:
            messages.append(
                _("organisation name is longer than %(n)d characters") % {"n": max_name}
            )
        elif name.casefold() in existing:
            messages.append(_("an organisation “%(name)s” already exists") % {"name": name})
        elif name.casefold() in seen:
            messages.append(
                _("the same organisation is on line %(line)d too") % {"line": seen[name.casefold()]}
            )
        else:
            seen[name.casefold()] = line
        city = cities.find(get("city"))
        if not get("city"):
            messages.append(_("city is empty"))
        elif city is None:
            messages.append(cities.unknown(get("city")))
        kvk_number = get("kvk_number").replace(" ", "")
        if kvk_number and not KVK_RE.match(kvk_number):
            messages.append(
                _("KvK number “%(value)s” does not have 8 digits") % {"value": get("kvk_number")}
            )
        school_region: str | None = SchoolRegion.MIDDLE
        if get("school_region"):
            school_region = SCHOOL_REGION_VALUES.get(get("school_region").casefold())
            if school_region is None:
                messages.append(
                    _("school region “%(value)s” is not one of: %(choices)s")
                    % {
                        "value": get("school_region"),
                        "choices": accepted(
                            ["north", "middle", "south"], ["noord", "midden", "zuid"]
                        ),
                    }
                )
        if messages:
            result.errors.append(RowError(line, messages))
        else:
            fields = {
                "name": name,
                "city": city,
                "kvk_number": kvk_number,
                "school_region": school_region or SchoolRegion.MIDDLE,
            }
            prepared.append((line, fields))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for line, fields in prepared:
                try:
                    result.created.append(organisation_create(programme=programme, **fields))
                except ValidationError as exc:
                    result.errors.append(RowError(line, _flatten(exc)))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    return result


class _Rollback(Exception):
    pass


def _flatten(exc: ValidationError) -> list[str]:
    """A service's ValidationError as row messages, each field named as its column."""
    if hasattr(exc, "message_dict"):
        return [
            f"{column_name(field.replace('_', ' '))}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)


__all__ = [
    "ImportFileError",
    "ImportResult",
    "RowError",
    "import_groups",
    "import_organisations",
    "read_table",
]
