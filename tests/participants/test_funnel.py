"""GET /groups/<pk>/funnel/ and /organisations/<pk>/funnel/ — counts per recruitment
status and channel, with a chart. Exact numbers for project leads and the group's
facilitators; "<5" for counts under 5 shown to a programme coordinator; never a name."""

import re

import pytest
from django.urls import reverse

from participants.models import Participant
from participants.selectors_overview import funnel_counts
from tests.factories import ParticipantFactory, Role, UserFactory, grant_role


def _group_url(group):
    return reverse("group_funnel", args=[group.pk])


def _org_url(org):
    return reverse("organisation_funnel", args=[org.pk])


def _table(response, chart):
    """{label: shown value} from the chart's screen-reader table."""
    return {row.label: row.display for row in response.context[chart].rows}


@pytest.fixture
def recruits(world):
    """Group A1: Ayse (joined, key figure) plus 6 contacted via a mosque, 2 with an
    intake planned via the GP; group A2: 1 declined (flyer)."""
    for _n in range(6):
        ParticipantFactory(group=world.group_a1, status="contacted", channel="mosque")
    for _n in range(2):
        ParticipantFactory(group=world.group_a1, status="intake_planned", channel="gp")
    ParticipantFactory(group=world.group_a2, status="declined", channel="flyer")


# --- the selector ------------------------------------------------------------------------


def test_funnel_counts(world, recruits):
    funnel = funnel_counts(Participant.objects.filter(group=world.group_a1))
    assert funnel.total == 9
    assert {value: n for value, _label, n in funnel.by_status} == {
        "contacted": 6,
        "intake_planned": 2,
        "intake_done": 0,
        "joined": 1,
        "waiting_list": 0,
        "declined": 0,
        "referred": 0,
    }
    assert {value: n for value, _label, n in funnel.by_channel if n} == {
        "mosque": 6,
        "gp": 2,
        "key_figure": 1,
    }
    assert [value for value, _l, _n in funnel.by_status][:4] == [
        "contacted",
        "intake_planned",
        "intake_done",
        "joined",
    ]


# --- group funnel ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
def test_group_funnel_exact_for_lead_and_facilitator(world, recruits, persona):
    response = world.client_for(persona).get(_group_url(world.group_a1))
    assert response.status_code == 200
    assert response.context["funnel_total"] == "9"
    status = _table(response, "status_chart")
    assert status["contacted"] == "6"
    assert status["intake planned"] == "2"
    assert status["joined"] == "1"
    assert status["declined"] == "0"
    channel = _table(response, "channel_chart")
    assert channel["mosque"] == "6"
    assert channel["general practitioner"] == "2"
    assert "<5" not in str(status) + str(channel)
    assert "Numbers from 1 to 4" not in response.text


def test_group_funnel_suppresses_small_counts_for_the_coordinator(world, recruits):
    response = world.client_for("coordinator").get(_group_url(world.group_a1))
    assert response.status_code == 200
    assert response.context["funnel_total"] == "9"
    status = _table(response, "status_chart")
    assert status["contacted"] == "6"
    assert status["intake planned"] == "<5"
    assert status["joined"] == "<5"
    # 0 singles nobody out and is shown (docs/decisions.md 23, stetapp.suppression).
    assert status["declined"] == "0"
    assert _table(response, "channel_chart")["general practitioner"] == "<5"
    assert "Numbers from 1 to 4 are shown as “&lt;5” (0 is shown as 0)" in response.text
    # A suppressed count gets no bar either: its length would give the number away.
    bars = {row.label: row.bar_width for row in response.context["status_chart"].rows}
    assert bars["intake planned"] == "0"
    assert bars["joined"] == "0"
    assert bars["contacted"] == "360"


def test_coordinator_total_under_5_is_suppressed(world):
    response = world.client_for("coordinator").get(_group_url(world.group_a1))
    assert response.context["funnel_total"] == "<5"


