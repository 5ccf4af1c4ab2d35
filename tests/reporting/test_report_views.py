"""The report page of a grant, its PDF and its workbook (reporting/views_reports.py):
who may see them, the period in the query string, bad periods, the downloads."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import (
    ApplicationFactory,
    FundFactory,
    GrantFactory,
    MeetingFactory,
    ParticipantFactory,
    UserFactory,
    grant_role,
    participant_in,
)

pytestmark = pytest.mark.django_db

PAGE, PDF, XLSX = "grant_report", "grant_report_pdf", "grant_report_xlsx"


def url(name, grant, **query):
    base = reverse(name, kwargs={"pk": grant.pk})
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def _sheets(response) -> dict:
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def _summary(response) -> dict:
    return {row[0]: row[1] for row in _sheets(response)["Summary"][1:]}


# --- the page -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "coordinator", "funder"])
def test_the_page_shows_the_report_for_the_grant_period(world, persona):
    response = world.client_for(persona).get(url(PAGE, world.grant_a))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    text = response.content.decode()
    assert "Accountability report" in text
    assert "Demo Fund" in text and "Together in Rotterdam" in text
    # The form starts at the grant's period; the downloads carry the period.
    assert 'value="2026-01-01"' in text and 'value="2026-12-31"' in text
    assert (
        url(PDF, world.grant_a, start="2026-01-01", end="2026-12-31").replace("&", "&amp;") in text
    )
    assert (
        url(XLSX, world.grant_a, start="2026-01-01", end="2026-12-31").replace("&", "&amp;") in text
    )


def test_the_page_holds_no_personal_data(world):
    world.participant_a1.address = "Kerkstraat 1"
    world.participant_a1.save(update_fields=["address"])
    for persona in ("funder", "coordinator", "lead_a"):
        text = world.client_for(persona).get(url(PAGE, world.grant_a)).content.decode()
        for secret in (
            world.participant_a1.full_name,
            world.participant_a1.phone,
            "Kerkstraat",
            world.volunteer_a.full_name,
            world.users["facilitator_a1"].full_name,
            world.step_a1.owner,
            world.selection_a.panel,
        ):
            assert secret not in text, (persona, secret)
        # One participant: shown as "<5", never as 1.
        assert response_count(text, "Unique participants") == "&lt;5"


def response_count(html: str, label: str) -> str:
    match = re.search(re.escape(label) + r"</dt><dd[^>]*>([^<]*)</dd>", html)
    assert match, label
    return match.group(1)


def test_a_chosen_period(world):
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 2, 3), status="held")
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 5, 5), status="held")
    response = world.client_for("lead_a").get(
        url(PAGE, world.grant_a, start="2026-01-01", end="2026-03-31")
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert report.meetings.held == 1
    assert report.meetings.required_per_group == 3
    text = response.content.decode()
    assert "1 January 2026 to 31 March 2026" in text
    assert "start=2026-01-01&amp;end=2026-03-31" in text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-06-01", "end": "2026-05-31"}, "end", "lies before its start"),
        ({"start": "not-a-date", "end": "2026-05-31"}, "start", "Enter a valid date"),
        ({"start": "2026-02-30", "end": "2026-05-31"}, "start", "Enter a valid date"),
        ({"start": "2026-01-01"}, "end", "This field is required"),
        ({"start": "0001-01-01", "end": "2026-05-31"}, "start", "Choose a date between"),
        ({"start": "2026-01-01", "end": "9999-12-31"}, "end", "Choose a date between"),
    ],
)
def test_a_bad_period_is_shown_on_the_form(world, query, field, message):
    response = world.client_for("lead_a").get(url(PAGE, world.grant_a, **query))
    assert response.status_code == 200
    assert response.context["report"] is None
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in response.content.decode()


# --- the downloads --------------------------------------------------------------------------


def test_pdf_download_for_the_chosen_period_with_the_logo(world):
    # The one PDF this module renders: the chosen period, the organisation's logo.
    assert _upload(world, "lead_a", "logo.png", _image("PNG", size=(60, 30))).status_code == 302
    response = world.client_for("funder").get(
        url(PDF, world.grant_a, start="2026-02-01", end="2026-07-31")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.pdf"', disposition)
    assert "2026-02-01-2026-07-31" in disposition
    assert response.content.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages[0].images) == 1  # the logo
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    assert "1 February 2026 to 31 July 2026" in text
    assert "Organisation A" in text
    assert world.participant_a1.full_name not in text
    assert world.participant_a1.phone not in text


def test_xlsx_download_for_the_chosen_period(world):
    response = world.client_for("funder").get(
        url(XLSX, world.grant_a, start="2026-02-01", end="2026-07-31")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Cache-Control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.xlsx"', response["Content-Disposition"])
    summary = _summary(response)
    assert summary["Period from"].date() == dt.date(2026, 2, 1)
    assert summary["Period until"].date() == dt.date(2026, 7, 31)
    assert summary["Unique participants"] == "<5"
    cells = " ".join(str(v) for rows in _sheets(response).values() for row in rows for v in row)
    assert world.participant_a1.full_name not in cells
    assert world.participant_a1.phone not in cells


def test_xlsx_download_without_a_period_uses_the_grant_period(world):
    response = world.client_for("lead_a").get(url(XLSX, world.grant_a))
    assert response.status_code == 200
    summary = _summary(response)
    assert summary["Period from"].date() == dt.date(2026, 1, 1)
    assert summary["Period until"].date() == dt.date(2026, 12, 31)


@pytest.mark.parametrize("name", [PDF, XLSX])
@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-06-01", "end": "2026-05-31"},
        {"start": "31-31-2026", "end": "2026-05-31"},
        {"end": "2026-05-31"},
    ],
)
def test_a_bad_period_in_a_download_link_is_a_400_page(world, name, query):
    response = world.client_for("lead_a").get(url(name, world.grant_a, **query))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["report"] is None
    assert response.context["form"].errors
    assert "Content-Disposition" not in response


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [PAGE, PDF, XLSX])
def test_funder_of_another_fund_gets_404(world, name):
    other = UserFactory(email="other.funder@example.org")
    grant_role(other, "funder", FundFactory(name="Other Fund"))
    client = Client()
    client.force_login(other)
    assert client.get(url(name, world.grant_a)).status_code == 404


def test_funder_sees_the_report_of_a_grant_of_its_own_fund_only(world):
    elsewhere = GrantFactory(
        application=ApplicationFactory(organisation=world.org_b, groups=[world.group_b1])
    )
    own = GrantFactory(
        application=ApplicationFactory(
            organisation=world.org_b, fund=world.fund, groups=[world.group_b1]
        )
    )
    client = world.client_for("funder")
    assert client.get(url(PAGE, own)).status_code == 200
    assert client.get(url(PAGE, elsewhere)).status_code == 404


@pytest.mark.parametrize("name", [PAGE, PDF, XLSX])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("volunteer_a1", 403), ("facilitator_b1", 404)],
)
def test_others_get_no_report(world, name, persona, status):
    assert world.client_for(persona).get(url(name, world.grant_a)).status_code == status


@pytest.mark.parametrize("name", [PAGE, PDF, XLSX])
def test_post_is_not_allowed(world, name):
    assert world.client_for("lead_a").post(url(name, world.grant_a)).status_code == 405


def test_unknown_grant_is_404(world):
    assert world.client_for("lead_a").get(reverse(PAGE, kwargs={"pk": 999999})).status_code == 404


# --- query count ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 6])
def test_page_query_count(world, django_assert_num_queries, n):
    for _ in range(n):
        participant_in(world.group_a1)
        ParticipantFactory(group=world.group_a1)
        MeetingFactory(group=world.group_a1, status="held")
    client = world.client_for("funder")
    client.get(url(PAGE, world.grant_a))
    # session, user, roles (the access rule), the grant through visible_to, and the
    # report's fixed number of queries.
    from reporting.report import REPORT_QUERIES

    with django_assert_num_queries(4 + REPORT_QUERIES):
        assert client.get(url(PAGE, world.grant_a)).status_code == 200


# --- the organisation's logo on the report ---------------------------------------------


def _image(fmt: str, size=(30, 20)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 122)).save(buffer, format=fmt)
    return buffer.getvalue()


def _upload(world, persona, name, content, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    org = world.org_a
    data = {"name": org.name, "city": org.city_id, "kvk_number": org.kvk_number, **extra}
    if content is not None:
        data["logo"] = SimpleUploadedFile(name, content)
    return world.client_for(persona).post(reverse("organisation_edit", args=[org.pk]), data)


def test_the_edit_form_takes_a_logo(world):
    text = world.client_for("lead_a").get(reverse("organisation_edit", args=[world.org_a.pk]))
    html = text.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="logo"' in html and 'accept="image/png,image/jpeg"' in html
    assert 'name="remove_logo"' not in html  # nothing to remove yet


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", ".png"), ("JPEG", ".jpg")])
def test_a_png_or_jpeg_logo_is_stored_privately(world, fmt, suffix):
    from reporting.report import logo_resource

    response = _upload(world, "lead_a", f"Our Logo{suffix}", _image(fmt))
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    name = world.org_a.logo.name
    assert name.startswith("logos/") and name.endswith(suffix)
    assert "Our Logo" not in name  # a random name, not the uploaded one
    body, mime = logo_resource(name)
    assert mime == ("image/png" if fmt == "PNG" else "image/jpeg")
    assert body == _image(fmt)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", "GIF", "PNG or JPEG"),
        ("logo.png", b"this is not an image", "Upload a valid image"),
        ("logo.png", "BIG", "larger than 1 MB"),
    ],
)
def test_other_files_are_refused_with_a_field_error(world, name, content, message):
    if content == "GIF":
        content = _image("GIF")
    elif content == "BIG":
        content = b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024)
    response = _upload(world, "lead_a", name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["logo"]
    assert message in " ".join(errors)
    assert message in response.content.decode()
    world.org_a.refresh_from_db()
    assert not world.org_a.logo


def test_the_logo_is_replaced_and_removed(world):
    _upload(world, "lead_a", "a.png", _image("PNG"))
    world.org_a.refresh_from_db()
    first = world.org_a.logo.name
    storage = world.org_a.logo.storage
    _upload(world, "coordinator", "b.jpg", _image("JPEG"))
    world.org_a.refresh_from_db()
    assert world.org_a.logo.name.endswith(".jpg")
    assert not storage.exists(first)  # the old file is gone
    html = world.client_for("lead_a").get(reverse("organisation_edit", args=[world.org_a.pk]))
    assert 'name="remove_logo"' in html.content.decode()
    second = world.org_a.logo.name
    response = _upload(world, "lead_a", "", None, remove_logo="on")
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert not world.org_a.logo
    assert not storage.exists(second)


# --- the same meeting figures on the page, in the PDF and in the workbook -------------------


def _page_figures(html: str) -> dict:
    """The attendance figures and the meetings' total row as the page shows them."""
    attendance = html.split('id="attendance-heading"', 1)[1].split("</dl>", 1)[0]
    figures = dict(re.findall(r"<dt[^>]*>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", attendance))
    total = html.split('id="meetings-heading"', 1)[1].split("<tfoot>", 1)[1].split("</tfoot>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", total)
    ]
    return {"figures": figures, "total": cells}


