"""The same create form sent twice saves once (stetapp/submission.py, issue 15 item 3).

Every create form carries a one-time `submission_token`; a repeat of the same token
creates nothing and is sent to what the first one saved. The parallel case (five requests
at the same moment; twenty identical guests) needs real connections: tests/stetapp/
test_submission_parallel.py, on PostgreSQL.
"""

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from funding.models import (
    AllowancePayment,
    Expense,
    Fund,
    FundingApplication,
    GrantPayment,
    NeedSignal,
    Volunteer,
    VolunteerHours,
)
from groups.models import (
    Group,
    Membership,
    Organisation,
    OrganisationCommunity,
    Programme,
    Venue,
)
from meetings.models import (
    Attendance,
    FollowUpCall,
    GroupAgreement,
    GroupBreak,
    Idea,
    Meeting,
    MeetingSeries,
)
from participants.models import Participant, SocialService
from reporting.models import Administration, ReportBatch, SelectionRound, Story
from stetapp.models import Submission
from stetapp.submission import KEEP
from tests.factories import UserFactory, city
from tests.helpers import all_patterns

FIELD = "submission_token"
NOT_LONELY = ["no", "yes", "yes", "no", "yes", "no"]


def _client(world, persona):
    """A signed-in client; "site_admin" is a site administrator (no persona of the world)."""
    if persona != "site_admin":
        return world.client_for(persona)
    client = world.client_for("anonymous")
    client.force_login(UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True))
    return client


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("receipt.png", buffer.getvalue(), content_type="image/png")


