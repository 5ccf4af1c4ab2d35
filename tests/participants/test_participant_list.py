"""GET /participants/ — the participants a user may see, filtered and paginated.
Volunteers see name, phone and group only."""

import pytest
from django.urls import reverse

from tests.factories import GroupFactory, ParticipantFactory, Role, grant_role, participant_in

URL = reverse("participant_list")


def _names(response):
    return [p.full_name for p in response.context["page"].object_list]


@pytest.fixture
def participant_a2(world):
    return ParticipantFactory(
        group=world.group_a2, full_name="Hassan Amrani", status="contacted", channel="mosque"
    )


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("volunteer_a1", ["Ayse Demir"]),
        ("facilitator_a1", ["Ayse Demir"]),
        ("facilitator_b1", ["Ruth Kromo"]),
        ("lead_a", ["Ayse Demir", "Hassan Amrani"]),
    ],
)
def test_lists_the_participants_in_scope(world, participant_a2, persona, expected):
    response = world.client_for(persona).get(URL)
    assert response.status_code == 200
    assert _names(response) == expected
    for name in ["Ayse Demir", "Hassan Amrani", "Ruth Kromo"]:
        assert (name in response.text) == (name in expected)


def test_a_participant_who_moved_on_stays_visible_to_the_former_group(world):
    """History: facilitators still see people who were once in their group."""
    moved = participant_in(world.group_a1, full_name="Moved On")
    moved.group = world.group_a2
    moved.save(update_fields=["group"])
    response = world.client_for("facilitator_a1").get(URL)
    assert "Moved On" in _names(response)


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + URL


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "funder"])
def test_roles_without_participants_get_403(world, persona):
    response = world.client_for(persona).get(URL)
    assert response.status_code == 403
    assert "Ayse Demir" not in response.text


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


def test_nav_link_for_lead_facilitator_and_volunteer_only(world):
    home = reverse("home")
    for persona in ["lead_a", "facilitator_a1", "volunteer_a1"]:
        assert f'href="{URL}"' in world.client_for(persona).get(home).text
    for persona in ["coordinator", "funder", "outsider"]:
        assert f'href="{URL}"' not in world.client_for(persona).get(home).text


# --- what each role sees ---------------------------------------------------------------


def test_full_view_shows_status_and_phone(world):
    response = world.client_for("facilitator_a1").get(URL)
    text = response.text
    assert "06 1111 2222" in text
    assert "Group A1" in text
    assert "Joined" in text  # the status badge
    assert reverse("participant_create") in text
    assert set(response.context["filter"].form.fields) == {"group", "status", "channel"}


def test_volunteer_sees_name_phone_and_group_only(world):
    response = world.client_for("volunteer_a1").get(URL)
    text = response.text
    assert "Ayse Demir" in text
    assert "06 1111 2222" in text
    assert "Group A1" in text
    assert "Joined" not in text
    assert response.context["sees_status"] is False
    assert set(response.context["filter"].form.fields) == {"group"}
    assert reverse("participant_create") not in text


def test_a_volunteer_cannot_filter_on_status(world):
    response = world.client_for("volunteer_a1").get(URL, {"status": "declined"})
    assert _names(response) == ["Ayse Demir"]  # the filter does not exist for them


def test_status_filter_never_matches_rows_seen_as_a_volunteer(world, login):
    """Someone who volunteers in A1 and facilitates A2 sees A1's people by name only, so
    a status filter must not reveal their status."""
    user = world.users["volunteer_a1"]
    grant_role(user, Role.FACILITATOR, world.group_a2)
    ParticipantFactory(group=world.group_a2, full_name="In A2", status="joined")
    client = login(user)
    response = client.get(URL)
    assert _names(response) == ["Ayse Demir", "In A2"]
    assert "Joined" in response.text  # A2's row
    assert _names(client.get(URL, {"status": "joined"})) == ["In A2"]