def test_page_pdf_and_workbook_show_the_same_meeting_figures(world):
    from meetings.models import Attendance

    world.application_a.groups.add(world.group_a2)
    other = participant_in(world.group_a1)
    for day, statuses in (
        (dt.date(2026, 3, 3), ("present", "absent")),
        (dt.date(2026, 3, 17), ("present", "present")),
    ):
        meeting = MeetingFactory(group=world.group_a1, day=day, status="held")
        for person, status in zip((world.participant_a1, other), statuses, strict=True):
            Attendance.objects.create(meeting=meeting, participant=person, status=status)
        Attendance.objects.create(meeting=meeting, guest_name="A guest", status="present")
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    client = world.client_for("lead_a")

    page = _page_figures(client.get(url(PAGE, world.grant_a, **period)).content.decode())
    pdf = client.get(url(PDF, world.grant_a, **period)).content
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    sheet = _sheets(client.get(url(XLSX, world.grant_a, **period)))["Meetings"]

    # The page: every attendance figure, and the condition in the total row (group A2
    # held no meeting in March, so not every group meets it).
    expected = {
        "Participant marks at held meetings": "4",
        "Participants present": "3",
        "Attendance rate": "75.0 %",
        "Held meetings with attendance marked": "2",
        "Present, guests included": "5",
        "Average present per meeting": "2.5",
    }
    assert page["figures"] == expected
    assert page["total"] == ["Total", "2", "0", "–", "no"]
    # The PDF: the same figures and the same total row.
    for label, shown in expected.items():
        assert f"{label} {shown}" in text, label
    assert "Total 2 0 – no" in text
    # The workbook: the same numbers, as numbers.
    rows = [tuple(v for v in row if v is not None) for row in sheet]
    assert ("Total", 2, 0, "no") in rows
    start = rows.index(("Attendance",))
    assert rows[start + 2 : start + 8] == [
        ("Participant marks at held meetings", 4),
        ("Participants present", 3),
        ("Attendance rate, percent", 75),
        ("Held meetings with attendance marked", 2),
        ("Present, guests included", 5),
        ("Average present per meeting", 2.5),
    ]


