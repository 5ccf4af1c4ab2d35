"""The access log of reads (issue 11, item 2): every page, export and PDF that shows a
participant's data logs who saw whom, how and from which request; refusals are logged
too; the log is append-only and holds no personal data beyond numbers."""

import io
import zipfile

import pytest
from django.urls import reverse

from privacy.access_log import record
from privacy.models import Access
from tests.stetapp.test_permission_matrix import MATRIX, OK

pytestmark = pytest.mark.django_db


def _rows(**filters):
    return list(Access.objects.filter(**filters).order_by("pk"))


def test_a_participant_page_logs_who_saw_whom(world):
    person = world.participant_a1
    lead = world.users["lead_a"]
    response = world.client_for("lead_a").get(reverse("participant_detail", args=[person.pk]))
    assert response.status_code == 200
    (row,) = _rows(actor_id=lead.pk)
    assert row.participant_id == person.pk
    assert row.action == "view"
    assert row.view == "participant_detail"
    assert row.target == f"pk={person.pk}"
    assert row.roles == "project_lead"
    assert row.scope == f"project_lead: organisation {world.org_a.pk}"
    assert len(row.request_id) >= 8


def test_a_list_logs_every_participant_it_showed_in_one_request(world):
    client = world.client_for("lead_a")
    response = client.get(reverse("participant_list"))
    shown = {p.pk for p in response.context["page"].object_list}
    logged = {r.participant_id for r in _rows(actor_id=world.users["lead_a"].pk)}
    assert shown and shown <= logged
    assert len({r.request_id for r in _rows(actor_id=world.users["lead_a"].pk)}) == 1


def test_an_export_is_logged_as_an_export(world):
    client = world.client_for("lead_a")
    url = reverse("group_participants_export", args=[world.group_a1.pk])
    response = client.get(url + "?format=xlsx")
    assert response.status_code == 200
    actions = {r.action for r in _rows(actor_id=world.users["lead_a"].pk)}
    assert actions == {"export"}


def test_a_refused_request_is_logged_without_showing_anything(world):
    person = world.participant_a1
    other = world.users["facilitator_b1"]
    response = world.client_for("facilitator_b1").get(
        reverse("participant_detail", args=[person.pk])
    )
    assert response.status_code == 404
    (row,) = _rows(actor_id=other.pk)
    assert row.action == "refused"
    assert row.status == 404
    assert row.target == f"pk={person.pk}"


def test_a_refused_url_with_control_characters_is_logged_cleanly(world):
    """A path can hold anything; PostgreSQL refuses NUL in text (this was a 500)."""
    response = world.client_for("facilitator_a1").get("/calendar/%00%01x.ics")
    assert response.status_code == 404
    (row,) = _rows(actor_id=world.users["facilitator_a1"].pk)
    assert row.action == "refused"
    assert row.target == "token=x"


def test_a_page_without_participants_logs_nothing(world):
    world.client_for("coordinator").get(reverse("home"))
    assert _rows() == []


def test_outside_a_request_nothing_is_watched(world):
    from participants.models import Participant

    list(Participant.objects.all())
    assert _rows() == []


def test_the_log_holds_no_names(world, rf):
    request = rf.get("/")
    request.user = world.users["lead_a"]
    record(request=request, action="view", participant_ids={world.participant_a1.pk})
    text = " ".join(
        str(value) for row in Access.objects.values_list() for value in row if value is not None
    )
    assert world.participant_a1.full_name not in text
    assert world.users["lead_a"].email not in text


def test_postgresql_refuses_to_change_or_delete_the_access_log(world):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    world.client_for("lead_a").get(reverse("participant_detail", args=[world.participant_a1.pk]))
    row = Access.objects.latest("pk")
    for attempt in (
        lambda: Access.objects.filter(pk=row.pk).update(actor_id=None),
        lambda: Access.objects.filter(pk=row.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


# --- every page that shows a participant logs that participant --------------------------


def _text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            pages = PdfReader(io.BytesIO(body)).pages
            return " ".join(page.extract_text() or "" for page in pages)
        except PdfReadError:  # an uploaded receipt of the test world: a few bytes
            return ""
    if "spreadsheet" in content_type:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if "zip" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return body.decode("utf-8", "replace")


PERSONAS_WITH_NAMES = ("lead_a", "facilitator_a1", "volunteer_a1")
PAGES = sorted(
    (name, persona)
    for name, spec in MATRIX.items()
    for persona in PERSONAS_WITH_NAMES
    if spec["GET"][persona] == OK
)


@pytest.mark.parametrize(("name", "persona"), PAGES)
def test_every_page_that_shows_a_participant_logs_them(world, name, persona):
    spec = MATRIX[name]
    url = reverse(name, kwargs=spec.get("kwargs", lambda w: {})(world))
    response = world.client_for(persona).get(url)
    assert response.status_code == 200
    person = world.participant_a1
    if person.full_name not in _text_of(response):
        return
    logged = Access.objects.filter(
        actor_id=world.users[persona].pk, participant_id=person.pk, view=name
    )
    assert logged.exists(), f"{name} showed {person.full_name} to {persona} without logging"
