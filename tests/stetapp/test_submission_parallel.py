"""The same create form sent five times at the same moment saves once; twenty identical
guest adds at once add one guest (stetapp/submission.py, issue 15 item 3).

Real threads with their own database connections: PostgreSQL only (SQLite serialises
writers); CI runs these on PostgreSQL.
"""

import io
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from funding.models import Expense
from groups.models import Group, Organisation
from meetings.models import Attendance, FollowUpCall, Idea
from participants.models import Participant
from reporting.models import Story
from stetapp.models import Submission
from tests.helpers import put_back_migration_data

# serialized_rollback: the flush after each test empties the migrations' data (cities);
# this puts it back before the next one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIELD = "submission_token"


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After the last test here, put back what the migrations loaded, so a kept
    (--reuse-db) test database is not left empty."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel submissions need PostgreSQL (CI runs it there)")


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("receipt.png", buffer.getvalue(), content_type="image/png")


# name: (url(world), data(world), the records it makes(world)); all by facilitator_a1.
FORMS = {
    "participant": (
        lambda w: reverse("participant_create"),
        lambda w: {"full_name": "Nadia El Idrissi", "group": w.group_a1.pk, "status": "contacted"},
        lambda w: Participant.objects.filter(full_name="Nadia El Idrissi"),
    ),
    "idea": (
        lambda w: reverse("idea_create", args=[w.group_a1.pk]),
        lambda w: {
            "title": "Cook together",
            "activity_kind": "cooking",
            "source": "meeting",
            "proposer": "staff",
            "votes": "3",
            "status": "idea",
        },
        lambda w: Idea.objects.filter(title="Cook together"),
    ),
    "expense": (
        lambda w: reverse("expense_create"),
        lambda w: {
            "group": w.group_a1.pk,
            "spent_on": "2026-03-03",
            "amount": "12.50",
            "description": "Tea and biscuits",
            "category": "catering",
            "grant": w.grant_a.pk,
            "receipt": _png(),
        },
        lambda w: Expense.objects.filter(description="Tea and biscuits"),
    ),
    "follow-up call": (
        lambda w: reverse("follow_up_call_create", args=[w.participant_a1.pk]),
        lambda w: {
            "outcome": "coming_back",
            "called_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        lambda w: FollowUpCall.objects.filter(participant=w.participant_a1),
    ),
    "story": (
        lambda w: reverse("story_create", args=[w.group_a1.pk]),
        lambda w: {
            "domain": "growth",
            "title": "I speak up now",
            "text": "In the group I learnt to say what I think.",
            "language": "nl",
            "significance": "She feels heard again.",
            "collected_on": "2026-04-02",
            "consent_scope": "internal",
        },
        lambda w: Story.objects.filter(title="I speak up now"),
    ),
}


def _in_parallel(count, post):
    """`count` threads post at the same moment; their responses (or errors)."""
    barrier = threading.Barrier(count, timeout=30)
    responses, errors = [], []

    def run():
        try:
            barrier.wait()
            responses.append(post())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    return responses


@pytest.mark.parametrize("form", sorted(FORMS))
def test_five_at_once_save_once(world, form):
    url, data, records = FORMS[form]
    token = str(uuid.uuid4())
    clients = [world.client_for("facilitator_a1") for _ in range(5)]
    target = url(world)
    payloads = [data(world) | {FIELD: token} for _ in clients]
    pending = list(zip(clients, payloads, strict=True))
    lock = threading.Lock()

    def post():
        with lock:
            client, payload = pending.pop()
        return client.post(target, payload)

    responses = _in_parallel(5, post)
    assert records(world).count() == 1
    assert [r.status_code for r in responses] == [302] * 5
    assert len({r["Location"] for r in responses}) == 1
    assert Submission.objects.count() == 1


def test_twenty_identical_guests_at_once_add_one(world):
    url = reverse("attendance_guest", args=[world.meeting_a1.pk])
    token = str(uuid.uuid4())
    clients = [world.client_for("facilitator_a1") for _ in range(20)]
    pending = list(clients)
    lock = threading.Lock()

    def post():
        with lock:
            client = pending.pop()
        return client.post(url, {"name": "Hatice Arslan", FIELD: token}, HTTP_HX_REQUEST="true")

    responses = _in_parallel(20, post)
    assert (
        Attendance.objects.filter(meeting=world.meeting_a1, guest_name="Hatice Arslan").count() == 1
    )
    # One gets the sheet with the guest, the others are sent to the sheet.
    assert sorted(r.status_code for r in responses) == [200] * 20
    assert sum("HX-Redirect" in r for r in responses) == 19


def _csv(name: str, rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# name: (persona, url(world), file(), the records it makes)
IMPORTS = {
    "participants": (
        "lead_a",
        lambda w: reverse("participant_import"),
        lambda: _csv("people.csv", [["name", "group"], ["Fatma Kaya", "Group A1"]]),
        lambda: Participant.objects.filter(full_name="Fatma Kaya"),
    ),
    "groups": (
        "lead_a",
        lambda w: reverse("group_import"),
        lambda: _csv(
            "groups.csv",
            [
                ["organisation", "city", "group name", "community", "composition", "status"],
                ["Organisation A", "GM0599", "Koffie Charlois", "Turkish", "women", "running"],
            ],
        ),
        lambda: Group.objects.filter(name="Koffie Charlois"),
    ),
    "organisations": (
        "coordinator",
        lambda w: reverse("organisation_import", args=[w.programme.pk]),
        lambda: _csv("orgs.csv", [["name", "city"], ["Buurtwerk Bosch", "Den Bosch"]]),
        lambda: Organisation.objects.filter(name="Buurtwerk Bosch"),
    ),
}


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_the_same_upload_five_times_at_once_imports_once(world, name):
    persona, url, upload, records = IMPORTS[name]
    token = str(uuid.uuid4())
    target = url(world)
    pending = [(world.client_for(persona), {"file": upload(), FIELD: token}) for _ in range(5)]
    lock = threading.Lock()

    def post():
        with lock:
            client, payload = pending.pop()
        return client.post(target, payload)

    responses = _in_parallel(5, post)
    assert records().count() == 1
    assert [r.status_code for r in responses] == [302] * 5
    assert len({r["Location"] for r in responses}) == 1
    assert Submission.objects.count() == 1
