"""The coded lists of communities and backgrounds: what funders and coordinators see.

A group's and a participant's community is typed as free text by the project lead
("Turks", "Marokkaans-Berbers", a street name by mistake). Outputs for funders and
programme coordinators — the grant report (page, PDF, XLSX), the programme dashboard
(page, XLSX), the coordinator's home and the group list and page for those who do not
work in the group — never show that text: they group by the code the organisation's
list gives, and every text not on it counts as "other" (docs/decisions.md 47). The
project lead's own pages still show what was typed.

One place: the codes, their translated labels and the spellings each code is recognised
by (Dutch and English, adjective and country, compared without case, accents or extra
spaces). Add a spelling here when many organisations' usual word lands under "other".

Each organisation keeps its own list (`OrganisationCommunity` rows, edited by its project
lead): the shared defaults below, with labels it renamed and categories it hid, plus
categories of its own. No rows means the defaults. `community_list(organisation_id)`
loads one organisation's list, `community_lists(ids)` several in one query; a
`CommunityList` maps typed text to a code (`code`), a code to its label (`label`), and
for outputs across organisations to the shared code (`shared_code`: an organisation's
own category counts as "other" there). Every output codes through `CodedCommunities`
(`coded_by_list` for rows keyed by `coding_organisation`): the organisation's own list
when the output is about one organisation's groups, the shared codes when about several
(docs/decisions.md, "An organisation's own list of communities").
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _


class Community(models.TextChoices):
    TURKISH = "turkish", _("Turkish")
    MOROCCAN = "moroccan", _("Moroccan")
    SURINAMESE = "surinamese", _("Surinamese")
    CARIBBEAN = "caribbean", _("Antillean or Aruban")
    MOLUCCAN = "moluccan", _("Moluccan")
    INDONESIAN = "indonesian", _("Indonesian")
    CHINESE = "chinese", _("Chinese")
    CAPE_VERDEAN = "cape_verdean", _("Cape Verdean")
    GHANAIAN = "ghanaian", _("Ghanaian")
    SOMALI = "somali", _("Somali")
    ERITREAN = "eritrean", _("Eritrean")
    SYRIAN = "syrian", _("Syrian")
    AFGHAN = "afghan", _("Afghan")
    IRANIAN = "iranian", _("Iranian")
    IRAQI = "iraqi", _("Iraqi")
    KURDISH = "kurdish", _("Kurdish")
    YUGOSLAV = "yugoslav", _("Former Yugoslav")
    POLISH = "polish", _("Polish")
    MIXED = "mixed", _("Mixed backgrounds")
    OTHER = "other", _("other")


# The spellings each code is recognised by, as `_key` leaves them (lower case, no
# accents, single spaces). The code itself is recognised too ("cape_verdean": "cape
# verdean").
SPELLINGS: dict[str, tuple[str, ...]] = {
    Community.TURKISH: ("turks", "turkse", "turkije", "turkey", "turkish dutch"),
    Community.MOROCCAN: (
        "marokkaans",
        "marokkaanse",
        "marokko",
        "morocco",
        "marokkaans berbers",
        "berbers",
        "amazigh",
        "riffijns",
    ),
    Community.SURINAMESE: (
        "surinaams",
        "surinaamse",
        "suriname",
        "hindostaans",
        "hindostaanse",
        "creools",
        "creoolse",
        "javaans",
        "javaanse",
    ),
    Community.CARIBBEAN: (
        "antilliaans",
        "antilliaanse",
        "arubaans",
        "arubaanse",
        "curacaos",
        "curacaose",
        "curacao",
        "aruba",
        "caribisch",
        "caribbean",
        "antillean",
        "aruban",
        "antillean or aruban",
    ),
    Community.MOLUCCAN: ("moluks", "molukse", "molukken", "moluccas"),
    Community.INDONESIAN: ("indonesisch", "indonesische", "indonesie", "indonesia", "indisch"),
    Community.CHINESE: ("chinees", "chinese", "china", "hongkong", "hong kong"),
    Community.CAPE_VERDEAN: ("kaapverdisch", "kaapverdische", "kaapverdie", "cape verde"),
    Community.GHANAIAN: ("ghanees", "ghanese", "ghana"),
    Community.SOMALI: ("somalisch", "somalische", "somalie", "somalia"),
    Community.ERITREAN: ("eritrees", "eritrese", "eritrea"),
    Community.SYRIAN: ("syrisch", "syrische", "syrie", "syria"),
    Community.AFGHAN: ("afghaans", "afghaanse", "afghanistan"),
    Community.IRANIAN: ("iraans", "iraanse", "iran", "perzisch"),
    Community.IRAQI: ("irakees", "irakese", "irak", "iraq"),
    Community.KURDISH: ("koerdisch", "koerdische", "koerden"),
    Community.YUGOSLAV: (
        "joegoslavisch",
        "bosnisch",
        "bosnische",
        "bosnie",
        "bosnia",
        "servisch",
        "kroatisch",
        "former yugoslavia",
        "former yugoslav",
    ),
    Community.POLISH: ("pools", "poolse", "polen", "poland"),
    Community.MIXED: ("gemengd", "divers", "mixed", "diverse", "mixed backgrounds"),
}


@functools.lru_cache(maxsize=4096)
def community_key(text: str) -> str:
    """Lower case, without accents, punctuation as spaces, single spaces. Kept per
    process for the last few thousand texts: a national programme's pages code the same
    few community names of thousands of groups (the coordinator's home and group list)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code in Community:
        if code == Community.OTHER:
            continue
        index[community_key(code.value)] = code.value
        for spelling in SPELLINGS.get(code, ()):
            index[community_key(spelling)] = code.value
    return index


_INDEX = _index()
DEFAULT_CODES: frozenset[str] = frozenset(Community.values)


def default_labels(code: str) -> tuple[str, str]:
    """A default code's (Dutch, English) label: the start of an organisation's row."""
    label = Community(code).label
    with override("nl"):
        dutch = str(label)
    with override("en"):
        english = str(label)
    return dutch, english


def _in_english() -> bool:
    return (get_language() or "nl").startswith("en")


@dataclass(frozen=True)
class Category:
    """One category of an organisation's list. `version` 0: a default nobody changed."""

    code: str
    label_nl: str = ""
    label_en: str = ""
    active: bool = True
    aliases: tuple[str, ...] = ()
    version: int = 0

    @property
    def own(self) -> bool:
        """The organisation's own category, not one of the shared defaults."""
        return self.code not in DEFAULT_CODES

    @property
    def label(self) -> str:
        """The label in the active language, else the other one; a default nobody
        changed has the translated shared label."""
        if not self.version and not self.own:
            return str(Community(self.code).label)
        first, second = (
            (self.label_en, self.label_nl) if _in_english() else (self.label_nl, self.label_en)
        )
        return first or second

    def spellings(self) -> list[str]:
        """The texts that are this category's own: its code, labels and former labels,
        and for a default its shared labels (not the other shared spellings, so that an
        organisation can count "Riffijns" apart)."""
        shared = default_labels(self.code) if not self.own else ()
        return [t for t in (self.code, self.label_nl, self.label_en, *self.aliases, *shared) if t]


@dataclass
class CommunityList:
    """An organisation's categories: the defaults, changed by its rows, plus its own."""

    categories: dict[str, Category] = field(default_factory=dict)
    _built: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, rows: Iterable[Category] = ()) -> CommunityList:
        categories = {code: Category(code=code) for code in Community.values}
        categories.update({row.code: row for row in rows})
        return cls(categories=categories)

    @property
    def _index(self) -> dict[str, str]:
        """Spelling → code, made on first use (the shared labels need translations, so
        not when the module is imported). The shared spellings first; every category's
        code, labels (shared ones in Dutch and English too: the suggestions a form
        offers) and former labels win over them ("Riffijns" may be a category of its
        own)."""
        if self._built is None:
            index = dict(_INDEX)
            for category in self.categories.values():
                if category.code == Community.OTHER:
                    continue
                for text in category.spellings():
                    key = community_key(text)
                    if key:
                        index[key] = category.code
            self._built = index
        return self._built

    def code(self, text: str | None) -> str:
        """The code of a typed community: "" when nothing was typed, a code of this list
        when the text is its code, label, former label or shared spelling, else "other".
        A hidden category still keeps its code: hiding stops offering it."""
        key = community_key(text or "")
        if not key:
            return ""
        return self._index.get(key, Community.OTHER.value)

    def shared_code(self, text: str | None) -> str:
        """The code for outputs across organisations: a default code as such, the
        organisation's own categories as "other"."""
        code = self.code(text)
        return code if not code or code in DEFAULT_CODES else Community.OTHER.value

    def label(self, code: str) -> str:
        """The label of a code on this list; "not recorded" for ""."""
        if not code:
            return str(_("not recorded"))
        category = self.categories.get(code)
        return category.label if category else str(Community.OTHER.label)

    def sort_key(self, code: str) -> tuple[int, str]:
        """The listed codes by label, then "other", then "not recorded"."""
        return (community_order(code), self.label(code).lower())

    def offered(self) -> list[Category]:
        """The active categories, "other" left out (it is what anything else becomes),
        sorted by label: the choices where a community is typed."""
        return sorted(
            (c for c in self.categories.values() if c.active and c.code != Community.OTHER),
            key=lambda c: c.label.lower(),
        )

    def in_order(self) -> list[Category]:
        """Every category, "other" last: the page where the project lead keeps the list."""
        return sorted(self.categories.values(), key=lambda c: self.sort_key(c.code))


