"""Text is clean at the door (docs/decisions.md 45): the one rule for what text stetapp
keeps, `clean_text`, and where it is applied to every form.

Control characters are stripped silently, never refused: nobody types them on purpose,
they arrive with a paste from a spreadsheet or a PDF, and a refusal would be a message
nobody understands. A stored one breaks every XLSX export (openpyxl refuses it), so
`stetapp.exports` drops what was stored before this rule (`without_controls`).
"""

from __future__ import annotations

import re
import sys
import unicodedata

# Line breaks in any of their forms: in multi-line text they become "\n", in a single
# line a space (so that "Fatma<tab>Yilmaz" pasted from a spreadsheet keeps its space).
_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Characters no text keeps: the C0 and C1 controls (the tab and line breaks are handled
# above), DEL, lone surrogates and the Unicode noncharacters (U+FDD0–U+FDEF and the last
# two code points of every plane, U+FFFE and U+FFFF among them).
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
    for plane in range(sys.maxunicode // 0x10000 + 1)
)
_DROP = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)
# Anything clean_text might change, for a fast path on text that is already clean.
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` as stetapp keeps it: without control characters, lone surrogates and
    noncharacters, in Unicode NFC. Multi-line text keeps its tabs and line breaks, each
    line break as "\\n" ("\\r\\n" from a browser's textarea too); a single line gets a
    space for a tab or a line break. Leading and trailing spaces are left to the caller
    (Django's form fields strip them)."""
    if _SUSPECT.search(value) is None and unicodedata.is_normalized("NFC", value):
        return value
    breaks = _BREAKS.sub("\n" if multiline else " ", value)
    value = breaks if multiline else breaks.replace("\t", " ")
    value = _DROP.sub("", value)
    return unicodedata.normalize("NFC", value)


_PAGE_BREAKS = re.compile("[\x0b\x0c]")


def without_controls(value: str) -> str:
    """`value` without the characters clean_text drops, its line breaks and tabs left as
    they are (a vertical tab or form feed becomes "\n"): for text on its way out that
    was stored before clean_text was applied at the door (an XLSX file cannot hold a
    control character; openpyxl raises)."""
    if _SUSPECT.search(value) is None:
        return value
    return _DROP.sub("", _PAGE_BREAKS.sub("\n", value))


def is_multiline(field) -> bool:
    """Whether a form field takes several lines: the ones shown as a textarea."""
    from django import forms

    return isinstance(field.widget, forms.Textarea)


def install_form_cleaning() -> None:
    """Make every text field of every form (Django's forms.CharField and its subclasses:
    model forms, filters, the JSON sync's form, the admin, allauth) clean its value with
    clean_text before Django strips and validates it. Called once, from
    StetappConfig.ready(): one place instead of a mixin on some 80 forms that a new
    form could forget. Passwords are left exactly as typed (a changed password would
    no longer match the one that was set)."""
    from django import forms

    original = forms.CharField.to_python
    if getattr(original, "stetapp_clean_text", False):
        return

    def to_python(self, value):
        if isinstance(value, str) and not isinstance(self.widget, forms.PasswordInput):
            value = clean_text(value, multiline=is_multiline(self))
        return original(self, value)

    to_python.stetapp_clean_text = True  # type: ignore[attr-defined]
    forms.CharField.to_python = to_python  # type: ignore[method-assign]


__all__ = ["clean_text", "install_form_cleaning", "is_multiline", "without_controls"]