# name: (persona, kwargs(world), data(world), the records it makes(world))
CASES = {
    "participant_create": (
        "facilitator_a1",
        lambda w: {},
        lambda w: {"full_name": "Nadia El Idrissi", "group": w.group_a1.pk, "status": "contacted"},
        lambda w: Participant.objects.filter(full_name="Nadia El Idrissi"),
    ),
    "community_category_create": (
        "lead_a",
        lambda w: {"pk": w.org_a.pk},
        lambda w: {"code": "riffian", "label_nl": "Riffijns", "label_en": "Riffian"},
        lambda w: OrganisationCommunity.objects.filter(code="riffian"),
    ),
    "idea_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {
            "title": "Cook together",
            "description": "Everyone brings a dish.",
            "activity_kind": "cooking",
            "source": "meeting",
            "proposer": "staff",
            "votes": "3",
            "status": "idea",
        },
        lambda w: Idea.objects.filter(title="Cook together"),
    ),
    "expense_create": (
        "facilitator_a1",
        lambda w: {},
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
    "follow_up_call_create": (
        "facilitator_a1",
        lambda w: {"pk": w.participant_a1.pk},
        lambda w: {
            "outcome": "coming_back",
            "notes": "Comes next week",
            "called_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        lambda w: FollowUpCall.objects.filter(participant=w.participant_a1),
    ),
    "story_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {
            "domain": "growth",
            "title": "I speak up now",
            "text": "In the group I learnt to say what I think.",
            "language": "nl",
            "significance": "She feels heard again.",
            "quote": "Now I say what I think.",
            "event_period": "this spring",
            "collected_on": "2026-04-02",
            "consent_scope": "internal",
        },
        lambda w: Story.objects.filter(title="I speak up now"),
    ),
    "attendance_guest": (
        "facilitator_a1",
        lambda w: {"pk": w.meeting_a1.pk},
        lambda w: {"name": "Hatice Arslan", "is_trial": "on"},
        lambda w: Attendance.objects.filter(meeting=w.meeting_a1, guest_name="Hatice Arslan"),
    ),
    "fund_create": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "name": "Oranje Fonds",
            "focus": "loneliness",
            "scope": "national",
            "max_amount": "15000.00",
            "deadlines": "1 March",
            "advance_percentage": "80",
            "accountant_statement_above": "25000",
            "website": "https://example.org",
        },
        lambda w: Fund.objects.filter(name="Oranje Fonds"),
    ),
    "application_create": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "organisation": w.org_a.pk,
            "fund": w.fund.pk,
            "title": "Tea together",
            "groups": [w.group_a1.pk],
            "amount_requested": "7500.00",
            "deadline": "2026-09-01",
        },
        lambda w: FundingApplication.objects.filter(title="Tea together"),
    ),
    "grant_payment_create": (
        "lead_a",
        lambda w: {"pk": w.grant_a.pk},
        lambda w: {"received_on": "2026-02-01", "amount": "250.50", "note": "Advance"},
        lambda w: GrantPayment.objects.filter(grant=w.grant_a, note="Advance"),
    ),
    "need_signal_create": (
        "lead_a",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {
            "community": "Moroccan",
            "signs": "Women no longer come to the market",
            "key_figures": "The neighbourhood worker",
            "signalled_on": "2026-02-01",
        },
        lambda w: NeedSignal.objects.filter(group=w.group_a1, community="Moroccan"),
    ),
    "group_create": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "organisation": w.org_a.pk,
            "name": "Koffieochtend Feijenoord",
            "city": city("GM0599").pk,
            "community": "Turkish women",
            "composition": "women",
            "languages": ["tr", "nl"],
            "target_size": 14,
            "status": "preparing",
            "start_date": "2025-03-04",
        },
        lambda w: Group.objects.filter(name="Koffieochtend Feijenoord"),
    ),
    "venue_create": (
        "lead_a",
        lambda w: {"organisation_pk": w.org_a.pk},
        lambda w: {
            "name": "Wijkcentrum De Esch",
            "address": "Esch 12",
            "postcode": "3011ab",
            "city": city("GM0599").pk,
            "capacity": "20",
        },
        lambda w: Venue.objects.filter(name="Wijkcentrum De Esch"),
    ),
    "organisation_create": (
        "coordinator",
        lambda w: {"programme_pk": w.programme.pk},
        lambda w: {
            "name": "Stichting Brug Amsterdam-Oost",
            "city": city("GM0363").pk,
            "kvk_number": "90000004",
        },
        lambda w: Organisation.objects.filter(name="Stichting Brug Amsterdam-Oost"),
    ),
    "meeting_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {"date": "2026-06-02", "start_time": "10:00", "end_time": "12:00"},
        lambda w: Meeting.objects.filter(group=w.group_a1, starts_at__date=dt.date(2026, 6, 2)),
    ),
    "series_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {
            "first_date": "2026-09-01",
            "until_date": "2026-12-22",
            "interval_weeks": "2",
            "start_time": "10:00",
            "end_time": "12:00",
        },
        lambda w: MeetingSeries.objects.filter(group=w.group_a1),
    ),
    "break_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {"starts_on": "2026-07-18", "ends_on": "2026-08-30", "reason": "Summer"},
        lambda w: GroupBreak.objects.filter(group=w.group_a1),
    ),
    "agreement_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {"agreed_on": "2026-02-03", "text_nl": "We zetten de telefoon op stil."},
        lambda w: GroupAgreement.objects.filter(group=w.group_a1).exclude(pk=w.agreement_a1.pk),
    ),
    "consent_create": (
        "facilitator_a1",
        lambda w: {"pk": w.participant_a1.pk},
        lambda w: {
            "purpose": "data_processing",
            "method": "oral",
            "language": "tr",
            "info_version": "2025-01",
            "given_on": "2025-02-03",
        },
        lambda w: w.participant_a1.consents.filter(purpose="data_processing"),
    ),
    "intake_create": (
        "facilitator_a1",
        lambda w: {"pk": w.participant_a1.pk},
        lambda w: {"held_on": "2025-02-10", "location": "home", "group_fits": "yes"},
        lambda w: w.participant_a1.intakes.all(),
    ),
    "participant_enrol": (
        "lead_a",
        lambda w: {"pk": w.participant_a1.pk},
        lambda w: {"group": w.group_a2.pk, "joined_on": "2025-03-01"},
        lambda w: w.participant_a1.enrolments.filter(group=w.group_a2),
    ),
    "social_service_create": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "organisation": w.org_a.pk,
            "name": "Moskee Mevlana",
            "kind": "mosque",
            "city": city("GM0599").pk,
        },
        lambda w: SocialService.objects.filter(name="Moskee Mevlana"),
    ),
    "volunteer_create": (
        "lead_a",
        lambda w: {},
        lambda w: {"full_name": "Piet"},
        lambda w: Volunteer.objects.filter(full_name="Piet"),
    ),
    "volunteer_hours_create": (
        "lead_a",
        lambda w: {"pk": w.volunteer_a.pk},
        lambda w: {"group": w.group_a1.pk, "worked_on": "2026-03-03", "hours": "2.5"},
        lambda w: VolunteerHours.objects.filter(volunteer=w.volunteer_a),
    ),
    "organisation_people": (
        "lead_a",
        lambda w: {"pk": w.org_a.pk},
        lambda w: {
            "email": "nieuw@example.org",
            "full_name": "Nadia Nieuw",
            "role": "project_lead",
        },
        lambda w: Membership.objects.filter(user__email="nieuw@example.org"),
    ),
    "selection_create": (
        "facilitator_a1",
        lambda w: {},
        lambda w: {
            "organisation": w.org_a.pk,
            "group": w.group_a1.pk,
            "level": "group",
            "held_on": "2026-06-10",
            "panel": "Two facilitators and three participants",
            "candidates": [w.story_a1.pk],
            "selected": w.story_a1.pk,
            "reasons": "It shows how someone found her place again.",
        },
        lambda w: SelectionRound.objects.exclude(pk=w.selection_a.pk),
    ),
    "programme_create": (
        "site_admin",
        lambda w: {},
        lambda w: {"name": "Samen Utrecht", "description": "All groups in Utrecht"},
        lambda w: Programme.objects.filter(name="Samen Utrecht"),
    ),
    "programme_people": (
        "coordinator",
        lambda w: {"pk": w.programme.pk},
        lambda w: {
            "email": "tweede.coordinator@example.org",
            "full_name": "Tamara Tweede",
            "role": "programme_coordinator",
        },
        lambda w: Membership.objects.filter(user__email="tweede.coordinator@example.org"),
    ),
    "allowance_create": (
        "lead_a",
        lambda w: {"pk": w.volunteer_a.pk},
        # "Pay anyway": no hours are recorded, so any amount passes a maximum.
        lambda w: {"paid_on": "2026-05-10", "amount": "25.00", "note": "May", "confirmed": "on"},
        lambda w: AllowancePayment.objects.filter(volunteer=w.volunteer_a, note="May"),
    ),
    "administration_create": (
        "facilitator_a1",
        lambda w: {"pk": w.group_a1.pk},
        lambda w: {
            "instrument": "djg6",
            "participant": w.participant_a1.pk,
            "timepoint": "follow_up",
            "mode": "interview",
            "language": "tr",
            "administered_on": "2026-09-15",
            **{f"item_{n}": answer for n, answer in enumerate(NOT_LONELY, start=1)},
        },
        lambda w: Administration.objects.filter(
            participant=w.participant_a1, timepoint="follow_up"
        ),
    ),
    "report_batch_create": (
        "lead_a",
        lambda w: {},
        lambda w: {"grants": [w.grant_a.pk], "formats": ["xlsx"]},
        lambda w: ReportBatch.objects.filter(requested_by=w.users["lead_a"]).exclude(
            pk=w.batch_a.pk
        ),
    ),
}