DEFAULTS = CommunityList.build()


def _category(row) -> Category:
    return Category(
        code=row.code,
        label_nl=row.label_nl,
        label_en=row.label_en,
        active=row.active,
        aliases=tuple(row.aliases or ()),
        version=row.version,
    )


def community_lists(organisation_ids: Iterable[int]) -> dict[int, CommunityList]:
    """The lists of these organisations, in one query (none for an empty list)."""
    from .models import OrganisationCommunity

    ids = set(organisation_ids)
    rows: dict[int, list[Category]] = {pk: [] for pk in ids}
    if ids:
        for row in OrganisationCommunity.objects.filter(organisation_id__in=ids).order_by():
            rows[row.organisation_id].append(_category(row))
    return {pk: CommunityList.build(found) if found else DEFAULTS for pk, found in rows.items()}


def community_list(organisation_id: int) -> CommunityList:
    """One organisation's list (one query)."""
    return community_lists([organisation_id])[organisation_id]


class CodedCommunities:
    """How one output codes typed communities (docs/decisions.md, "An organisation's own
    list of communities"): an output about one organisation's groups uses that
    organisation's list, its own categories and labels included; an output about the
    groups of several organisations uses the shared codes and labels, and counts every
    organisation's own categories as "other"."""

    def __init__(self, lists: Mapping[int, CommunityList] | Mapping[int | None, CommunityList]):
        self.lists: dict[int | None, CommunityList] = dict(lists.items())
        self.single = next(iter(lists.values())) if len(lists) == 1 else None

    def code(self, organisation_id: int | None, text: str | None) -> str:
        categories = self.lists.get(organisation_id, DEFAULTS)
        return categories.code(text) if self.single else categories.shared_code(text)

    def label(self, code: str) -> str:
        return (self.single or DEFAULTS).label(code)

    def coded(self, organisation_id: int | None, text: str | None) -> str:
        """The label shown for a typed community: never the text itself."""
        return self.label(self.code(organisation_id, text))

    def relabel(self, code: str) -> str:
        """The label shown for a community already coded on its organisation's list
        (CommunityList.code): across organisations an own category counts as "other",
        as `code` would have made it."""
        if not self.single and code and code not in DEFAULT_CODES:
            code = Community.OTHER.value
        return self.label(code)

    def sort_key(self, code: str) -> tuple[int, str]:
        return (self.single or DEFAULTS).sort_key(code)


