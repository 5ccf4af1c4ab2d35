"""The observation log of a group: the entries, counts by kind and the add form on the
same page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reporting.models import Observation


def url(group):
    return reverse("observation_list", args=[group.pk])


def note(group, text, day, kind="observation", by=None):
    return Observation.objects.create(
        group=group, text=text, observed_on=day, kind=kind, observed_by=by
    )


def warm(client: Client, path: str) -> None:
    assert client.get(path).status_code == 200


def test_log_newest_first_with_counts(world):
    facilitator = world.users["facilitator_a1"]
    note(world.group_a1, "They arrived together by bus.", dt.date(2026, 3, 1), by=facilitator)
    note(
        world.group_a1,
        "She said she misses the group in the week.",
        dt.date(2026, 5, 1),
        kind="conversation",
        by=facilitator,
    )
    note(world.group_a1, "The group chose its own theme.", dt.date(2026, 4, 1))
    note(world.group_a2, "A note of A2.", dt.date(2026, 4, 1))
    response = world.client_for("facilitator_a1").get(url(world.group_a1))
    assert response.status_code == 200
    assert [o.text for o in response.context["observations"]] == [
        "She said she misses the group in the week.",
        "The group chose its own theme.",
        "They arrived together by bus.",
    ]
    assert [c["count"] for c in response.context["kind_counts"]] == [2, 1]
    content = response.content.decode()
    assert "A note of A2." not in content
    assert "informal conversation" in content
    assert facilitator.get_full_name() in content


def test_add_an_entry(world):
    response = world.client_for("lead_a").post(
        url(world.group_a1),
        {"kind": "conversation", "observed_on": "2026-05-02", "text": "  A chat after.  "},
    )
    assert response.status_code == 302
    assert response["Location"] == url(world.group_a1)
    entry = Observation.objects.get()
    assert entry.group == world.group_a1
    assert entry.kind == "conversation"
    assert entry.observed_on == dt.date(2026, 5, 2)
    assert entry.observed_by == world.users["lead_a"]
    assert entry.text == "A chat after."


def test_empty_post_shows_errors(world):
    response = world.client_for("facilitator_a1").post(url(world.group_a1), {})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["text"] == ["Write what was seen or said."]
    assert "kind" in form.errors
    assert "observed_on" in form.errors
    assert not Observation.objects.exists()


def test_no_future_dates(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = world.client_for("facilitator_a1").post(
        url(world.group_a1),
        {"kind": "observation", "observed_on": tomorrow.isoformat(), "text": "Later."},
    )
    assert response.context["form"].errors["observed_on"] == ["The date cannot be in the future."]
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator_b1", 404),
        ("volunteer_a1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("outsider", 403),
    ],
)
def test_closed_to_others(world, persona, status):
    client = world.client_for(persona)
    assert client.get(url(world.group_a1)).status_code == status
    response = client.post(
        url(world.group_a1), {"kind": "observation", "observed_on": "2026-05-02", "text": "X"}
    )
    assert response.status_code == status
    assert not Observation.objects.exists()


def test_facilitator_of_b1_keeps_their_own_log(world):
    note(world.group_a1, "A note of A1.", dt.date(2026, 4, 1))
    response = world.client_for("facilitator_b1").get(url(world.group_b1))
    assert response.status_code == 200
    assert response.context["observations"] == []


@pytest.mark.parametrize("size", [2, 20])
def test_query_count_is_fixed(world, size, django_assert_num_queries):
    for i in range(size):
        note(
            world.group_a1,
            f"Note {i}",
            dt.date(2026, 1, 1) + dt.timedelta(days=i),
            kind="conversation" if i % 2 else "observation",
            by=world.users["facilitator_a1"],
        )
    client = world.client_for("facilitator_a1")
    warm(client, url(world.group_a1))
    with django_assert_num_queries(5):
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the group by its key (the user's roles in it come from 3.: 404 unseen, 403
        # not a keeper: decision 26)  5. the entries with who wrote them (counted in
        # Python)
        response = client.get(url(world.group_a1))
    assert len(response.context["observations"]) == size
