"""How an amount of money is shown (docs/decisions.md 19): the one formatter for pages,
PDFs, messages and the one number format for workbooks.

`euros(amount)` follows the active language, as the CLDR currency patterns do:
"€ 1.234,50" and "€ −1.234,50" in Dutch, "€1,234.50" and "−€1,234.50" in English (and in
any other language). A negative amount carries the minus sign "−" (U+2212, MINUS), not
the hyphen. `signed(number)` writes a change or a variance (of a budget, of a score) with
its sign in the same way: "+10,0" and "−18,8" in Dutch, "+10.0" and "−18.8" in English.
The digits come from Django's number formatting of that language
(`django.utils.formats.number_format`, thousands always grouped); amounts are rounded half
up to cents. Templates use the `euros` and `signed` filters (`{% load money %}`). A
workbook keeps amounts as numbers: wrap them in `Euros` and stetapp.exports gives the cell
XLSX_EUROS_FORMAT, which the spreadsheet shows in its reader's own separators.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

CENT = Decimal("0.01")
# The minus sign of every negative amount and change (U+2212): a hyphen is shorter, breaks
# lines and is easily missed in print.
MINUS = "\u2212"
# The number format of money cells in XLSX workbooks (stetapp.exports).
XLSX_EUROS_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
# Languages that put the sign after the euro sign, separated by a space (CLDR "¤ #,##0.00;
# ¤ -#,##0.00"); the others follow English ("¤#,##0.00;-¤#,##0.00").
SYMBOL_SPACE_LANGUAGES = frozenset({"nl"})


class Euros(Decimal):
    """An amount for a workbook cell: a number, shown with XLSX_EUROS_FORMAT."""


def euros(amount: Decimal | int | str | None) -> str:
    """The amount in the active language: "€ 1.234,50" (Dutch), "€1,234.50" (English).
    None is shown as "–"."""
    if amount is None or amount == "":
        return "–"
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    return _euros_text(value, get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=4096)
def _euros_text(value: Decimal, language: str) -> str:
    """Kept per amount (in cents) and language: a list shows the same amounts often,
    and Django's number formatting costs more than the lookup."""
    digits = number_format(abs(value), 2, use_l10n=True, force_grouping=True)
    sign = MINUS if value < 0 else ""
    if language.split("-")[0] in SYMBOL_SPACE_LANGUAGES:
        return f"€ {sign}{digits}"
    return f"{sign}€{digits}"


def signed(number: Decimal | int | str | None, places: int = 1) -> str:
    """A change or a variance with its sign, rounded half up to `places` decimals: "+10.0",
    "−18.8" (U+2212), "0.0"; the digits in the active language ("+10,0" in Dutch). None is
    shown as "–"."""
    if number is None or number == "":
        return "–"
    value = Decimal(number).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    digits = number_format(abs(value), places, use_l10n=True, force_grouping=True)
    if value > 0:
        return f"+{digits}"
    if value < 0:
        return f"{MINUS}{digits}"
    return digits


def amount_text(value: str) -> str:
    """Typed money as a plain number for a form field to read: the euro sign and spaces
    removed, and the thousands separators. With both a dot and a comma, the last one is
    the decimal separator ("3.500,00" and "3,500.00" are both 3500.00, in any language);
    with only the active language's thousands separator between groups of three digits
    ("3.500" in Dutch, "3,500" in English) it is 3500. Anything else is left as typed,
    for the field to accept ("12,50" in Dutch) or refuse."""
    text = value.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        whole, _sep, cents = text.rpartition(decimal)
        if grouping in cents:
            return text
        return whole.replace(grouping, "") + str(get_format("DECIMAL_SEPARATOR")) + cents
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    if thousands and re.fullmatch(rf"-?\d{{1,3}}({re.escape(thousands)}\d{{3}})+", text):
        return text.replace(thousands, "")
    return text


__all__ = ["CENT", "MINUS", "Euros", "XLSX_EUROS_FORMAT", "amount_text", "euros", "signed"]
