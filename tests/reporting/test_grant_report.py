"""The accountability report of a grant (reporting/report.py), computed for a scripted
group and checked number by number in the built report, the extracted text of the PDF and
the cells of the workbook; then the same after the storyteller withdraws her consent.

The scripted data (`_script`) and its expected numbers (docs/reports.md defines them):

- Two groups on the grant: "Scripted Group" (Rotterdam) and "Group Two" (Amsterdam); a
  third group of the organisation is not on the grant and must never count.
- 12 participants of Scripted Group in the period 2026: 9 women and 3 men; ages at the end
  of 2026: 56 (1), 66–71 (6), 76–81 (5); communities Turkish 8, Moroccan 2, Surinamese 2;
  5 joined in 2026, 2 left in 2026. Outside the count: one who left in 2025, one who
  joins in 2027, one in the group that is not on the grant.
- Volunteers: 2 with hours in the period (7.5 + 4 hours = 11.5); hours before the period
  and in the other group do not count.
- Meetings of Scripted Group: 9 marked held, 1 past and planned with attendance marked
  (held), 1 cancelled, 1 past and planned without marks (not held), 1 held in 2025
  (outside). Group Two: 3 held without marks. Held 13; cancelled 1; the grant asks for
  10 a year: 10 per group for 2026; Scripted Group meets it, Group Two does not.
- Attendance over the 10 meetings with marks: all 12 participants marked each time,
  present 8, 9, 10, 7, 8, 9, 10, 11, 6, 9 = 87 of 120 = 72.5 %; 3 guests present (and
  one absent): 90 present with guests, 9.0 per meeting.
- Activities: conversation 5, cooking 3, crafts, guest, outing, movement, celebration and
  games 1 each, other 0. Ideas done at a meeting in the period: 5, of which 3 proposed by
  a participant (60 %); held meetings with a participant among the organisers: 4 of 13
  (31 %).
- Costs (approved, in the period): room rent 450 of 500 (-10.0 %), catering 330 of 300
  (+10.0 %), activities 120 of 400 (-70.0 %), outings 75 without a budget; total 975 of
  1,200 (-18.8 %).
- Stories collected in the period: 6. Shareable quotes: 3 (consent active or anonymous
  and the scope reaching funders); one chosen story shown (chosen twice), one chosen
  story withheld. Observations 3, informal conversations 2.
- Measurement: DJG-6 with 5 pairs, baseline mean 4.8, follow-up 1.8, change -3.0;
  WHO-5 with 3 pairs: not enough data.
- Continuation: Scripted Group's plan (participants carry on, agreed, 2 volunteer leads,
  a room, two steps, one follow-up application); Group Two has none.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from funding.models import BudgetLine, Expense, VolunteerHours
from meetings.models import Attendance, Idea
from participants.models import Consent
from reporting import report as reports
from reporting.models import (
    Administration,
    ContinuationPlan,
    ContinuationStep,
    Observation,
    SelectionRound,
    Story,
)
from tests.factories import (
    ApplicationFactory,
    ConsentFactory,
    EnrolmentFactory,
    ExpenseFactory,
    FundFactory,
    GrantFactory,
    GroupFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
    VolunteerFactory,
    city,
)

# Every test is a database test: that also makes pytest-django set up the test database
# for the module-scoped `rendered` fixture, whichever tests are selected.
pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2027, 1, 15, 12, 0, tzinfo=AMSTERDAM)
D = dt.date

# Everything personal in the scripted data: none of it may reach the PDF or the workbook.
SECRETS = [
    "Scriptname",  # every participant's name
    "06 5550",  # every participant's phone number
    "Kerkstraat",  # their addresses
    "confidential",  # their notes
    "Helpername",  # volunteers
    "Staffname",  # staff (facilitator, project lead)
    "staff.example.org",  # staff e-mail addresses
    "Guest Visitor",  # guests at meetings
    "Observation text",  # observations and informal conversations
    "Ownername",  # owners of continuation steps
    "Leadername",  # names in the plan's volunteers text
    "Panel of",  # the selection panel
    "Significance",  # why a story matters to the storyteller
    "Meeting notes",  # meeting notes
    "Secret story",  # the text of a chosen story that may not be shared
    "Not for funders",  # its title
    "must stay inside",  # quotes without consent
    "Internal quote",
    "Public scope needs",
]

PRESENT = [8, 9, 10, 7, 8, 9, 10, 11, 6, 9]
ACTIVITIES = [
    ["conversation", "cooking"],
    ["conversation"],
    ["crafts"],
    ["conversation", "guest"],
    ["outing"],
    ["cooking"],
    ["conversation", "celebration"],
    ["movement"],
    ["conversation"],
    ["cooking", "game"],
]
MEETING_DAYS = [
    D(2026, 1, 13),
    D(2026, 2, 10),
    D(2026, 3, 10),
    D(2026, 4, 14),
    D(2026, 5, 12),
    D(2026, 6, 9),
    D(2026, 7, 7),
    D(2026, 8, 11),
    D(2026, 9, 8),
    D(2026, 10, 13),  # planned, past, with marks: held
]
DJG_6 = ["yes", "no", "no", "yes", "no", "yes"]  # total 6
DJG_3 = ["yes", "no", "no", "no", "yes", "no"]  # total 3
DJG_0 = ["no", "yes", "yes", "no", "yes", "no"]  # total 0


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 95, 122)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Scripted:
    grant: object
    participants: list
    staff: object


def _script() -> Scripted:
    staff = UserFactory(email="fiona@staff.example.org", full_name="Fiona Staffname")
    lead = UserFactory(email="lars@staff.example.org", full_name="Lars Staffname")
    organisation = OrganisationFactory(name="Stichting Samen Verder", city=city("GM0599"))
    organisation.logo.save("logo.png", ContentFile(_png()), save=True)
    group = GroupFactory(organisation=organisation, name="Scripted Group", city=city("GM0599"))
    two = GroupFactory(organisation=organisation, name="Group Two", city=city("GM0363"))
    other = GroupFactory(organisation=organisation, name="Not On The Grant")
    fund = FundFactory(name="Scripted Fund")
    application = ApplicationFactory(
        organisation=organisation,
        fund=fund,
        title="Together in the neighbourhood",
        groups=[group, two],
        status="granted",
    )
    grant = GrantFactory(
        application=application,
        amount=Decimal("12500.00"),
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        min_meetings=10,
    )

    # --- participants
    people_spec = [
        # gender, birth year, community, joined, left
        ("woman", 1970, "Turkish", D(2025, 6, 1), None),
        ("woman", 1955, "Turkish", D(2025, 6, 1), None),
        ("woman", 1956, "Turkish", D(2025, 6, 1), D(2026, 6, 30)),
        ("woman", 1957, "Turkish", D(2025, 6, 1), None),
        ("woman", 1958, "Turkish", D(2025, 6, 1), None),
        ("woman", 1959, "Moroccan", D(2025, 6, 1), None),
        ("woman", 1960, "Moroccan", D(2025, 6, 1), None),
        ("woman", 1945, "Turkish", D(2026, 2, 1), None),
        ("woman", 1946, "Turkish", D(2026, 2, 1), D(2026, 9, 15)),
        ("man", 1947, "Turkish", D(2026, 3, 1), None),
        ("man", 1948, "Surinamese", D(2026, 3, 1), None),
        ("man", 1950, "Surinamese", D(2026, 4, 1), None),
    ]
    people = []
    for number, (gender, born, community, joined, left) in enumerate(people_spec, start=1):
        person = ParticipantFactory(
            group=group,
            full_name=f"Person{number:02d} Scriptname",
            phone=f"06 5550 {number:04d}",
            address=f"Kerkstraat {number}",
            confidential_notes="confidential remark",
            gender=gender,
            birth_year=born,
            community=community,
            status="joined",
        )
        EnrolmentFactory(
            participant=person,
            group=group,
            joined_on=joined,
            left_on=left,
            leave_reason="moved" if left else "",
        )
        people.append(person)
    # Person 2 was in the group before, and left: an enrolment outside the period.
    EnrolmentFactory(
        participant=people[1],
        group=group,
        joined_on=D(2024, 1, 1),
        left_on=D(2024, 12, 31),
        leave_reason="abroad",
    )
    # Not counted: left before the period, joins after it, in a group not on the grant.
    for joined, left, where in (
        (D(2025, 1, 10), D(2025, 11, 30), group),
        (D(2027, 1, 5), None, group),
        (D(2026, 3, 1), None, other),
    ):
        outsider = ParticipantFactory(
            group=where, full_name="Outside Scriptname", gender="man", status="joined"
        )
        EnrolmentFactory(
            participant=outsider,
            group=where,
            joined_on=joined,
            left_on=left,
            leave_reason="moved" if left else "",
        )

    # --- volunteers
    vera = VolunteerFactory(organisation=organisation, full_name="Vera Helpername")
    victor = VolunteerFactory(organisation=organisation, full_name="Victor Helpername")
    valerie = VolunteerFactory(organisation=organisation, full_name="Valerie Helpername")
    for volunteer, where, day, hours in (
        (vera, group, D(2026, 2, 3), "2.5"),
        (vera, group, D(2026, 3, 3), "2.5"),
        (vera, group, D(2026, 4, 7), "2.5"),
        (victor, group, D(2026, 5, 5), "2"),
        (victor, two, D(2026, 6, 2), "2"),
        (valerie, group, D(2025, 12, 1), "1.5"),  # before the period
        (vera, other, D(2026, 5, 5), "3"),  # a group not on the grant
    ):
        VolunteerHours.objects.create(
            volunteer=volunteer, group=where, worked_on=day, hours=Decimal(hours)
        )

    # --- meetings and attendance
    meetings = []
    for index, day in enumerate(MEETING_DAYS):
        meeting = MeetingFactory(
            group=group,
            day=day,
            status="held" if index < 9 else "planned",
            activities=ACTIVITIES[index],
            notes="Meeting notes about someone",
        )
        meetings.append(meeting)
        present = PRESENT[index]
        for position, person in enumerate(people):
            status = "present" if position < present else "absent" if position % 2 else "excused"
            Attendance.objects.create(
                meeting=meeting, participant=person, status=status, marked_by=staff
            )
    for meeting, guests in ((meetings[0], 2), (meetings[4], 1)):
        for n in range(guests):
            Attendance.objects.create(
                meeting=meeting, guest_name=f"Guest Visitor {n}", status="present"
            )
    Attendance.objects.create(meeting=meetings[1], guest_name="Guest Visitor 9", status="absent")
    MeetingFactory(
        group=group,
        day=D(2026, 11, 10),
        status="cancelled",
        change_reason="Storm",
        activities=["outing"],
    )
    MeetingFactory(group=group, day=D(2026, 12, 8), status="planned", activities=["other"])
    before = MeetingFactory(group=group, day=D(2025, 12, 9), status="held", activities=["other"])
    for person in people:
        Attendance.objects.create(meeting=before, participant=person, status="present")
    before.organisers.add(people[0])
    two_meetings = [
        MeetingFactory(group=two, day=day, status="held")
        for day in (D(2026, 2, 17), D(2026, 5, 19), D(2026, 9, 22))
    ]
    meetings[0].organisers.add(people[1])
    meetings[2].organisers.add(people[3], people[4])
    meetings[6].organisers.add(people[7])
    meetings[9].organisers.add(people[9])

    # --- ideas (co-creation)
    for title, status, meeting, by, by_staff in (
        ("Idea one", "done", meetings[0], people[1], None),
        ("Idea two", "reviewed", meetings[3], people[2], None),
        ("Idea three", "done", meetings[6], people[7], None),
        ("Idea four", "done", meetings[5], None, staff),
        ("Idea five", "idea", None, people[0], None),
        ("Idea six", "done", before, people[0], None),
        ("Idea seven", "done", two_meetings[1], None, None),
    ):
        Idea.objects.create(
            group=meeting.group if meeting else group,
            title=title,
            status=status,
            meeting=meeting,
            proposed_by=by,
            proposed_by_staff=by_staff,
        )

    # --- budget and expenses
    lines = {
        category: BudgetLine.objects.create(
            application=application,
            category=category,
            description=category,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
        )
        for category, quantity, cost in (
            ("room", "10", "50.00"),
            ("catering", "10", "30.00"),
            ("activities", "1", "400.00"),
        )
    }
    for category, amount, day, status, on_grant in (
        ("room", "250.00", D(2026, 2, 1), "approved", True),
        ("room", "200.00", D(2026, 5, 1), "approved", True),
        ("room", "100.00", D(2025, 12, 15), "approved", True),  # before the period
        ("catering", "180.00", D(2026, 3, 1), "approved", True),
        ("catering", "150.00", D(2026, 7, 1), "approved", False),  # on the budget line
        ("activities", "120.00", D(2026, 4, 1), "approved", True),
        ("activities", "99.00", D(2026, 4, 2), "submitted", True),
        ("activities", "55.00", D(2026, 4, 3), "rejected", True),
        ("activities", "60.00", D(2027, 1, 10), "approved", True),  # after the period
        ("outings", "75.00", D(2026, 8, 1), "approved", True),
    ):
        ExpenseFactory(
            group=group,
            grant=grant if on_grant else None,
            budget_line=lines.get(category) if not on_grant else None,
            category=category,
            amount=Decimal(amount),
            spent_on=day,
            status=status,
            submitted_by=staff,
            description="Expense by Fiona Staffname",
        )

    # --- stories, consents, selection rounds
    def consent(person, purpose, withdrawn=False):
        return ConsentFactory(
            participant=person,
            purpose=purpose,
            recorded_by=staff,
            withdrawn_at=NOW - dt.timedelta(days=30) if withdrawn else None,
            withdrawn_by=staff if withdrawn else None,
        )

    consent(people[1], "quote_funder")
    consent(people[3], "quote_funder", withdrawn=True)
    consent(people[4], "quote_funder")
    consent(people[5], "quote_funder")
    consent(people[6], "quote_public")

    def story(title, teller, scope, quote, day, **extra):
        return Story.objects.create(
            group=group,
            storyteller=teller,
            domain=extra.pop("domain", "belonging"),
            title=title,
            text=extra.pop("text", f"The text of {title}."),
            significance="Significance for the teller",
            quote=quote,
            collected_by=staff,
            collected_on=day,
            consent_scope=scope,
            **extra,
        )

    chosen = story(
        "From alone to together",
        people[1],
        "funder",
        "The group feels like family now.",
        D(2026, 3, 15),
        language="tr",
        text="Eskiden evden hic cikmazdim.",
        translation="Before the group I hardly went out. Now every week has something to "
        "look forward to.",
    )
    story(
        "Asking for help",
        None,
        "public",
        "I learned to ask for help.",
        D(2026, 8, 20),
        domain="growth",
    )
    secret = story(
        "Not for funders",
        people[3],
        "funder",
        "This quote must stay inside.",
        D(2026, 4, 1),
        text="Secret story text.",
    )
    story("Internal", people[4], "internal", "Internal quote only.", D(2026, 5, 1))
    story("Public", people[5], "public", "Public scope needs public consent.", D(2026, 6, 1))
    story("My voice", people[6], "funder", "Here I found my voice.", D(2026, 10, 5))
    old = story("Old story", None, "funder", "An old quote.", D(2025, 11, 1))
    for day, level, selected, reasons in (
        (D(2026, 6, 10), "group", chosen, "It shows how the group became a family."),
        (D(2026, 9, 1), "organisation", chosen, "The clearest change of the year."),
        (D(2026, 7, 1), "group", secret, "Reasons for a story that stays inside."),
        (D(2025, 12, 1), "group", old, "An old choice."),
    ):
        selection = SelectionRound.objects.create(
            organisation=organisation,
            group=group,
            level=level,
            held_on=day,
            panel="Panel of Fiona Staffname and two participants",
            selected=selected,
            reasons=reasons,
            recorded_by=staff,
        )
        selection.candidates.add(selected)

    # --- observations
    for where, kind, day in (
        (group, "observation", D(2026, 2, 10)),
        (group, "observation", D(2026, 6, 9)),
        (two, "observation", D(2026, 5, 19)),
        (group, "conversation", D(2026, 3, 3)),
        (two, "conversation", D(2026, 9, 22)),
        (group, "observation", D(2025, 12, 9)),  # before the period
    ):
        Observation.objects.create(
            group=where,
            kind=kind,
            observed_on=day,
            observed_by=staff,
            text="Observation text about a person",
        )

    # --- measurement
    for person, baseline, follow_up in zip(
        people[:5],
        [DJG_6, DJG_6, DJG_3, DJG_3, DJG_6],
        [DJG_0, DJG_3, DJG_0, DJG_3, DJG_3],
        strict=True,
    ):
        for timepoint, answers, day in (
            ("baseline", baseline, D(2026, 1, 15)),
            ("follow_up", follow_up, D(2026, 10, 1)),
        ):
            Administration.objects.create(
                participant=person,
                group=group,
                instrument="djg6",
                mode="interview",
                timepoint=timepoint,
                administered_on=day,
                answers=answers,
            )
    # A follow-up after the period does not make a pair.
    for timepoint, day in (("baseline", D(2026, 1, 15)), ("follow_up", D(2027, 1, 5))):
        Administration.objects.create(
            participant=people[8],
            group=group,
            instrument="djg6",
            mode="interview",
            timepoint=timepoint,
            administered_on=day,
            answers=DJG_6,
        )
    for person in people[5:8]:
        for timepoint, answers, day in (
            ("baseline", [2, 2, 2, 2, 2], D(2026, 1, 15)),
            ("follow_up", [3, 3, 3, 3, 3], D(2026, 10, 1)),
        ):
            Administration.objects.create(
                participant=person,
                group=group,
                instrument="who5",
                mode="self",
                timepoint=timepoint,
                administered_on=day,
                answers=answers,
            )

    # --- continuation
    plan = ContinuationPlan.objects.create(
        group=group,
        route="independent",
        status="agreed",
        summary="Two participants will lead the group from 2027 onwards.",
        room="Buurthuis De Linde",
        volunteers="Fatma Leadername and Hatice Leadername",
        volunteer_leads=2,
        updated_by=lead,
    )
    ContinuationStep.objects.create(
        plan=plan,
        description="Train the volunteer leads",
        owner="Olga Ownername",
        due_on=D(2026, 11, 1),
        done_on=D(2026, 10, 20),
    )
    ContinuationStep.objects.create(
        plan=plan,
        description="Apply to the next fund",
        owner="Otto Ownername",
        due_on=D(2027, 2, 1),
    )
    follow_up = ApplicationFactory(
        organisation=organisation,
        fund=FundFactory(name="Next Fund"),
        title="Carrying on together",
        status="submitted",
    )
    plan.follow_up_applications.add(follow_up)
    return Scripted(grant=grant, participants=people, staff=staff)


# --- the module's one rendering --------------------------------------------------------


@dataclass
class Rendered:
    report: reports.GrantReport
    pdf: bytes
    text: str  # the PDF's text, whitespace collapsed
    pages: list
    sheets: dict  # sheet title -> list of rows (tuples of cell values)
    filename: str
    warnings: list  # what WeasyPrint logged at WARNING or above while rendering


def _pdf_text(data: bytes) -> tuple[str, list]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader.pages


def _sheets(data: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _render(grant) -> Rendered:
    report = reports.build_grant_report(grant)
    collect = _Collect()
    logging.getLogger("weasyprint").addHandler(collect)
    try:
        pdf = reports.report_pdf(report)
    finally:
        logging.getLogger("weasyprint").removeHandler(collect)
    text, pages = _pdf_text(pdf)
    return Rendered(
        report=report,
        pdf=pdf,
        text=text,
        pages=pages,
        sheets=_sheets(reports.report_xlsx(report)),
        filename=reports.report_filename(report, "pdf"),
        warnings=collect.messages,
    )


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """The report of the scripted grant, rendered once as PDF and workbook; then, after
    the storyteller of the chosen story withdrew her consent to be quoted, once more.
    Everything is rolled back afterwards."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        translation.override("en"),
        transaction.atomic(),
    ):
        scripted = _script()
        before = _render(scripted.grant)
        Consent.objects.filter(participant=scripted.participants[1]).update(
            withdrawn_at=timezone.now(), withdrawn_by=scripted.staff
        )
        after = _render(scripted.grant)
        transaction.set_rollback(True)
    return {"before": before, "after": after}