def coding_organisation() -> models.Expression:
    """Per group, whose list codes its community: the organisation's id when it keeps a
    list of its own (`OrganisationCommunity` rows), else NULL for the shared defaults.

    An aggregate over many organisations' groups groups by this and the typed text, not
    by organisation and text: organisations on the defaults code a text alike, so a
    national programme's thousands of (organisation, text) pairs become a row per text
    (docs/decisions.md, decision 77). `coded_by_list` makes the coding of such rows."""
    return models.Case(
        models.When(_keeps_own_list(), then=models.F("organisation_id")),
        default=None,
        output_field=models.IntegerField(),
    )


def _keeps_own_list() -> models.Exists:
    """Whether a group's organisation keeps a list of its own."""
    from .models import OrganisationCommunity

    return models.Exists(
        OrganisationCommunity.objects.filter(organisation_id=models.OuterRef("organisation_id"))
    )


def typed_as(
    keyed_texts: Iterable[tuple[int | None, str]], *, coded_by: str | None = None
) -> models.Q:
    """The groups whose typed community is one of these (`coding_organisation`, text)
    pairs: the texts under NULL at organisations on the defaults, the others at their
    organisation. One condition per organisation with a list of its own, not per pair.
    With `coded_by`, of rows that hold their coding organisation in that column
    (groups.models.ProgrammeTally) instead of groups."""
    by_key: dict[int | None, list[str]] = {}
    for key, text in keyed_texts:
        by_key.setdefault(key, []).append(text)
    match = models.Q(pk__in=[])
    for key, texts in by_key.items():
        if coded_by is not None:
            match |= models.Q(**{coded_by: key, "community__in": texts})
        elif key is None:
            match |= models.Q(~_keeps_own_list(), community__in=texts)
        else:
            match |= models.Q(organisation_id=key, community__in=texts)
    return match


