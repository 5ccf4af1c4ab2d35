"""Languages that groups, facilitators and participants speak.

Stored as ISO 639 codes (639-1 where one exists, 639-3 otherwise) so that later features can
compare them (a facilitator who speaks the group's language). Labels are translated.
"""

from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("ar", _("Arabic")),
    ("ber", _("Tamazight (Berber)")),
    ("tr", _("Turkish")),
    ("ku", _("Kurdish")),
    ("srn", _("Sranan Tongo")),
    ("hns", _("Sarnami Hindustani")),
    ("hi", _("Hindi")),
    ("ur", _("Urdu")),
    ("pap", _("Papiamento")),
    ("kea", _("Cape Verdean Creole")),
    ("pt", _("Portuguese")),
    ("es", _("Spanish")),
    ("zh", _("Chinese (Mandarin)")),
    ("yue", _("Cantonese")),
    ("fa", _("Persian (Farsi/Dari)")),
    ("ps", _("Pashto")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("bs", _("Bosnian/Croatian/Serbian")),
    ("pl", _("Polish")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("id", _("Indonesian")),
    ("ms", _("Moluccan Malay")),
    ("vi", _("Vietnamese")),
    ("en", _("English")),
    ("fr", _("French")),
]

LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}
_LABELS = dict(LANGUAGE_CHOICES)


def language_label(code: str) -> str:
    """The language's name in the user's language; an unknown code as it is."""
    return str(_LABELS.get(code, code))


# Languages written right to left. Pages mark their texts with dir="rtl" and the PDF
# renders them right to left (Pango shapes the Arabic script).
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "ps"})


def language_direction(code: str) -> str:
    """ "rtl" for a language written right to left, "ltr" otherwise."""
    return "rtl" if code in RTL_LANGUAGES else "ltr"
