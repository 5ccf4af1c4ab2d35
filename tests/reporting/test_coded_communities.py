"""Funder and coordinator outputs use only coded communities (issue 15, item 7;
docs/decisions.md 47): a typed community ("Canary Street 12") never reaches the grant
report (page, PDF, XLSX), the programme dashboard (page, XLSX), the coordinator's home,
group list or group page; it is counted under "other", and small numbers are still
suppressed. Those who work in the group still see what was typed."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from groups.communities import Community, community_code
from groups.models import Group
from tests.factories import participant_in

pytestmark = pytest.mark.django_db

CANARY = "Canary Street 12"


@pytest.fixture
def canary(world):
    """Group A2's community and six participants' communities in group A1 are typed as
    a street address; two more in group A1 are "Turks" (Dutch for Turkish)."""
    Group.objects.filter(pk=world.group_a2.pk).update(community=CANARY)
    for i in range(6):
        participant_in(world.group_a1, full_name=f"Canary {i}", community=CANARY)
    for i in range(2):
        participant_in(world.group_a1, full_name=f"Turks {i}", community="Turks")
    return world


def _cells(response) -> str:
    workbook = load_workbook(io.BytesIO(response.content))
    return " | ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.content)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Turks", "turkish"),
        (" turkse ", "turkish"),
        ("Marokkaans-Berbers", "moroccan"),
        ("Curaçaos", "caribbean"),
        ("Surinamese", "surinamese"),
        ("Cape Verdean", "cape_verdean"),
        (CANARY, "other"),
        ("", ""),
        (None, ""),
    ],
)
def test_typed_text_gets_a_code_or_other(text, code):
    assert community_code(text) == code


def test_every_code_is_recognised_by_itself():
    for code in Community.values:
        assert community_code(code) == code


def test_the_funders_report_counts_it_under_other(canary):
    client = canary.client_for("funder")
    page = client.get(reverse("grant_report", args=[canary.grant_a.pk]))
    assert page.status_code == 200
    assert CANARY not in page.text
    rows = {row.label: row for row in page.context["report"].participants.by_community}
    assert set(rows) <= {"other", "Turkish", "not recorded"}
    assert rows["other"].n == 6
    # Three people (one from the shared world): suppressed (stetapp/suppression.py).
    assert (rows["Turkish"].n, rows["Turkish"].shown) == (3, "<5")

    xlsx = client.get(reverse("grant_report_xlsx", args=[canary.grant_a.pk]))
    assert xlsx.status_code == 200
    cells = _cells(xlsx)
    assert CANARY not in cells and "other" in cells

    pdf = client.get(reverse("grant_report_pdf", args=[canary.grant_a.pk]))
    assert pdf.status_code == 200
    text = _pdf_text(pdf)
    assert CANARY not in text and "other" in text


def test_the_coordinators_dashboard_counts_it_under_other(canary):
    client = canary.client_for("coordinator")
    url = reverse("programme_dashboard", args=[canary.programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert CANARY not in page.text
    labels = [row["label"] for row in page.context["dashboard"].by_community_composition.rows]
    assert "other" in labels and CANARY not in labels
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200
    assert CANARY not in _cells(xlsx)


def test_the_coordinators_home_and_group_pages_show_the_code(canary):
    client = canary.client_for("coordinator")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert CANARY not in home.text
    assert "other" in [row["label"] for row in home.context["programme_by_community"]]
    listing = client.get(reverse("group_list"))
    assert CANARY not in listing.text
    assert "Other" in [
        label for _value, label in listing.context["filter"].form.fields["community"].choices
    ]
    detail = client.get(reverse("group_detail", args=[canary.group_a2.pk]))
    assert detail.status_code == 200
    assert CANARY not in detail.text


def test_those_who_work_in_the_group_still_see_what_was_typed(canary):
    client = canary.client_for("lead_a")
    assert CANARY in client.get(reverse("group_detail", args=[canary.group_a2.pk])).text
    assert CANARY in client.get(reverse("group_list")).text


# --- an organisation's own list (docs/decisions.md, "An organisation's own list of
# communities") -------------------------------------------------------------------------

OWN_CANARY = "Canary Lane 7, second floor"


@pytest.fixture
def own_list(world):
    """Organisation A counts "Riffijns" as a category of its own ("Riffian") and calls
    "turkish" "Turkish Dutch". Group A1 (the grant's group) has six Riffian participants,
    six typed as an address and two "Turks"; group A2 is Riffian."""
    from groups.services_communities import community_category_add, community_category_update

    community_category_add(
        organisation=world.org_a, code="riffian", label_nl="Riffijns", label_en="Riffian"
    )
    community_category_update(
        organisation=world.org_a,
        code="turkish",
        label_nl="Turks-Nederlands",
        label_en="Turkish Dutch",
        active=True,
        version=0,
    )
    Group.objects.filter(pk=world.group_a2.pk).update(community="Riffijns")
    for i in range(6):
        participant_in(world.group_a1, full_name=f"Rif {i}", community="Riffijns")
        participant_in(world.group_a1, full_name=f"Lane {i}", community=OWN_CANARY)
    for i in range(2):
        participant_in(world.group_a1, full_name=f"Turks {i}", community="Turks")
    return world


def test_the_grant_report_uses_the_organisations_own_labels(own_list):
    client = own_list.client_for("funder")
    page = client.get(reverse("grant_report", args=[own_list.grant_a.pk]))
    assert page.status_code == 200
    assert OWN_CANARY not in page.text
    rows = {row.label: row for row in page.context["report"].participants.by_community}
    assert (rows["Riffian"].n, rows["Riffian"].shown) == (6, "6")
    assert rows["other"].n == 6
    # Three Turkish Dutch people (one from the shared world): still suppressed.
    assert (rows["Turkish Dutch"].n, rows["Turkish Dutch"].shown) == (3, "<5")
    assert "Turkish" not in rows

    cells = _cells(client.get(reverse("grant_report_xlsx", args=[own_list.grant_a.pk])))
    assert OWN_CANARY not in cells and "Riffian" in cells and "<5" in cells

    text = _pdf_text(client.get(reverse("grant_report_pdf", args=[own_list.grant_a.pk])))
    assert OWN_CANARY not in text and "Riffian" in text


def test_the_programme_dashboard_counts_own_categories_as_other(own_list):
    client = own_list.client_for("coordinator")
    url = reverse("programme_dashboard", args=[own_list.programme.pk])
    page = client.get(url)
    assert OWN_CANARY not in page.text
    labels = [row["label"] for row in page.context["dashboard"].by_community_composition.rows]
    # Across organisations: the shared codes; organisation A's own category is "other".
    assert "Riffian" not in labels and "Turkish Dutch" not in labels
    assert {"other", "Turkish", "Surinamese"} <= set(labels)
    cells = _cells(client.get(url + "?format=xlsx"))
    assert OWN_CANARY not in cells and "Riffian" not in cells

    # One organisation chosen: its own list.
    one = client.get(url, {"organisation": own_list.org_a.pk})
    labels = [row["label"] for row in one.context["dashboard"].by_community_composition.rows]
    assert set(labels) == {"Riffian", "Turkish Dutch"}


def test_the_coordinators_home_counts_own_categories_as_other(own_list):
    home = own_list.client_for("coordinator").get(reverse("home"))
    labels = [row["label"] for row in home.context["programme_by_community"]]
    assert "Riffian" not in labels and "other" in labels and "Turkish" in labels
    assert OWN_CANARY not in home.text


def test_the_group_page_shows_the_own_label_to_the_coordinator(own_list):
    detail = own_list.client_for("coordinator").get(
        reverse("group_detail", args=[own_list.group_a2.pk])
    )
    assert detail.context["community"] == "Riffian"


def test_the_group_list_filter_finds_own_categories_under_other(own_list):
    client = own_list.client_for("coordinator")
    listing = client.get(reverse("group_list"), {"community": "other"})
    names = [g.name for g in listing.context["page"]]
    assert names == ["Group A2"]