def coded_by_list(keys: Iterable[int | None]) -> CodedCommunities:
    """The coding for rows keyed by `coding_organisation`: the lists of the organisations
    among `keys` (one query, none when every key is NULL), the defaults for NULL. The
    result is the coding of the organisations behind the rows: their list when they
    share one, else the shared codes."""
    wanted = set(keys)
    own = {pk for pk in wanted if pk is not None}
    lists: dict[int | None, CommunityList] = {}
    if own:
        lists.update((pk, found) for pk, found in community_lists(own).items())
    if None in wanted:
        lists[None] = DEFAULTS
    return CodedCommunities(lists)


def community_suggestions(organisation_ids: Iterable[int]) -> list[str]:
    """The labels of these organisations' active categories, by label: what a community
    field offers (typing something else stays possible; it counts as "other" for funders
    and coordinators). One query."""
    labels = {c.label for lst in community_lists(organisation_ids).values() for c in lst.offered()}
    return sorted(labels, key=str.lower)


def community_code(text: str | None, categories: CommunityList = DEFAULTS) -> str:
    """The code of a typed community on `categories` (the shared defaults unless an
    organisation's list is given): "", one of its codes, or Community.OTHER."""
    return categories.code(text)


def community_label(code: str, categories: CommunityList = DEFAULTS) -> str:
    """The translated label of a code; "not recorded" for ""."""
    return categories.label(code)


def coded_community(text: str | None, categories: CommunityList = DEFAULTS) -> str:
    """What a funder or coordinator sees for a typed community: its code's label on the
    organisation's list, "other" or "not recorded"; never the text itself."""
    return categories.label(categories.code(text))


def shared_coded_community(text: str | None, categories: CommunityList) -> str:
    """The same across organisations: a default's shared label, own categories as
    "other" (docs/decisions.md, "An organisation's own list of communities")."""
    return DEFAULTS.label(categories.shared_code(text))


def community_order(code: str) -> int:
    """Sorting: the listed codes first, then "other", then "not recorded"."""
    return 2 if not code else 1 if code == Community.OTHER else 0


__all__ = [
    "DEFAULTS",
    "DEFAULT_CODES",
    "SPELLINGS",
    "Category",
    "CodedCommunities",
    "Community",
    "CommunityList",
    "coded_by_list",
    "coded_community",
    "coding_organisation",
    "community_code",
    "community_key",
    "community_label",
    "community_list",
    "community_lists",
    "community_order",
    "community_suggestions",
    "default_labels",
    "shared_coded_community",
    "typed_as",
]