@pytest.fixture
def before(rendered) -> Rendered:
    return rendered["before"]


@pytest.fixture
def after(rendered) -> Rendered:
    return rendered["after"]


def _rows(sheets, title) -> list[tuple]:
    """A sheet's rows without trailing empty cells, for comparing."""
    result = []
    for row in sheets[title]:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        result.append(tuple(values))
    return result


def _has(text: str, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in the PDF text"


# --- the header --------------------------------------------------------------------------


def test_header_in_report_pdf_and_workbook(before):
    r = before.report
    assert (r.organisation, r.fund, r.application_title) == (
        "Stichting Samen Verder",
        "Scripted Fund",
        "Together in the neighbourhood",
    )
    assert r.grant_amount == Decimal("12500.00")
    assert (r.start, r.end, r.made_on) == (D(2026, 1, 1), D(2026, 12, 31), D(2027, 1, 15))
    assert [(g.name, g.city) for g in r.groups] == [
        ("Group Two", "Amsterdam"),
        ("Scripted Group", "Rotterdam"),
    ]
    _has(
        before.text,
        "Accountability report",
        "Organisation Stichting Samen Verder",
        "Fund Scripted Fund",
        "Application Together in the neighbourhood",
        "Grant amount €12,500.00",
        "Period 1 January 2026 to 31 December 2026",
        "Groups Group Two (Amsterdam); Scripted Group (Rotterdam)",
        "Made on 15 January 2027",
    )
    summary = dict(_rows(before.sheets, "Summary")[1:])
    assert summary["Organisation"] == "Stichting Samen Verder"
    assert summary["Fund"] == "Scripted Fund"
    assert summary["Application"] == "Together in the neighbourhood"
    assert summary["Grant amount (euro)"] == 12500
    assert summary["Period from"].date() == D(2026, 1, 1)
    assert summary["Period until"].date() == D(2026, 12, 31)
    assert summary["Made on"].date() == D(2027, 1, 15)
    assert summary["Groups"] == "Group Two (Amsterdam); Scripted Group (Rotterdam)"


def test_the_pdf_renders_without_a_warning_and_is_tagged(before, after):
    assert before.warnings == [] and after.warnings == []
    root = PdfReader(io.BytesIO(before.pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"


# The report's type scale in points (templates/pdf/base.html): title, section, part,
# text, tables, notes and sources.
TYPE_SCALE = {24.0, 18.0, 15.0, 14.0, 12.0, 11.0}


def test_one_type_scale_and_no_row_or_story_split_across_pages(before):
    with translation.override("en"):
        document = reports.report_pdf_layout(before.report)
    assert len(document.pages) > 1
    sizes: set[float] = set()
    pages: dict = {}
    header_rows: set[int] = set()  # repeated on every page by design
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if type(box).__name__ == "TextBox" and box.text.strip():
                sizes.add(round(box.style["font_size"] * 0.75, 1))  # px to pt
            element = getattr(box, "element", None)
            if element is None:
                continue
            if element.tag == "thead":
                header_rows.update(id(row) for row in element)
            if element.tag == "tr" or "story" in (element.get("class") or "").split():
                pages.setdefault(id(element), (element, set()))[1].add(number)
    assert sizes <= TYPE_SCALE, sizes - TYPE_SCALE
    split = [
        "".join(element.itertext())[:60]
        for key, (element, numbers) in pages.items()
        if len(numbers) > 1 and key not in header_rows
    ]
    assert pages and split == []


def test_the_logo_is_in_the_pdf(before):
    images = [image for page in before.pages[:1] for image in page.images]
    assert len(images) == 1


def test_sheets_and_file_name(before):
    assert list(before.sheets) == [
        "Summary",
        "Participants",
        "Meetings",
        "Activities",
        "Costs",
        "Impact",
        "Continuation",
    ]
    assert before.filename.endswith(".pdf")
    assert before.filename.isascii()
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", before.filename)
    assert "stichting-samen-verder" in before.filename
    assert before.filename.startswith(f"fund-report-{before.report.grant_pk}-")
    assert before.filename.endswith("-2026-01-01-2026-12-31.pdf")


def test_the_file_name_keeps_the_whole_period_in_dutch_and_with_long_names(before):
    from dataclasses import replace

    long = replace(
        before.report,
        organisation="Stichting Ouderenwelzijn Samen Sterk in de Wijk Rotterdam-Zuid ❤️",
        fund="Fonds voor Ontmoeting en Nabijheid van Ouderen in Nederland",
    )
    with translation.override("nl"):
        name = reports.report_filename(long, "xlsx")
    assert re.fullmatch(r"[a-z0-9-]+\.xlsx", name), name
    assert name.startswith(f"fondsrapport-{long.grant_pk}-stichting-ouderenwelzijn")
    assert name.endswith("-2026-01-01-2026-12-31.xlsx")


# --- participants and volunteers ----------------------------------------------------------


def test_participant_counts(before):
    p = before.report.participants
    assert (p.unique.n, p.new.n, p.left.n) == (12, 5, 2)
    assert (p.unique.shown, p.new.shown, p.left.shown) == ("12", "5", "<5")
    _has(
        before.text,
        "Unique participants 12",
        "New participants 5",
        "Participants who left <5",
    )
    rows = _rows(before.sheets, "Participants")
    assert rows[0] == ("Breakdown", "Category", "Participants")
    assert rows[1:4] == [
        ("Total", "Unique participants", 12),
        ("Total", "New participants", 5),
        ("Total", "Participants who left", "<5"),
    ]
    summary = dict(_rows(before.sheets, "Summary")[1:])
    assert summary["Unique participants"] == 12
    assert summary["New participants"] == 5
    assert summary["Participants who left"] == "<5"


def test_breakdowns_hide_small_counts_and_their_complement(before):
    p = before.report.participants
    # Men (3) are hidden; women (9) would give them away: shown as "≥5".
    assert [(r.label, r.n, r.shown) for r in p.by_gender] == [
        ("woman", 9, "≥5"),
        ("man", 3, "<5"),
        ("other", 0, "0"),
        ("not recorded", 0, "0"),
    ]
    # 55–64 (1) is hidden; the next smallest, 75–84 (5), becomes "≥5".
    assert [(r.label, r.n, r.shown) for r in p.by_age] == [
        ("under 55", 0, "0"),
        ("55–64", 1, "<5"),
        ("65–74", 6, "6"),
        ("75–84", 5, "≥5"),
        ("85 and over", 0, "0"),
    ]
    # Two hidden cells: nothing else needs hiding.
    assert [(r.label, r.n, r.shown) for r in p.by_community] == [
        ("Turkish", 8, "8"),
        ("Moroccan", 2, "<5"),
        ("Surinamese", 2, "<5"),
    ]
    _has(
        before.text,
        "Woman ≥5",
        "Man <5",
        "Other 0",
        "Not recorded 0",
        "Under 55 0",
        "55–64 <5",
        "65–74 6",
        "75–84 ≥5",
        "85 and over 0",
        "Turkish 8",
        "Moroccan <5",
        "Surinamese <5",
    )
    rows = _rows(before.sheets, "Participants")[4:]
    assert rows == [
        ("Gender", "woman", "≥5"),
        ("Gender", "man", "<5"),
        ("Gender", "other", 0),
        ("Gender", "not recorded", 0),
        ("Age at the end of the period", "under 55", 0),
        ("Age at the end of the period", "55–64", "<5"),
        ("Age at the end of the period", "65–74", 6),
        ("Age at the end of the period", "75–84", "≥5"),
        ("Age at the end of the period", "85 and over", 0),
        ("Community", "Turkish", 8),
        ("Community", "Moroccan", "<5"),
        ("Community", "Surinamese", "<5"),
    ]
    # The hidden numbers appear nowhere in the participants' part of the PDF.
    part = before.text.split("Participants", 1)[1].split("Volunteers", 1)[0]
    assert "Man 3" not in part and "Woman 9" not in part and "55–64 1" not in part


def test_volunteers(before):
    v = before.report.volunteers
    assert (v.volunteers, v.hours) == (2, Decimal("11.50"))
    _has(before.text, "Volunteers who recorded hours 2", "Volunteer hours 11.50")
    summary = dict(_rows(before.sheets, "Summary")[1:])
    assert summary["Volunteers"] == 2
    assert summary["Volunteer hours"] == 11.5


# --- meetings, attendance, activities ------------------------------------------------------


def test_meetings_against_the_condition(before):
    m = before.report.meetings
    assert (m.held, m.cancelled, m.min_per_year, m.required_per_group) == (13, 1, 10, 10)
    assert [(g.name, g.held, g.cancelled, g.required, g.met) for g in m.per_group] == [
        ("Group Two", 3, 0, 10, False),
        ("Scripted Group", 10, 1, 10, True),
    ]
    assert m.condition_met is False
    _has(
        before.text,
        "at least 10 meetings a year. For this period of 365 days that is 10 meetings per group",
        "Group Two (Amsterdam) 3 0 10 no",
        "Scripted Group (Rotterdam) 10 1 10 yes",
        "Total 13 1 – no",
    )
    rows = _rows(before.sheets, "Meetings")
    assert rows[:4] == [
        ("Group", "City", "Held", "Cancelled", "Required for the period", "Condition met"),
        ("Group Two", "Amsterdam", 3, 0, 10, "no"),
        ("Scripted Group", "Rotterdam", 10, 1, 10, "yes"),
        ("Total", None, 13, 1, None, "no"),
    ]
    summary = dict(_rows(before.sheets, "Summary")[1:])
    assert (summary["Meetings held"], summary["Meetings cancelled"]) == (13, 1)
    assert summary["Required meetings per group"] == 10


def test_attendance(before):
    a = before.report.attendance
    assert (a.participant_marks, a.participants_present) == (120, 87)
    assert a.rate == Decimal("72.5")
    assert (a.meetings_with_marks, a.present_with_guests) == (10, 90)
    assert a.average_present == Decimal("9.0")
    assert a.per == "meeting"
    assert [p.present for p in a.points] == [10, 9, 10, 7, 9, 9, 10, 11, 6, 9]
    assert a.points[0].label == "13 Jan 2026 · Scripted Group"
    _has(
        before.text,
        "Attendance rate 72.5 %",
        "Participants present 87",
        "Participant marks at held meetings 120",
        "Average present per meeting 9.0",
        "Held meetings with attendance marked 10",
        "Guests and newcomers on trial are left out of the rate",
        # the chart: its title and a bar's label with its value
        "Present per meeting",
        "13 Jan 2026 · Scripted Group 10",
        "13 Oct 2026 · Scripted Group 9",
    )
    rows = _rows(before.sheets, "Meetings")
    start = rows.index(("Attendance",))
    assert rows[start + 1 : start + 8] == [
        ("Item", "Value"),
        ("Participant marks at held meetings", 120),
        ("Participants present", 87),
        ("Attendance rate, percent", 72.5),
        ("Held meetings with attendance marked", 10),
        ("Present, guests included", 90),
        ("Average present per meeting", 9),
    ]
    chart = rows.index(("Present per meeting",))
    assert rows[chart + 1] == ("Meeting", "Present")
    assert [row[1] for row in rows[chart + 2 : chart + 12]] == [10, 9, 10, 7, 9, 9, 10, 11, 6, 9]
    assert rows[chart + 2][0] == "13 Jan 2026 · Scripted Group"


def test_activities_and_cocreation(before):
    act = before.report.activities
    assert [(r.code, r.meetings) for r in act.rows] == [
        ("conversation", 5),
        ("cooking", 3),
        ("crafts", 1),
        ("guest", 1),
        ("outing", 1),
        ("movement", 1),
        ("celebration", 1),
        ("game", 1),
        ("other", 0),
    ]
    assert (act.ideas_done, act.ideas_by_participants, act.proposed_share) == (5, 3, 60)
    assert (act.meetings_held, act.meetings_co_organised, act.organised_share) == (13, 4, 31)
    _has(
        before.text,
        "Conversation on a theme 5",
        "Cooking and eating together 3",
        "Crafts and handiwork 1",
        "Information session or guest speaker 1",
        "Outing 1",
        "Movement and exercise 1",
        "Celebrating a holiday 1",
        "Games 1",
        "Other 0",
        "Activities proposed by a participant 3 of 5 (60 %)",
        "Meetings with a participant among the organisers 4 of 13 (31 %)",
    )
    rows = _rows(before.sheets, "Activities")
    assert rows[:10] == [
        ("Activity", "Held meetings"),
        ("conversation on a theme", 5),
        ("cooking and eating together", 3),
        ("crafts and handiwork", 1),
        ("information session or guest speaker", 1),
        ("outing", 1),
        ("movement and exercise", 1),
        ("celebrating a holiday", 1),
        ("games", 1),
        ("other", 0),
    ]
    start = rows.index(("Co-creation",))
    assert rows[start + 2 : start + 8] == [
        ("Activities done at a meeting", 5),
        ("Proposed by a participant", 3),
        ("Activities proposed by participants, percent", 60),
        ("Meetings held", 13),
        ("Meetings with a participant among the organisers", 4),
        ("Meetings organised with participants, percent", 31),
    ]


# --- costs ----------------------------------------------------------------------------


def test_costs_against_the_budget(before):
    c = before.report.costs
    # In the order of the budget categories.
    assert [
        (r.category, r.budgeted, r.actual, r.remaining, r.variance_percent) for r in c.rows
    ] == [
        ("room", Decimal("500.00"), Decimal("450.00"), Decimal("50.00"), Decimal("-10.0")),
        (
            "activities",
            Decimal("400.00"),
            Decimal("120.00"),
            Decimal("280.00"),
            Decimal("-70.0"),
        ),
        ("catering", Decimal("300.00"), Decimal("330.00"), Decimal("-30.00"), Decimal("10.0")),
        ("outings", Decimal("0.00"), Decimal("75.00"), Decimal("-75.00"), None),
    ]
    assert (c.total_budgeted, c.total_actual, c.total_remaining) == (
        Decimal("1200.00"),
        Decimal("975.00"),
        Decimal("225.00"),
    )
    assert c.total_variance_percent == Decimal("-18.8")
    _has(
        before.text,
        # Negative amounts and variances with the minus sign (U+2212), not a hyphen.
        "Room rent €500.00 €450.00 €50.00 \u221210.0 %",
        "Catering €300.00 €330.00 \u2212€30.00 +10.0 %",
        "Outings and transport €0.00 €75.00 \u2212€75.00 –",
        "Activities and materials €400.00 €120.00 €280.00 \u221270.0 %",
        "Total €1,200.00 €975.00 €225.00 \u221218.8 %",
        "Upper bar: budgeted. Lower bar: spent",
    )
    # The chart labels its bars: every category is in the text twice (table, chart).
    assert before.text.count("Outings and transport") == 2
    rows = _rows(before.sheets, "Costs")
    assert rows == [
        (
            "Category",
            "Budgeted (euro)",
            "Spent (euro)",
            "Remaining (euro)",
            "Variance, percent",
        ),
        ("room rent", 500, 450, 50, -10),
        ("activities and materials", 400, 120, 280, -70),
        ("catering", 300, 330, -30, 10),
        ("outings and transport", 0, 75, -75),
        ("Total", 1200, 975, 225, -18.8),
    ]
    summary = dict(_rows(before.sheets, "Summary")[1:])
    assert summary["Total budget (euro)"] == 1200
    assert summary["Total spent (euro)"] == 975
    assert summary["Variance, percent"] == -18.8


# --- impact ---------------------------------------------------------------------------


def test_impact_counts(before):
    imp = before.report.impact
    assert (imp.stories_collected, imp.observations, imp.conversations) == (6, 3, 2)
    _has(
        before.text,
        "Stories of change collected 6",
        "Observations 3",
        "Informal conversations 2",
    )
    rows = _rows(before.sheets, "Impact")
    assert rows[:5] == [
        ("Item", "Number"),
        ("Stories collected", 6),
        ("Observations", 3),
        ("Informal conversations", 2),
        ("Chosen stories that may not be shared", 1),
    ]


def test_chosen_story_with_translation_and_reasons(before):
    imp = before.report.impact
    assert len(imp.chosen) == 1
    story = imp.chosen[0]
    assert (story.title, story.domain, story.translated) == (
        "From alone to together",
        "feeling at home, belonging",
        True,
    )
    assert story.text.startswith("Before the group I hardly went out.")
    assert [(c.held_on, c.level, c.reasons) for c in story.choices] == [
        (D(2026, 6, 10), "group", "It shows how the group became a family."),
        (D(2026, 9, 1), "organisation", "The clearest change of the year."),
    ]
    assert imp.chosen_withheld == 1
    _has(
        before.text,
        "From alone to together · Feeling at home, belonging",
        "Before the group I hardly went out. Now every week has something to look forward to.",
        "Translated into Dutch.",
        "Why the panel chose it (group, 10 June 2026): It shows how the group became a family.",
        "Why the panel chose it (organisation, 1 September 2026): The clearest change",
        "1 chosen story is left out",
    )
    assert "Eskiden" not in before.text  # the translation is shown, not the original
    rows = _rows(before.sheets, "Impact")
    start = rows.index(("Chosen stories",))
    assert rows[start + 1] == ("Title", "Domain", "Story", "Chosen on", "Level", "Why")
    first, second = rows[start + 2], rows[start + 3]
    assert first[:3] == (
        "From alone to together",
        "feeling at home, belonging",
        "Before the group I hardly went out. Now every week has something to look forward to.",
    )
    assert (first[3].date(), first[4], first[5]) == (
        D(2026, 6, 10),
        "group",
        "It shows how the group became a family.",
    )
    assert (second[3].date(), second[4]) == (D(2026, 9, 1), "organisation")


def test_quotes_only_with_consent(before):
    quotes = [(q.text, q.attribution) for q in before.report.impact.quotes]
    assert quotes == [
        ("The group feels like family now.", "(Participant, Rotterdam, 2026)"),
        ("I learned to ask for help.", "(Participant, Rotterdam, 2026)"),
        ("Here I found my voice.", "(Participant, Rotterdam, 2026)"),
    ]
    _has(
        before.text,
        "“The group feels like family now.” (Participant, Rotterdam, 2026)",
        "“I learned to ask for help.” (Participant, Rotterdam, 2026)",
        "“Here I found my voice.” (Participant, Rotterdam, 2026)",
    )
    assert "An old quote" not in before.text  # collected before the period
    rows = _rows(before.sheets, "Impact")
    start = rows.index(("Quotes",))
    assert rows[start + 1 : start + 5] == [
        ("Quote", "Source"),
        ("The group feels like family now.", "(Participant, Rotterdam, 2026)"),
        ("I learned to ask for help.", "(Participant, Rotterdam, 2026)"),
        ("Here I found my voice.", "(Participant, Rotterdam, 2026)"),
    ]


def test_measurement_results_with_citations(before):
    djg, who5 = before.report.impact.measurements
    assert (djg.instrument, djg.pairs, djg.shown) == ("djg6", 5, True)
    assert (djg.baseline_mean, djg.follow_up_mean, djg.change) == (
        Decimal("4.8"),
        Decimal("1.8"),
        Decimal("-3.0"),
    )
    assert (who5.instrument, who5.pairs, who5.pairs_shown, who5.shown) == ("who5", 3, "<5", False)
    _has(
        before.text,
        "De Jong Gierveld loneliness scale (6 items) 5 4.8 1.8 \u22123.0",
        "WHO-5 well-being index <5 not enough data",
        "De Jong Gierveld, J., & Van Tilburg, T. G. (2006)",
        "The WHO-5 Well-Being Index: a systematic review",
    )
    rows = _rows(before.sheets, "Impact")
    start = rows.index(("Measurement",))
    assert rows[start + 2][:5] == ("De Jong Gierveld loneliness scale (6 items)", 5, 4.8, 1.8, -3)
    assert rows[start + 2][5].startswith("De Jong Gierveld, J.")
    assert rows[start + 3][:4] == (
        "WHO-5 well-being index",
        "<5",
        "not enough data",
        "not enough data",
    )


# --- continuation -----------------------------------------------------------------------


def test_continuation_plan(before):
    two, scripted = before.report.continuation
    assert (two.group, two.has_plan) == ("Group Two", False)
    assert (scripted.route, scripted.status) == (
        "the group carries on by itself, led by participants",
        "agreed",
    )
    assert (scripted.volunteer_leads, scripted.has_room) == (2, True)
    assert [(s.description, s.due_on, s.done_on) for s in scripted.steps] == [
        ("Train the volunteer leads", D(2026, 11, 1), D(2026, 10, 20)),
        ("Apply to the next fund", D(2027, 2, 1), None),
    ]
    assert [(f.title, f.fund, f.status) for f in scripted.follow_ups] == [
        ("Carrying on together", "Next Fund", "submitted")
    ]
    _has(
        before.text,
        "Group Two No continuation plan yet.",
        "Route The group carries on by itself, led by participants",
        "Status Agreed",
        "Plan Two participants will lead the group from 2027 onwards.",
        "Participants who will lead as volunteers 2",
        "Room arranged yes",
        "Train the volunteer leads 1 November 2026 20 October 2026",
        "Apply to the next fund 1 February 2027 not yet",
        "Carrying on together Next Fund Submitted",
    )
    rows = _rows(before.sheets, "Continuation")
    assert rows[1:3] == [
        ("Group Two", "no plan yet"),
        (
            "Scripted Group",
            "the group carries on by itself, led by participants",
            "agreed",
            "Two participants will lead the group from 2027 onwards.",
            2,
            "yes",
        ),
    ]
    steps = rows.index(("Steps",))
    assert rows[steps + 1] == ("Group", "Step", "Due", "Done on")
    assert rows[steps + 2][:2] == ("Scripted Group", "Train the volunteer leads")
    assert rows[steps + 2][2].date() == D(2026, 11, 1)
    assert rows[steps + 2][3].date() == D(2026, 10, 20)
    assert rows[steps + 3][1] == "Apply to the next fund"
    assert rows[steps + 3][3:] == ()
    funding = rows.index(("Follow-up funding",))
    assert rows[funding + 2] == ("Scripted Group", "Carrying on together", "Next Fund", "submitted")


# --- privacy ------------------------------------------------------------------------


def test_no_personal_data_in_pdf_or_workbook(before, after):
    for result in (before, after):
        cells = " ".join(
            str(value) for rows in result.sheets.values() for row in rows for value in row
        )
        for secret in SECRETS:
            assert secret not in result.text, secret
            assert secret not in cells, secret


def test_withdrawn_consent_removes_the_quote_and_the_chosen_story(before, after):
    assert "The group feels like family now." in before.text
    imp = after.report.impact
    assert [q.text for q in imp.quotes] == ["I learned to ask for help.", "Here I found my voice."]
    assert imp.chosen == []
    assert imp.chosen_withheld == 2
    assert "The group feels like family now." not in after.text
    assert "Before the group I hardly went out." not in after.text
    assert "From alone to together" not in after.text
    assert "It shows how the group became a family." not in after.text
    _has(after.text, "2 chosen stories are left out")
    cells = " ".join(str(value) for rows in after.sheets.values() for row in rows for value in row)
    assert "The group feels like family now." not in cells
    assert "Before the group I hardly went out." not in cells
    assert "From alone to together" not in cells
    # Everything else stays the same.
    assert after.report.participants == before.report.participants
    assert after.report.costs.rows == before.report.costs.rows


# --- the period, the arithmetic, the query count -----------------------------------------


def test_a_two_year_grant_asks_for_two_years_of_meetings(world):
    """The same number as the budget page (Grant.required_meetings; the rule's own
    tests are in tests/funding/test_money_rules.py)."""
    world.grant_a.period_end = D(2027, 12, 31)
    world.grant_a.save(update_fields=["period_end"])
    assert reports.build_grant_report(world.grant_a).meetings.required_per_group == 20


def test_end_before_start_is_refused(world):
    with pytest.raises(ValueError):
        reports.build_grant_report(world.grant_a, start=D(2026, 6, 1), end=D(2026, 5, 31))


def test_a_shorter_period_counts_only_its_days(world):
    report = reports.build_grant_report(world.grant_a, start=D(2026, 1, 1), end=D(2026, 3, 31))
    assert (report.start, report.end) == (D(2026, 1, 1), D(2026, 3, 31))
    assert report.meetings.required_per_group == 3  # 10 × 90 / 365, rounded up
    # The world's story was collected on 1 May 2026: after this period.
    assert report.impact.stories_collected == 0


@time_machine.travel(dt.datetime(2026, 7, 2, 12, tzinfo=dt.UTC), tick=False)
def test_held_meetings_by_the_one_rule(world):
    """Held is Meeting.objects.held (docs/decisions.md 26): a meeting still to come does
    not count as held, whatever its status says; a begun one with attendance does."""
    base = reports.build_grant_report(world.grant_a).meetings.held
    MeetingFactory(group=world.group_a1, day=D(2026, 8, 4), status="held")
    assert reports.build_grant_report(world.grant_a).meetings.held == base
    begun = MeetingFactory(group=world.group_a1, day=D(2026, 6, 2))
    Attendance.objects.create(meeting=begun, guest_name="Guest", status="present")
    assert reports.build_grant_report(world.grant_a).meetings.held == base + 1


def _more_data(world, n: int) -> None:
    """n more of everything the report counts, for grant_a's group A1."""
    group, staff = world.group_a1, world.users["facilitator_a1"]
    for i in range(n):
        person = ParticipantFactory(group=group, status="joined", gender="man")
        EnrolmentFactory(participant=person, group=group, joined_on=D(2026, 2, 1))
        ConsentFactory(participant=person, purpose="quote_funder", recorded_by=staff)
        meeting = MeetingFactory(
            group=group, day=D(2026, 3, 1) + dt.timedelta(days=i), status="held"
        )
        meeting.activities = ["cooking"]
        meeting.save(update_fields=["activities"])
        meeting.organisers.add(person)
        Attendance.objects.create(meeting=meeting, participant=person, status="present")
        Idea.objects.create(group=group, title=f"Idea {i}", status="done", meeting=meeting)
        VolunteerHours.objects.create(
            volunteer=world.volunteer_a, group=group, worked_on=D(2026, 3, 1), hours=Decimal(2)
        )
        Expense.objects.create(
            group=group,
            grant=world.grant_a,
            category="room",
            spent_on=D(2026, 3, 1),
            amount=Decimal("10.00"),
            description="x",
            status="approved",
            submitted_by=staff,
        )
        told = Story.objects.create(
            group=group,
            storyteller=person,
            domain="growth",
            title=f"Story {i}",
            text="Text",
            significance="s",
            quote="A quote.",
            collected_on=D(2026, 4, 1),
            consent_scope="funder",
        )
        SelectionRound.objects.create(
            organisation=world.org_a,
            group=group,
            level="group",
            held_on=D(2026, 6, 1),
            panel="p",
            selected=told,
            reasons="r",
        )
        Observation.objects.create(group=group, observed_on=D(2026, 4, 1), text="t")
        ContinuationStep.objects.create(
            plan=world.plan_a1, description=f"Step {i}", owner="o", due_on=D(2026, 12, 1)
        )
        world.plan_a1.follow_up_applications.add(
            ApplicationFactory(organisation=world.org_a, fund=world.fund)
        )


@pytest.mark.parametrize("n", [1, 8])
def test_query_count_is_fixed(world, django_assert_num_queries, n):
    _more_data(world, n)
    # 1 the grant with application, organisation and fund
    # 2 the groups with their city
    # 3 participants (enrolments grouped per participant)
    # 4 volunteers and hours
    # 5 meetings with attendance counts and co-organisers
    # 6 ideas done
    # 7-8 budget and spending per category
    # 9 stories collected, with consent
    # 10 selection rounds, with consent
    # 11 observations by kind
    # 12 measurement results
    # 13-15 continuation plans, their steps, their follow-up applications with fund
    with django_assert_num_queries(reports.REPORT_QUERIES):
        report = reports.build_grant_report(world.grant_a)
    assert report.participants.unique.n == 1 + n
    assert report.impact.stories_collected == 1 + n


# --- the building blocks: in-memory PDF resources and multi-sheet workbooks -----------------


def test_render_pdf_serves_given_resources_and_nothing_else(tmp_path, settings, caplog):
    from stetapp import pdf

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "logo_test.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<p>Logo</p>'
        '<img src="{{ logo }}" alt=""><img src="{{ other }}" alt="">'
        '<img src="https://example.org/_resources/logo" alt="">{% endblock %}',
        encoding="utf-8",
    )
    ctx = {"logo": pdf.resource_url("logo"), "other": pdf.resource_url("secret")}
    data = pdf.render_pdf("logo_test.html", ctx, resources={"logo": (_png(), "image/png")})
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "_resources/secret" in refused and "example.org/_resources/logo" in refused
    # Without resources the same URL is refused like any other.
    assert len(PdfReader(io.BytesIO(pdf.render_pdf("logo_test.html", ctx))).pages[0].images) == 0


@pytest.mark.parametrize(
    "resources",
    [
        {"logo": (b"<html>", "text/html")},
        {"../logo": (b"x", "image/png")},
        {"lo go": (b"x", "image/png")},
    ],
)
def test_render_pdf_refuses_odd_resources(resources):
    from stetapp import pdf

    with pytest.raises(ValueError):
        pdf.render_pdf("pdf/base.html", {}, resources=resources)


def test_workbook_bytes_writes_sheets_and_tables_formula_safe():
    from stetapp.exports import Sheet, Table, sheet_title, workbook_bytes

    data = workbook_bytes(
        [
            Sheet("One", ["name", "n"], [["=1+1", 3], ["plain", D(2026, 1, 2)]]),
            Sheet(
                "A/B:C[?]*",
                ["k"],
                [["x"]],
                tables=[Table("More", ["a", "b"], [["@SUM(A1)", -2]])],
            ),
            Sheet("One", ["dup"], []),
        ]
    )
    sheets = _sheets(data)
    assert list(sheets) == ["One", "A B C", "One (2)"]
    assert sheets["One"][:2] == [("name", "n"), ("'=1+1", 3)]
    assert sheets["One"][2][1].date() == D(2026, 1, 2)
    assert sheets["A B C"] == [
        ("k", None),
        ("x", None),
        (None, None),
        ("More", None),
        ("a", "b"),
        ("'@SUM(A1)", -2),
    ]
    assert sheet_title("x" * 40) == "x" * 31
    with translation.override("en"):
        assert sheet_title("") == "Sheet"
    with translation.override("nl"):
        assert sheet_title("") == "Blad"