# The views that create something from a form, besides those named "…_create".
OTHER_CREATE_VIEWS = {
    "participant_enrol",
    "attendance_guest",
    "organisation_people",
    "programme_people",
}


def _post(world, name, token, **headers):
    persona, kwargs, data, _records = CASES[name]
    payload = data(world)
    if token is not None:
        payload[FIELD] = token
    return _client(world, persona).post(reverse(name, kwargs=kwargs(world)), payload, **headers)


def _records(world, name):
    return CASES[name][3](world)


def test_every_create_view_takes_a_token():
    names = {
        pattern.name
        for _route, pattern in all_patterns()
        if pattern.name and (pattern.name.endswith("_create") or pattern.name in OTHER_CREATE_VIEWS)
    }
    assert len(names) >= 30
    missing = sorted(
        n
        for n, p in ((p.name, p) for _r, p in all_patterns())
        if n in names and not getattr(p.callback, "submission_once", False)
    )
    assert missing == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_form_carries_a_fresh_token(world, name):
    persona, kwargs, _data, _records = CASES[name]
    url = reverse(name, kwargs=kwargs(world))
    if name == "attendance_guest":
        url = reverse("attendance_sheet", kwargs=kwargs(world))
    if name == "community_category_create":  # the form is on the list page
        url = reverse("organisation_communities", kwargs=kwargs(world))
    client = _client(world, persona)
    first, second = client.get(url).text, client.get(url).text
    assert f'name="{FIELD}"' in first
    assert _token_in(first) != _token_in(second)


