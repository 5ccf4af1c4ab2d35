"""The coded list of communities and backgrounds: what funders and coordinators see.

A group's and a participant's community is typed as free text by the project lead
("Turks", "Marokkaans-Berbers", a street name by mistake). Outputs for funders and
programme coordinators — the grant report (page, PDF, XLSX), the programme dashboard
(page, XLSX) and the coordinator's home — never show that text: they group by the code
`community_code` gives, and every text not on this list counts as "other"
(docs/decisions.md 47). The project lead's own pages still show what was typed.

One place: the codes, their translated labels and the spellings each code is recognised
by (Dutch and English, adjective and country, compared without case, accents or extra
spaces). Add a spelling here when an organisation's usual word lands under "other".
"""

from __future__ import annotations

import unicodedata

from django.db import models
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


def _key(text: str) -> str:
    """Lower case, without accents, punctuation as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code in Community:
        if code == Community.OTHER:
            continue
        index[_key(code.value)] = code.value
        for spelling in SPELLINGS.get(code, ()):
            index[_key(spelling)] = code.value
    return index


_INDEX = _index()


def community_code(text: str | None) -> str:
    """The code of a typed community: "" when nothing was typed, a Community value when
    the text is one of its spellings, else Community.OTHER."""
    key = _key(text or "")
    if not key:
        return ""
    return _INDEX.get(key, Community.OTHER.value)


def community_label(code: str) -> str:
    """The translated label of a code; "not recorded" for ""."""
    return str(Community(code).label) if code else str(_("not recorded"))


def coded_community(text: str | None) -> str:
    """What a funder or coordinator sees for a typed community: its code's label, "other"
    or "not recorded"; never the text itself."""
    return community_label(community_code(text))


def community_order(code: str) -> int:
    """Sorting: the listed codes first, then "other", then "not recorded"."""
    return 2 if not code else 1 if code == Community.OTHER else 0


__all__ = [
    "SPELLINGS",
    "Community",
    "coded_community",
    "community_code",
    "community_label",
    "community_order",
]
