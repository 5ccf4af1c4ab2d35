"""GET /groups/<pk>/participants/export/ — the group's current participants as CSV or
XLSX: the full list for the group's facilitators and the project lead, name and phone
for volunteers; never religion, health notes or confidential notes; never for
coordinators or funders."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import Participant
from tests.factories import EnrolmentFactory, ParticipantFactory, Role, UserFactory, grant_role

FULL_HEADER = [
    "name",
    "phone",
    "postcode",
    "year of birth",
    "gender",
    "community",
    "preferred language",
    "languages spoken",
    "needs help reading or writing Dutch",
    "joined on",
]


def _url(group, fmt=None):
    url = reverse("group_participants_export", args=[group.pk])
    return f"{url}?format={fmt}" if fmt else url


def _csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def sensitive(world):
    """Ayse has religion, health and confidential notes on record: none may leave."""
    Participant.objects.filter(pk=world.participant_a1.pk).update(
        religion="Islam",
        health_notes="Diabetes",
        confidential_notes="Lost her husband in May",
        languages=["tr", "nl"],
        needs_dutch_support=True,
    )


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_full_list_as_csv(world, sensitive, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="group-a1-')
    assert response["Cache-Control"] == "no-store"
    rows = _csv(response)
    assert rows[0] == FULL_HEADER
    assert rows[1] == [
        "Ayse Demir",
        "06 1111 2222",
        "3072 AB",
        "1955",
        "woman",
        "Turkish",
        "Turkish",
        "Turkish, Dutch",
        "yes",
        "2025-01-15",
    ]
    assert len(rows) == 2
    text = response.content.decode("utf-8-sig")
    for secret in ("Islam", "Diabetes", "Lost her husband"):
        assert secret not in text


def test_full_list_as_xlsx(world, sensitive):
    response = world.client_for("facilitator_a1").get(_url(world.group_a1, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = _xlsx(response)
    assert rows[0] == FULL_HEADER
    assert rows[1][:4] == ["Ayse Demir", "06 1111 2222", "3072 AB", 1955]
    assert rows[1][9].date() == dt.date(2025, 1, 15)
    flat = " ".join(str(v) for row in rows for v in row)
    for secret in ("Islam", "Diabetes", "Lost her husband"):
        assert secret not in flat


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_volunteer_gets_name_and_phone_only(world, sensitive, fmt):
    response = world.client_for("volunteer_a1").get(_url(world.group_a1, fmt))
    assert response.status_code == 200
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert rows == [["name", "phone"], ["Ayse Demir", "06 1111 2222"]]


@pytest.mark.parametrize("fmt", ["", "pdf", "<script>", "xlsx%00", "CSV"])
def test_unknown_format_falls_back_to_csv(world, fmt):
    response = world.client_for("lead_a").get(
        reverse("group_participants_export", args=[world.group_a1.pk]), {"format": fmt}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_only_current_participants(world):
    left = ParticipantFactory(group=world.group_a1, full_name="Left Person", status="joined")
    EnrolmentFactory(
        participant=left,
        group=world.group_a1,
        joined_on=dt.date(2024, 1, 1),
        left_on=dt.date(2024, 6, 1),
        leave_reason="moved",
    )
    ParticipantFactory(group=world.group_a1, full_name="Candidate Only", status="contacted")
    future = ParticipantFactory(group=world.group_a1, full_name="Starts Later", status="joined")
    EnrolmentFactory(participant=future, group=world.group_a1, joined_on=dt.date(2999, 1, 1))
    rows = _csv(world.client_for("lead_a").get(_url(world.group_a1)))
    assert [row[0] for row in rows[1:]] == ["Ayse Demir"]


def test_participants_of_other_groups_are_not_listed(world):
    rows = _csv(world.client_for("lead_a").get(_url(world.group_a1)))
    assert "Ruth Kromo" not in str(rows)


def test_formula_in_a_name_is_neutralised(world):
    ParticipantFactory(group=world.group_a1, full_name="=cmd|' /C calc'!A0", status="joined")
    participant = Participant.objects.get(full_name__startswith="=cmd")
    EnrolmentFactory(participant=participant, group=world.group_a1)
    rows = _csv(world.client_for("lead_a").get(_url(world.group_a1)))
    assert "'=cmd|' /C calc'!A0" in [row[0] for row in rows]
    xrows = _xlsx(world.client_for("lead_a").get(_url(world.group_a1, "xlsx")))
    assert "'=cmd|' /C calc'!A0" in [row[0] for row in xrows]


def test_empty_group_gives_the_header(world):
    rows = _csv(world.client_for("lead_a").get(_url(world.group_a2)))
    assert rows == [FULL_HEADER]


# --- access ----------------------------------------------------------------------------


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


def test_lead_of_another_organisation_gets_404(world):
    assert world.client_for("lead_a").get(_url(world.group_b1)).status_code == 404


def test_missing_group_is_404(world):
    response = world.client_for("lead_a").get(reverse("group_participants_export", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "funder"])
def test_no_participant_role_gets_403(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_coordinator_who_volunteers_elsewhere_still_gets_403(world):
    """The rule lets a volunteer in, the group is visible to the coordinator: neither
    alone gives the list of another group's people."""
    coordinator = world.users["coordinator"]
    grant_role(coordinator, Role.VOLUNTEER, world.group_b1)
    client = world.client_for("coordinator")
    assert client.get(_url(world.group_a1)).status_code == 403
    assert client.get(_url(world.group_b1)).status_code == 200


def test_volunteer_of_another_group_gets_404(world):
    user = UserFactory(email="volunteer.b1@example.org")
    grant_role(user, Role.VOLUNTEER, world.group_b1)
    world.users["volunteer_b1"] = user
    assert world.client_for("volunteer_b1").get(_url(world.group_a1)).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.group_a1)).status_code == 405


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[3, 30], ids=["3 participants", "30 participants"])
def participants(request, world):
    for _n in range(request.param - 1):  # Ayse is the first
        EnrolmentFactory(
            participant=ParticipantFactory(group=world.group_a1, status="joined"),
            group=world.group_a1,
        )
    return request.param


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "volunteer_a1"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_query_count(world, participants, persona, fmt, warm, django_assert_num_queries):
    client = world.client_for(persona)
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(6):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (the
        #    user's roles in it come from 3.: full list, names only, or nothing)
        # 5. the current enrolments, joined with their participants
        response = client.get(_url(world.group_a1, fmt))
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    assert len(rows) == 1 + participants