def _token_in(html: str) -> str:
    start = html.index(f'name="{FIELD}" value="') + len(f'name="{FIELD}" value="')
    return str(uuid.UUID(html[start : start + 36]))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_submission_twice_saves_once_and_shows_it(world, name):
    token = str(uuid.uuid4())
    first = _post(world, name, token)
    assert first.status_code == 302
    assert _records(world, name).count() == 1
    second = _post(world, name, token)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert _records(world, name).count() == 1
    persona = CASES[name][0]
    shown = _client(world, persona).get(second["Location"])
    assert shown.status_code == 200


def test_the_repeat_says_it_was_already_sent(world, english):
    token = str(uuid.uuid4())
    client = world.client_for("facilitator_a1")
    data = CASES["participant_create"][2](world) | {FIELD: token}
    client.post(reverse("participant_create"), data)
    page = client.post(reverse("participant_create"), data, follow=True)
    assert "This form was already sent; this is what it saved." in page.text
    assert "Nadia El Idrissi" in page.text


def test_a_guest_added_twice_with_htmx_is_added_once(world):
    token = str(uuid.uuid4())
    first = _post(world, "attendance_guest", token, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert "Hatice Arslan" in first.text
    second = _post(world, "attendance_guest", token, HTTP_HX_REQUEST="true")
    assert second["HX-Redirect"] == reverse("attendance_sheet", args=[world.meeting_a1.pk])
    assert _records(world, "attendance_guest").count() == 1


def test_a_form_with_errors_keeps_the_token_free(world):
    token = str(uuid.uuid4())
    client = world.client_for("facilitator_a1")
    url = reverse("participant_create")
    good = CASES["participant_create"][2](world)
    refused = client.post(url, good | {"full_name": "", FIELD: token})
    assert refused.status_code == 200
    assert not Submission.objects.exists()
    assert client.post(url, good | {FIELD: token}).status_code == 302
    assert _records(world, "participant_create").count() == 1


def test_a_guest_refused_keeps_the_token_free(world):
    token = str(uuid.uuid4())
    client = world.client_for("facilitator_a1")
    url = reverse("attendance_guest", args=[world.meeting_a1.pk])
    client.post(url, {"name": "", FIELD: token})
    assert not Submission.objects.exists()
    client.post(url, {"name": "Hatice Arslan", FIELD: token})
    assert _records(world, "attendance_guest").count() == 1


def test_tokens_are_per_user(world):
    """The same token and values from another user are that user's own submission."""
    token = str(uuid.uuid4())
    data = CASES["participant_create"][2](world) | {FIELD: token}
    for persona in ("facilitator_a1", "lead_a"):
        response = _client(world, persona).post(reverse("participant_create"), data)
        assert response.status_code == 302
    assert _records(world, "participant_create").count() == 2
    assert Submission.objects.count() == 2


def test_the_same_page_sent_again_with_other_values_is_a_new_submission(world):
    """Back, change the name, send: the person typed a second record on purpose."""
    token = str(uuid.uuid4())
    client = world.client_for("facilitator_a1")
    url = reverse("participant_create")
    first = CASES["participant_create"][2](world) | {FIELD: token}
    client.post(url, first)
    second = client.post(url, first | {"full_name": "Fatma Yilmaz"})
    assert second.status_code == 302
    assert Participant.objects.filter(full_name="Fatma Yilmaz").count() == 1
    assert _records(world, "participant_create").count() == 1


def test_without_a_token_a_post_is_handled_as_before(world):
    """No token (a script, a page from before tokens): saved each time, nothing recorded."""
    _post(world, "idea_create", None)
    _post(world, "idea_create", None)
    assert _records(world, "idea_create").count() == 2
    assert not Submission.objects.exists()


def test_a_broken_token_is_ignored(world):
    assert _post(world, "idea_create", "not-a-uuid").status_code == 302
    assert not Submission.objects.exists()


def test_old_tokens_are_removed_with_the_users_next_submission(world):
    long_ago = timezone.now() - KEEP - dt.timedelta(minutes=1)

    def row(persona, created_at):
        return Submission.objects.create(
            user=world.users[persona], token=uuid.uuid4(), url="/", created_at=created_at
        )

    old, recent = row("facilitator_a1", long_ago), row("facilitator_a1", timezone.now())
    someone_elses = row("lead_a", long_ago)
    _post(world, "idea_create", str(uuid.uuid4()))  # by facilitator_a1
    assert not Submission.objects.filter(pk=old.pk).exists()
    assert Submission.objects.filter(pk__in=[recent.pk, someone_elses.pk]).count() == 2


# --- imports: the same upload sent twice imports once -----------------------------------


def _csv(name: str, rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


# name: (persona, kwargs(world), data(world), the records it makes(world), what it says)
IMPORTS = {
    "group_import": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "file": _csv(
                "groups.csv",
                [
                    ["organisation", "city", "group name", "community", "composition", "status"],
                    ["Organisation A", "GM0599", "Koffie Charlois", "Turkish", "women", "running"],
                ],
            )
        },
        lambda w: Group.objects.filter(name="Koffie Charlois"),
        "1 group imported.",
    ),
    "organisation_import": (
        "coordinator",
        lambda w: {"programme_pk": w.programme.pk},
        lambda w: {"file": _csv("orgs.csv", [["name", "city"], ["Buurtwerk Bosch", "Den Bosch"]])},
        lambda w: Organisation.objects.filter(name="Buurtwerk Bosch"),
        "1 organisation imported.",
    ),
    "participant_import": (
        "lead_a",
        lambda w: {},
        lambda w: {
            "file": _csv(
                "people.csv", [["name", "group", "phone"], ["Fatma Kaya", "Group A1", "0612345678"]]
            )
        },
        lambda w: Participant.objects.filter(full_name="Fatma Kaya"),
        "1 person imported.",
    ),
}


