"""participants.selectors: the access helper, who sees full records, funnel counts and
group composition."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from participants import selectors, selectors_overview, selectors_records
from participants.models import Participant
from tests.factories import EnrolmentFactory, GroupFactory, ParticipantFactory

# --- participant_get_for_user ----------------------------------------------------------


def test_get_for_user(world):
    p = world.participant_a1
    assert selectors.participant_get_for_user(user=world.users["lead_a"], pk=p.pk) == p
    assert selectors.participant_get_for_user(user=world.users["volunteer_a1"], pk=p.pk) == p
    with pytest.raises(PermissionDenied):
        selectors.participant_get_for_user(user=world.users["volunteer_a1"], pk=p.pk, write=True)
    for persona in ("facilitator_b1", "coordinator", "funder", "outsider"):
        with pytest.raises(Http404):
            selectors.participant_get_for_user(user=world.users[persona], pk=p.pk)
    with pytest.raises(Http404):
        selectors.participant_get_for_user(user=world.users["lead_a"], pk="abc")


@pytest.mark.parametrize(
    ("persona", "full"),
    [
        ("volunteer_a1", False),
        ("facilitator_a1", True),
        ("facilitator_b1", False),
        ("lead_a", True),
        ("coordinator", False),
    ],
)
def test_sees_full_record(world, persona, full):
    assert (
        selectors_records.sees_full_record(user=world.users[persona], group=world.group_a1) is full
    )


@pytest.mark.parametrize(
    ("persona", "count"),
    [
        ("volunteer_a1", 1),
        ("facilitator_a1", 1),
        ("facilitator_b1", 1),
        ("lead_a", 1),
        ("coordinator", 0),
        ("funder", 0),
        ("outsider", 0),
    ],
)
def test_participant_list_for_user(world, persona, count):
    assert selectors_records.participant_list_for_user(user=world.users[persona]).count() == count


# --- funnel_counts ---------------------------------------------------------------------


def test_funnel_counts(world):
    for status, channel, n in [
        ("contacted", "gp", 3),
        ("intake_done", "mosque", 2),
        ("declined", "gp", 1),
    ]:
        for _ in range(n):
            ParticipantFactory(group=world.group_a2, status=status, channel=channel)
    funnel = selectors_overview.funnel_counts(Participant.objects.filter(group=world.group_a2))
    assert funnel.total == 6
    assert [(value, n) for value, _label, n in funnel.by_status] == [
        ("contacted", 3),
        ("intake_planned", 0),
        ("intake_done", 2),
        ("joined", 0),
        ("waiting_list", 0),
        ("declined", 1),
        ("referred", 0),
    ]
    channels = {value: n for value, _label, n in funnel.by_channel}
    assert (channels["gp"], channels["mosque"], channels["flyer"]) == (4, 2, 0)
    assert (funnel.max_status, funnel.max_channel) == (3, 4)


def test_funnel_counts_of_nothing(world):
    funnel = selectors_overview.funnel_counts(Participant.objects.none())
    assert funnel.total == 0
    assert funnel.max_status == 0


def test_funnel_counts_take_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors_overview.funnel_counts(Participant.objects.all())


# --- group_composition -----------------------------------------------------------------


def _fill(group, n, **kwargs):
    for _ in range(n):
        p = ParticipantFactory(group=group, status="joined", **kwargs)
        EnrolmentFactory(participant=p, group=group)


def _warnings(group):
    return selectors.group_composition(group=group).warnings


@pytest.fixture
def group(world):
    return GroupFactory(organisation=world.org_a, name="Composition", is_diverse=False)


@pytest.mark.parametrize(
    ("size", "warning"),
    [
        (0, "0 participants"),
        (11, "11 participants; groups of 12 to 15"),
        (12, None),
        (15, None),
        (16, "16 participants; above 15"),
    ],
)
def test_size_warnings(group, size, warning):
    _fill(group, size)
    warnings = _warnings(group)
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert warning in warnings[0]


def test_people_who_left_do_not_count(group):
    _fill(group, 12)
    p = ParticipantFactory(group=group)
    EnrolmentFactory(participant=p, group=group, left_on=dt.date(2025, 2, 1), leave_reason="moved")
    assert selectors.group_composition(group=group).size == 12


def test_majority_warning_only_in_a_diverse_group(group):
    _fill(group, 7, community="Moroccan", preferred_language="ar")
    _fill(group, 6, community="Turkish", preferred_language="tr")
    assert _warnings(group) == []  # not meant to be diverse
    group.is_diverse = True
    warnings = _warnings(group)
    assert len(warnings) == 2
    assert "community (Moroccan: 7 of 13)" in warnings[0]
    assert "language (Arabic: 7 of 13)" in warnings[1]


def test_no_majority_warning_at_exactly_half(group):
    group.is_diverse = True
    _fill(group, 6, community="Moroccan", preferred_language="ar")
    _fill(group, 6, community="Turkish", preferred_language="tr")
    assert _warnings(group) == []


def test_distribution(group):
    year = timezone.localdate().year
    _fill(group, 2, gender="woman", birth_year=year - 60, community="Moroccan")
    _fill(group, 1, gender="man", birth_year=year - 70, community="")
    composition = selectors.group_composition(group=group)
    assert composition.size == 3
    assert composition.by_gender == [("woman", 2), ("man", 1)]
    assert composition.by_age == [("55–64", 2), ("65–74", 1)]
    assert composition.by_community == [("Moroccan", 2), ("unknown", 1)]


def test_composition_takes_one_query(group, django_assert_num_queries):
    _fill(group, 5)
    with django_assert_num_queries(1):
        selectors.group_composition(group=group)
