"""python manage.py fund_report GRANT_ID --period START END -o FILE (.pdf or .xlsx)."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def test_writes_a_pdf_for_the_period(world, tmp_path):
    target = tmp_path / "report.pdf"
    out = io.StringIO()
    call_command(
        "fund_report",
        str(world.grant_a.pk),
        "--period",
        "2026-01-01",
        "2026-06-30",
        "-o",
        str(target),
        "--language",
        "en",
        stdout=out,
    )
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Accountability report" in text
    assert "1 January 2026 to 30 June 2026" in text
    assert "Organisation A" in text and "Demo Fund" in text
    assert world.participant_a1.full_name not in text
    assert str(target) in out.getvalue()


def test_writes_a_workbook_for_the_grant_period(world, tmp_path):
    target = tmp_path / "report.XLSX"
    call_command("fund_report", str(world.grant_a.pk), "-o", str(target), "--language", "en")
    workbook = load_workbook(target)
    assert workbook.sheetnames == [
        "Summary",
        "Participants",
        "Meetings",
        "Activities",
        "Costs",
        "Impact",
        "Continuation",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Period from"].date() == dt.date(2026, 1, 1)
    assert summary["Period until"].date() == dt.date(2026, 12, 31)
    assert summary["Organisation"] == "Organisation A"


def test_the_report_is_in_the_site_language_by_default(world, tmp_path):
    target = tmp_path / "rapport.xlsx"
    call_command("fund_report", str(world.grant_a.pk), "-o", str(target))
    sheets = load_workbook(target).sheetnames
    assert len(sheets) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "-o", "x.pdf"], "There is no grant"),
        (["abc", "-o", "x.pdf"], "There is no grant"),
        (["{grant}", "-o", "x.docx"], "must end in .pdf or .xlsx"),
        (["{grant}", "-o", "report"], "must end in .pdf or .xlsx"),
        (["{grant}", "--period", "2026-13-01", "2026-12-31", "-o", "x.pdf"], "Not a date"),
        (["{grant}", "--period", "yesterday", "2026-12-31", "-o", "x.pdf"], "Not a date"),
        (["{grant}", "--period", "2026-06-01", "2026-05-31", "-o", "x.pdf"], "ends"),
    ],
)
def test_clear_errors(world, tmp_path, args, message):
    args = [a.replace("{grant}", str(world.grant_a.pk)) for a in args]
    args = [str(tmp_path / a) if a.startswith(("x.", "report")) else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("fund_report", *args)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_file_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "fund_report",
            str(world.grant_a.pk),
            "-o",
            str(tmp_path / "missing-folder" / "x.xlsx"),
        )