def test_group_funnel_counts_only_the_group(world, recruits):
    response = world.client_for("lead_a").get(_group_url(world.group_a2))
    assert response.context["funnel_total"] == "1"
    assert _table(response, "status_chart")["declined"] == "1"


def test_chart_is_an_accessible_image_without_inline_style(world, recruits):
    response = world.client_for("lead_a").get(_group_url(world.group_a1))
    text = response.text
    assert 'role="img" aria-labelledby="funnel-status-title"' in text
    assert '<span id="funnel-status-title" hidden>People per status</span>' in text
    assert 'role="img" aria-labelledby="funnel-channel-title"' in text
    assert "style=" not in text
    assert "<script>" not in text.split("<footer")[0]
    # The numbers as a table for screen readers.
    assert '<div class="visually-hidden"><table>' in text  # numbers for screen readers
    assert '<th scope="row">Intake planned</th><td>2</td>' in text
    # Geometry never localised (a Dutch "12,5" would break the SVG).
    assert not re.search(r'(width|x|y)="\d+,\d+"', text)


def test_chart_geometry_in_dutch(world, recruits):
    client = world.client_for("lead_a")
    client.post(reverse("set_language"), {"language": "nl"})
    response = client.get(_group_url(world.group_a1), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert not re.search(r'(width|x|y)="\d+,\d+"', response.text)


def test_group_funnel_never_shows_a_name(world, recruits):
    for persona in ["coordinator", "lead_a", "facilitator_a1"]:
        text = world.client_for(persona).get(_group_url(world.group_a1)).text
        assert "Ayse Demir" not in text
        assert "06 1111 2222" not in text


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_group_url(world.group_a1)).status_code == 404


def test_coordinator_outside_the_programme_gets_404(world):
    from tests.factories import GroupFactory, OrganisationFactory

    group_c = GroupFactory(organisation=OrganisationFactory(name="Organisation C"))
    assert world.client_for("coordinator").get(_group_url(group_c)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "funder"])
def test_group_funnel_403_by_role(world, persona):
    assert world.client_for(persona).get(_group_url(world.group_a1)).status_code == 403


def test_volunteer_who_facilitates_elsewhere_gets_403(world):
    """The rule lets a facilitator in; in group A1 they are only a volunteer."""
    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    assert world.client_for("volunteer_a1").get(_group_url(world.group_a1)).status_code == 403