# --- filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"group": lambda w: w.group_a1.pk}, ["Ayse Demir"]),
        ({"group": lambda w: w.group_a2.pk}, ["Hassan Amrani"]),
        ({"status": lambda w: "contacted"}, ["Hassan Amrani"]),
        ({"status": lambda w: "joined"}, ["Ayse Demir"]),
        ({"status": lambda w: "declined"}, []),
        ({"channel": lambda w: "mosque"}, ["Hassan Amrani"]),
        ({"channel": lambda w: "key_figure"}, ["Ayse Demir"]),
        ({"group": lambda w: w.group_a2.pk, "status": lambda w: "joined"}, []),
    ],
)
def test_filters_narrow_the_list(world, participant_a2, params, expected):
    query = {key: value(world) for key, value in params.items()}
    response = world.client_for("lead_a").get(URL, query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_group_choices_are_limited_to_what_the_user_sees(world, participant_a2):
    form = world.client_for("lead_a").get(URL).context["filter"].form
    assert [label for pk, label in form.fields["group"].choices if pk] == ["Group A1", "Group A2"]
    form = world.client_for("facilitator_b1").get(URL).context["filter"].form
    assert [label for pk, label in form.fields["group"].choices if pk] == ["Group B1"]


def test_a_group_out_of_scope_cannot_be_filtered_on(world):
    response = world.client_for("lead_a").get(URL, {"group": world.group_b1.pk})
    assert response.status_code == 200
    assert _names(response) == ["Ayse Demir"]
    assert "Ruth Kromo" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"group": "abc"},
        {"group": "999999"},
        {"status": "flying"},
        {"channel": "<script>alert(1)</script>"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999"},
        {"group": "1e9", "status": "", "page": "0"},
        {"status": "nul\x00byte"},
    ],
)
def test_bad_filter_values_do_not_break_the_page(world, participant_a2, query):
    response = world.client_for("lead_a").get(URL, query)
    assert response.status_code == 200
    assert _names(response) == ["Ayse Demir", "Hassan Amrani"]
    assert "<script>alert(1)</script>" not in response.text


# --- pagination ------------------------------------------------------------------------


def test_pagination_keeps_the_filters(world):
    for n in range(50):
        ParticipantFactory(group=world.group_a1, full_name=f"Paged {n:02d}", status="joined")
    client = world.client_for("facilitator_a1")
    first = client.get(URL, {"status": "joined"})
    assert len(_names(first)) == 50
    assert "51 people" in first.text
    assert "?status=joined&amp;page=2" in first.text
    second = client.get(URL, {"status": "joined", "page": 2})
    assert _names(second) == ["Paged 49"]


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[3, 30], ids=["3 participants", "30 participants"])
def participant_total(request, world):
    """3 or 30 participants in group A1 (world.participant_a1 is one of them), half of
    them recruited in another group first, each brought by someone."""
    other = GroupFactory(organisation=world.org_a, name="Group A3")
    for n in range(request.param - 1):
        participant_in(
            world.group_a1 if n % 2 else other,
            full_name=f"Extra {n:02d}",
            referred_by=world.participant_a1,
        ).enrolments.update(group=world.group_a1)
    return request.param


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "volunteer_a1"])
def test_query_count_is_the_same_for_3_and_30_participants(
    world, participant_total, persona, warm, django_assert_num_queries
):
    client = world.client_for(persona)
    warm(client, URL)
    # Staff of groups reach them through their memberships (3): no query for 4.
    scope = 1 if persona == "lead_a" else 0
    with django_assert_num_queries(7 + scope):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule; cached on the user for the request)
        # 4. a lead's groups as ids, with the roles that reach them (groups.access
        #    .group_scope, once per request): which groups the user sees in full
        # 5. the number of participants (paginator)
        # 6. the page of participants, joined with group and organisation
        # 7. the groups of the visible participants (filter choices)
        response = client.get(URL)
    assert response.status_code == 200
    assert len(_names(response)) == participant_total