def test_every_import_takes_a_token():
    names = {p.name for _r, p in all_patterns() if p.name and p.name.endswith("_import")}
    assert names == set(IMPORTS)
    assert all(
        getattr(p.callback, "submission_once", False)
        for _r, p in all_patterns()
        if p.name in IMPORTS
    )


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_the_upload_form_carries_a_fresh_token(world, name):
    persona, kwargs, _data, _records, _said = IMPORTS[name]
    client = world.client_for(persona)
    url = reverse(name, kwargs=kwargs(world))
    assert _token_in(client.get(url).text) != _token_in(client.get(url).text)


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_the_same_upload_twice_imports_once_and_shows_what_it_imported(world, name, english):
    """A double click: the first answer is never seen; the second shows what the first
    imported."""
    persona, kwargs, data, records, said = IMPORTS[name]
    client = world.client_for(persona)
    url = reverse(name, kwargs=kwargs(world))
    token = str(uuid.uuid4())
    first = client.post(url, data(world) | {FIELD: token})
    assert first.status_code == 302
    second = client.post(url, data(world) | {FIELD: token})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert records(world).count() == 1
    shown = client.get(second["Location"])
    assert said in shown.text
    assert "This form was already sent; this is what it saved." in shown.text


def test_an_upload_with_errors_keeps_the_token_free(world):
    """The file is corrected and sent again from the same page: that one imports."""
    _persona, _kwargs, data, records, _said = IMPORTS["participant_import"]
    client = world.client_for("lead_a")
    url = reverse("participant_import")
    token = str(uuid.uuid4())
    wrong = _csv("people.csv", [["name", "group"], ["Fatma Kaya", "No such group"]])
    assert client.post(url, {"file": wrong, FIELD: token}).status_code == 200
    assert not Submission.objects.exists()
    assert client.post(url, data(world) | {FIELD: token}).status_code == 302
    assert records(world).count() == 1
