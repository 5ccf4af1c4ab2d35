"""`manage.py bench`: it measures every page and step of the fund report on a tiny
synthetic programme and leaves the database exactly as it was. Timings are never asserted
(speed targets live in the benchmark itself)."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from groups.models import Group, Membership, Programme
from meetings.models import Attendance, Meeting
from participants.models import Participant
from reporting.models import Story
from stetapp.models import User
from synthetic.management.commands import bench
from synthetic.management.commands.bench import TARGETS_MS

ROW = re.compile(
    r"^(?P<name>\w+)\s+(?P<median>\d+\.\d)\s+(?P<max>\d+\.\d)\s+(?P<queries>\d+)\s+"
    r"(?P<target>\d+)\s+(?P<result>OK|SLOW)$"
)
MODELS = (Group, Participant, Meeting, Attendance, Membership, Programme, Story, User)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_bench_prints_every_row_and_leaves_the_database_unchanged(world, tmp_path):
    before = _counts()
    out = io.StringIO()
    result_file = tmp_path / "bench.json"

    call_command("bench", "--groups", "2", "--repeat", "1", "--json", str(result_file), stdout=out)

    output = out.getvalue()
    assert "building 2 groups" in output
    rows = {m["name"]: m for m in map(ROW.match, output.splitlines()) if m}
    assert set(rows) == set(TARGETS_MS)
    for name, row in rows.items():
        assert int(row["target"]) == TARGETS_MS[name]
        assert f"timing {name}" in output
    # The pages and building the report query the database; the PDF and the workbook are
    # made from the built report without a query.
    for name in (
        "dashboard_built",
        "group_list",
        "group_detail",
        "attendance_sheet",
        "grant_report",
    ):
        assert int(rows[name]["queries"]) > 0
    assert int(rows["report_pdf"]["queries"]) == 0
    assert int(rows["report_xlsx"]["queries"]) == 0

    saved = json.loads(result_file.read_text())
    assert saved["groups"] == 2
    assert [r["name"] for r in saved["results"]] == list(TARGETS_MS)
    assert {r["name"]: r["queries"] for r in saved["results"]} == {
        name: int(row["queries"]) for name, row in rows.items()
    }

    assert _counts() == before
    assert not Group.objects.filter(name__startswith="Bench group").exists()


@pytest.mark.django_db
def test_strict_fails_with_status_1_when_a_median_is_above_its_target(monkeypatch):
    monkeypatch.setitem(bench.TARGETS_MS, "report_xlsx", 0)
    before = _counts()
    out = io.StringIO()

    with pytest.raises(CommandError, match="report_xlsx") as error:
        call_command("bench", "--groups", "1", "--repeat", "1", "--strict", stdout=out)

    assert error.value.returncode == 1
    assert any(
        line.startswith("report_xlsx") and line.endswith("SLOW")
        for line in out.getvalue().splitlines()
    )
    assert _counts() == before
