"""Dutch that reads as Dutch (issue 12, item 6): the measurement column, sheet names,
number phrases."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from stetapp.exports import Sheet, table_response, workbook_bytes

ROOT = Path(settings.BASE_DIR)
SHEET_SOURCES = ["reporting/report.py", "reporting/selectors_dashboard.py"]


def test_measurement_change_is_verandering_and_the_button_stays_wijzigen():
    with translation.override("nl"):
        assert pgettext("measurement", "Change") == "Verandering"
        assert gettext("Change") == "Wijzigen"


def test_every_sheet_name_is_translated_and_fits_excel():
    titles = set()
    for source in SHEET_SOURCES:
        text = (ROOT / source).read_text(encoding="utf-8")
        titles |= set(re.findall(r"(?:Sheet|_cross_sheet)\(\s*_\(\"([^\"]+)\"\)", text))
    assert len(titles) >= 10
    with translation.override("nl"):
        dutch = {title: gettext(title) for title in titles}
    untranslated = [t for t, d in dutch.items() if d == t and t not in {"Impact"}]
    assert untranslated == []
    too_long = [d for d in dutch.values() if len(d) > 31 or re.search(r"[\\/*?:\[\]]", d)]
    assert too_long == []


def test_a_table_export_names_its_sheet_in_the_users_language():
    with translation.override("nl"):
        response = table_response(
            filename_stem="x", headers=["a"], rows=[[1]], fmt="xlsx", sheet=gettext("Participants")
        )
        unnamed = table_response(filename_stem="x", headers=["a"], rows=[[1]], fmt="xlsx")
        empty = workbook_bytes([Sheet("", ["a"], [])])
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Deelnemers"]
    assert load_workbook(io.BytesIO(unnamed.content)).sheetnames == ["Blad"]
    assert load_workbook(io.BytesIO(empty)).sheetnames == ["Blad"]


def test_participant_export_sheet_is_named(world):
    user = world.users["facilitator_a1"]
    url = reverse("group_participants_export", args=[world.group_a1.pk]) + "?format=xlsx"
    response = world.client_for("facilitator_a1").get(url)
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Participants"]
    user.language = "nl"
    user.save(update_fields=["language"])
    response = world.client_for("facilitator_a1").get(url)
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Deelnemers"]


def test_meetings_count_reads_right_when_there_are_more_than_the_minimum(world):
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    body = (
        world.client_for("facilitator_a1")
        .get(reverse("group_meetings", args=[world.group_a1.pk]))
        .content.decode()
    )
    assert "van de 10 bijeenkomsten" not in body
    assert re.search(r"bijeenkomsten? in de 12 maanden van .* \(minimaal 10 nodig\)", body)