# --- the project lead's summary and contact line ------------------------------------------

SUMMARY = "report_summary"


def _pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_the_lead_writes_a_summary_that_the_pdf_and_workbook_carry(world):
    from reporting.models import ReportSummary

    lead = world.client_for("lead_a")
    period = {"start": "2026-01-01", "end": "2026-06-30"}
    page = lead.get(url(PAGE, world.grant_a, **period)).content.decode()
    # The form starts from the lead's own name and e-mail address as contact line.
    user = world.users["lead_a"]
    assert 'name="text"' in page and f'value="{user.full_name}, {user.email}"' in page
    assert 'name="start" value="2026-01-01"' in page and 'name="end" value="2026-06-30"' in page

    response = lead.post(
        reverse("grant_report_summary", kwargs={"pk": world.grant_a.pk}),
        {
            **period,
            "text": "  The groups met every fortnight.\n\nNext year: two new groups.  ",
            "contact": "Lena Lead, lena@example.org",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(PAGE, world.grant_a, **period) + "#summary-heading"
    saved = ReportSummary.objects.get(grant=world.grant_a)
    assert (saved.start, saved.end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert saved.text == "The groups met every fortnight.\n\nNext year: two new groups."
    assert saved.updated_by == user

    text = _pdf_text(world.client_for("funder").get(url(PDF, world.grant_a, **period)))
    assert "Summary The groups met every fortnight. Next year: two new groups." in text
    assert "Contact Lena Lead, lena@example.org" in text
    summary = _summary(world.client_for("funder").get(url(XLSX, world.grant_a, **period)))
    assert summary["Contact"] == "Lena Lead, lena@example.org"
    assert summary["Summary for the funder"].startswith("The groups met every fortnight.")
    # The funder reads it on the page, without a form.
    funder_page = world.client_for("funder").get(url(PAGE, world.grant_a, **period))
    html = funder_page.content.decode()
    assert "The groups met every fortnight." in html and 'name="text"' not in html
    # Another period has its own summary (none yet).
    other = _pdf_text(world.client_for("funder").get(url(PDF, world.grant_a)))
    assert "fortnight" not in other and "lena@example.org" not in other

    # Saving again changes the same summary.
    lead.post(
        reverse("grant_report_summary", kwargs={"pk": world.grant_a.pk}),
        {**period, "text": "Shorter.", "contact": ""},
    )
    saved = ReportSummary.objects.get(grant=world.grant_a)
    assert (saved.text, saved.contact) == ("Shorter.", "")


@pytest.mark.parametrize(
    ("persona", "status"), [("facilitator_a1", 403), ("coordinator", 403), ("funder", 403)]
)
def test_only_the_project_lead_writes_the_summary(world, persona, status):
    from reporting.models import ReportSummary

    client = world.client_for(persona)
    response = client.post(
        reverse("grant_report_summary", kwargs={"pk": world.grant_a.pk}),
        {"start": "2026-01-01", "end": "2026-12-31", "text": "Hacked", "contact": ""},
    )
    assert response.status_code == status
    assert not ReportSummary.objects.exists()
    assert 'name="text"' not in client.get(url(PAGE, world.grant_a)).content.decode()


def test_a_summary_that_is_too_long_is_refused_on_the_page(world):
    from reporting.models import ReportSummary

    response = world.client_for("lead_a").post(
        reverse("grant_report_summary", kwargs={"pk": world.grant_a.pk}),
        {"start": "2026-01-01", "end": "2026-12-31", "text": "x" * 3001, "contact": ""},
    )
    assert response.status_code == 400
    assert "text" in response.context["summary_form"].errors
    assert response.context["report"] is not None
    assert not ReportSummary.objects.exists()


def test_the_lead_of_another_organisation_cannot_see_or_write(world):
    other = UserFactory(email="lead.elsewhere@example.org")
    grant_role(other, "project_lead", world.org_b)
    client = Client()
    client.force_login(other)
    response = client.post(
        reverse("grant_report_summary", kwargs={"pk": world.grant_a.pk}),
        {"start": "2026-01-01", "end": "2026-12-31", "text": "x", "contact": ""},
    )
    assert response.status_code == 404
