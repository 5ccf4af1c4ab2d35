"""Every UI string is in the Dutch catalogue, translated, and compiled (issue: foundation,
item 7). English is the source language, so its catalogue needs no translations."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["nl", "en"]


def _po(language: str, root: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def test_dutch_catalogue_is_fully_translated():
    po = _po("nl")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(po.translated_entries()) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    po = _po(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {_key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get(_key(entry)) == (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        ), f"{language}: {entry.msgid!r} is not compiled; run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_has_every_string_in_the_code(tmp_path, monkeypatch):
    """Extract the strings again into a copy of the catalogue: nothing may be new.

    makemessages also writes into the project's own locale/ folder (it is the locale
    folder of the files at the root), so the committed catalogue is read first and put
    back afterwards: running the suite never changes a tracked file."""
    shutil.copytree(LOCALE, tmp_path / "locale")
    monkeypatch.chdir(settings.BASE_DIR)
    committed_po = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
    committed_text = committed_po.read_bytes()
    committed = {_key(e) for e in _po("nl") if not e.obsolete}
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command(
                "makemessages",
                locale=["nl"],
                no_obsolete=True,
                no_location=True,
                verbosity=0,
                ignore_patterns=[".venv", "staticfiles", "tests", "test-artifacts"],
            )
    finally:
        committed_po.write_bytes(committed_text)
    extracted = {_key(e) for e in _po("nl", tmp_path / "locale") if not e.obsolete}
    missing = sorted(k[1] for k in extracted - committed)
    assert missing == [], "strings missing from locale/nl; run `make messages`"