def test_group_funnel_anonymous_and_post(world):
    response = world.client_for("anonymous").get(_group_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert world.client_for("lead_a").post(_group_url(world.group_a1)).status_code == 405


def test_group_funnel_missing_group(world):
    response = world.client_for("lead_a").get(reverse("group_funnel", args=[999_999]))
    assert response.status_code == 404


# --- organisation funnel ---------------------------------------------------------------


def test_organisation_funnel_for_the_lead(world, recruits):
    response = world.client_for("lead_a").get(_org_url(world.org_a))
    assert response.status_code == 200
    assert response.context["funnel_total"] == "10"  # A1: 9, A2: 1; not B1
    status = _table(response, "status_chart")
    assert status["declined"] == "1"
    assert status["contacted"] == "6"
    assert "All groups of Organisation A" in response.text


def test_organisation_funnel_for_the_coordinator(world, recruits):
    response = world.client_for("coordinator").get(_org_url(world.org_a))
    assert response.status_code == 200
    assert response.context["funnel_total"] == "10"
    status = _table(response, "status_chart")
    assert status["contacted"] == "6"
    assert status["declined"] == "<5"
    assert status["intake done"] == "0"  # 0 is shown (docs/decisions.md 23)
    assert "Ayse Demir" not in response.text


def test_organisation_funnel_of_another_organisation_is_404(world):
    assert world.client_for("lead_a").get(_org_url(world.org_b)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"]
)
def test_organisation_funnel_403_by_role(world, persona):
    assert world.client_for(persona).get(_org_url(world.org_a)).status_code == 403


def test_organisation_funnel_anonymous_and_post(world):
    assert world.client_for("anonymous").get(_org_url(world.org_a)).status_code == 302
    assert world.client_for("coordinator").post(_org_url(world.org_a)).status_code == 405


def test_links_to_the_funnel(world):
    link = _group_url(world.group_a1)
    for persona in ["lead_a", "facilitator_a1", "coordinator"]:
        assert (
            link
            in world.client_for(persona).get(reverse("group_detail", args=[world.group_a1.pk])).text
        )
    assert (
        link
        not in world.client_for("volunteer_a1")
        .get(reverse("group_detail", args=[world.group_a1.pk]))
        .text
    )
    for persona in ["lead_a", "coordinator"]:
        page = world.client_for(persona).get(reverse("organisation_detail", args=[world.org_a.pk]))
        assert _org_url(world.org_a) in page.text


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[3, 30], ids=["3 people", "30 people"])
def people(request, world):
    for n in range(request.param - 1):  # Ayse is the first
        ParticipantFactory(
            group=world.group_a1,
            status=["contacted", "intake_done", "waiting_list"][n % 3],
            channel=["gp", "mosque", "flyer", "church"][n % 4],
        )
    return request.param


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "coordinator"])
def test_group_funnel_query_count(world, people, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    url = _group_url(world.group_a1)
    warm(client, url)
    with django_assert_num_queries(6 if persona == "facilitator_a1" else 7):
        # (lead_a: + the lead's scope, the groups of their organisations:
        # Participant.objects.visible_to, decision 83)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue
        # 5. the coordinator only: is the group's organisation in their programme?
        #    (exact numbers or "<5"; staff and leads: from 3., one less below)
        # 6. counts per status (one aggregate)
        # 7. counts per channel (one aggregate)
        response = client.get(url)
    suppressed = persona == "coordinator" and people < 5
    assert response.context["funnel_total"] == ("<5" if suppressed else str(people))


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_organisation_funnel_query_count(world, people, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    url = _org_url(world.org_a)
    warm(client, url)
    with django_assert_num_queries(9 if persona == "lead_a" else 8):
        # (lead_a: + the lead's scope, the groups of their organisations:
        # Participant.objects.visible_to, decision 83)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the organisation through visible_to, joined with its city
        # 5. does the user lead or coordinate it (organisation_get_for_user)?
        # 6. does the user lead it (exact numbers or "<5")?
        # 7. counts per status (one aggregate)
        # 8. counts per channel (one aggregate)
        response = client.get(url)
    suppressed = persona == "coordinator" and people < 5
    assert response.context["funnel_total"] == ("<5" if suppressed else str(people))


def test_superuser_sees_exact_numbers(world, recruits):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    world.users["admin"] = admin
    response = world.client_for("admin").get(_group_url(world.group_a1))
    assert response.status_code == 200
    assert _table(response, "status_chart")["joined"] == "1"


@pytest.mark.parametrize("persona", ["coordinator", "funder"])
def test_coordinator_and_funder_never_see_a_participant(world, recruits, persona):
    """Every page of this issue's overviews that they can open: no name, no phone."""
    client = world.client_for(persona)
    urls = [
        _group_url(world.group_a1),
        _org_url(world.org_a),
        reverse("group_detail", args=[world.group_a1.pk]),
        reverse("organisation_detail", args=[world.org_a.pk]),
        reverse("group_participants_export", args=[world.group_a1.pk]),
        reverse("group_participants_export", args=[world.group_a1.pk]) + "?format=xlsx",
        reverse("participant_import"),
        reverse("social_map"),
        reverse("social_service_create"),
        reverse("social_service_edit", args=[world.service_a.pk]),
    ]
    opened = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        opened += response.status_code == 200
        assert b"Ayse Demir" not in response.content, url
        assert b"06 1111 2222" not in response.content, url
    assert opened == (4 if persona == "coordinator" else 0)
