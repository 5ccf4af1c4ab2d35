"""stetapp.text: the one rule for the text stetapp keeps (docs/decisions.md 45)."""

import unicodedata

import pytest
from django import forms
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from stetapp.text import clean_text, without_controls
from tests.helpers import HOSTILE


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        ("Fatma\x01Yilmaz", False, "FatmaYilmaz"),
        ("nul\x00byte", False, "nulbyte"),
        ("\x1b[31mred", True, "[31mred"),
        ("a\x7fb\x80c\x9fd", False, "abcd"),
        ("one\r\ntwo\rthree\nfour", True, "one\ntwo\nthree\nfour"),
        ("one\r\ntwo\rthree\nfour", False, "one two three four"),
        ("Fatma\tYilmaz", False, "Fatma Yilmaz"),
        ("col\tcol", True, "col\tcol"),
        ("a\x0bb\x0cc\x85d\u2028e\u2029f", True, "a\nb\nc\nd\ne\nf"),
        ("a\x0bb\u2028c", False, "a b c"),
        ("x\ufffey\uffff\ufdd0\U0001fffe", False, "xy"),
        ("lone\ud800surrogate\udfff", False, "lonesurrogate"),
        ("Cafe\u0301", False, "Café"),
        ("e\x01\u0301", False, "é"),  # composed once the control between them is gone
    ],
)
def test_clean_text(value, multiline, expected):
    assert clean_text(value, multiline=multiline) == expected


@pytest.mark.parametrize(
    "value",
    [
        "Ayşe Demir",
        "١٢٣ مرحبا",
        "\u202eevil\u200b",  # direction marks and zero-width characters are text
        "   spaces stay   ",
        "😀 emoji",
        "",
    ],
)
def test_clean_text_leaves_text_alone(value):
    assert clean_text(value, multiline=False) == value
    assert clean_text(value, multiline=True) == value


@pytest.mark.parametrize("value", HOSTILE)  # the control characters included
@pytest.mark.parametrize("multiline", [False, True])
def test_clean_text_is_clean_and_stable(value, multiline):
    cleaned = clean_text(value, multiline=multiline)
    assert ILLEGAL_CHARACTERS_RE.search(cleaned) is None
    assert "\x00" not in cleaned and "\r" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned, multiline=multiline) == cleaned
    if not multiline:
        assert "\n" not in cleaned and "\t" not in cleaned


def test_without_controls_keeps_line_breaks_as_they_are():
    assert without_controls("a\r\nb\tc\x01\x0bd\ufffe") == "a\r\nb\tc\nd"
    assert without_controls("Ayşe") == "Ayşe"


class _Form(forms.Form):
    name = forms.CharField(max_length=20)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


def test_every_form_field_cleans_its_text():
    form = _Form(
        {
            "name": " \x01Fatma\tYilmaz\x00 ",
            "notes": "line one\r\nline\x07 two\ttab",
            "email": "fatma\x01@example.org",
            "password": "pass\x01word",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "Fatma Yilmaz",
        "notes": "line one\nline two\ttab",
        "email": "fatma@example.org",
        "password": "pass\x01word",  # a password is never changed
    }


def test_max_length_counts_the_clean_text():
    form = _Form({"name": "x" * 20 + "\x01" * 5})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "x" * 20


def test_a_field_of_control_characters_only_is_empty():
    form = _Form({"name": "\x01\x02 \x00"})
    assert not form.is_valid()
    assert "name" in form.errors
