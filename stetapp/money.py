"""How an amount of money is shown (docs/decisions.md 19): the one formatter for pages,
PDFs, messages and the one number format for workbooks.

`euros(amount)` follows the active language, as the CLDR currency patterns do:
"€ 1.234,50" and "€ -1.234,50" in Dutch, "€1,234.50" and "-€1,234.50" in English (and in
any other language). The digits come from Django's number formatting of that language
(`django.utils.formats.number_format`, thousands always grouped); amounts are rounded half
up to cents. Templates use the `euros` filter (`{% load money %}`). A workbook keeps
amounts as numbers: wrap them in `Euros` and stetapp.exports gives the cell
XLSX_EUROS_FORMAT, which the spreadsheet shows in its reader's own separators.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language

CENT = Decimal("0.01")
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
    digits = number_format(abs(value), 2, use_l10n=True, force_grouping=True)
    sign = "-" if value < 0 else ""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in SYMBOL_SPACE_LANGUAGES:
        return f"€ {sign}{digits}"
    return f"{sign}€{digits}"


__all__ = ["CENT", "Euros", "XLSX_EUROS_FORMAT", "euros"]
