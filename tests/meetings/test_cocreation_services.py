"""The co-creation services and selectors: idea_save, idea_vote, agreement_save, the
agreements in their language order, and walking_buddies (hand-made cases)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from groups.languages import RTL_LANGUAGES, language_direction
from meetings import selectors_cocreation, services_cocreation
from meetings.models import Idea
from tests.factories import (
    AgreementFactory,
    AgreementTextFactory,
    EnrolmentFactory,
    MeetingFactory,
    ParticipantFactory,
    participant_in,
)

# --- ideas ------------------------------------------------------------------------------


def test_idea_save_creates_and_changes(world):
    staff = world.users["facilitator_a1"]
    idea = services_cocreation.idea_save(
        group=world.group_a1,
        title="Visit the market",
        proposed_by_staff=staff,
        organisers=[world.participant_a1],
    )
    assert idea.group == world.group_a1
    assert list(idea.organisers.all()) == [world.participant_a1]
    services_cocreation.idea_save(group=world.group_a1, idea=idea, status="planned", organisers=[])
    idea.refresh_from_db()
    assert idea.status == "planned"
    assert idea.organisers.count() == 0


def test_idea_save_refuses_a_meeting_of_another_group(world):
    other = MeetingFactory(group=world.group_a2)
    with pytest.raises(ValidationError) as info:
        services_cocreation.idea_save(group=world.group_a1, title="x", meeting=other)
    assert "meeting" in info.value.error_dict


def test_idea_vote_adds_up_and_never_goes_below_zero(world):
    idea = world.idea_a1
    services_cocreation.idea_vote(idea=idea)
    services_cocreation.idea_vote(idea=idea)
    assert idea.votes == 2
    services_cocreation.idea_vote(idea=idea, delta=-1)
    services_cocreation.idea_vote(idea=idea, delta=-1)
    services_cocreation.idea_vote(idea=idea, delta=-1)
    assert Idea.objects.get(pk=idea.pk).votes == 0


# --- agreements -------------------------------------------------------------------------


def test_agreement_save_with_texts_per_language(world):
    agreement = services_cocreation.agreement_save(
        group=world.group_a2, texts={"nl": " Op  tijd komen ", "ar": "نأتي في الوقت"}
    )
    assert agreement.position == 1
    assert {t.language: t.text for t in agreement.texts.all()} == {
        "nl": "Op tijd komen",
        "ar": "نأتي في الوقت",
    }
    services_cocreation.agreement_save(
        group=world.group_a2, agreement=agreement, texts={"nl": "x", "ar": ""}
    )
    assert [t.language for t in agreement.texts.all()] == ["nl"]


def test_agreement_save_needs_a_text(world):
    with pytest.raises(ValidationError):
        services_cocreation.agreement_save(group=world.group_a2, texts={"nl": "  "})


def test_agreements_in_order_with_dutch_first_then_the_group_languages(world):
    group = world.group_a1  # languages ["tr", "nl"]
    second = AgreementFactory(group=group, position=2, text__language="en", text__text="Two")
    AgreementTextFactory(agreement=second, language="tr", text="İki")
    AgreementTextFactory(agreement=second, language="ar", text="اثنان")
    AgreementTextFactory(agreement=second, language="nl", text="Twee")
    entries = selectors_cocreation.agreements_for_group(group=group)
    assert [e.agreement for e in entries] == [world.agreement_a1, second]
    lines = entries[1].lines
    # Dutch, then Turkish (the group's), then the rest.
    assert [line.language for line in lines] == ["nl", "tr", "en", "ar"]
    assert [line.direction for line in lines] == ["ltr", "ltr", "ltr", "rtl"]
    assert lines[3].label == "Arabic"


@pytest.mark.parametrize(
    ("code", "direction"),
    [("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("ps", "rtl"), ("tr", "ltr"), ("nl", "ltr")],
)
def test_language_direction(code, direction):
    assert language_direction(code) == direction
    assert (code in RTL_LANGUAGES) == (direction == "rtl")


# --- walking buddies --------------------------------------------------------------------


def person(group, name, *, postcode="", interests="", language=""):
    return participant_in(
        group,
        full_name=name,
        postcode=postcode,
        interests=interests,
        preferred_language=language,
    )


def reasons(pair):
    return [(r.kind, r.value) for r in pair.reasons]


def names(pair):
    return (pair.first.full_name, pair.second.full_name)


def test_postcode_area_and_interest_words():
    assert selectors_cocreation.postcode_area("3072 AB") == "3072"
    assert selectors_cocreation.postcode_area("3072ab") == "3072"
    assert selectors_cocreation.postcode_area("") == ""
    assert selectors_cocreation.postcode_area("AB 3072") == ""
    assert selectors_cocreation.interest_words("Cooking, WALKING and tea; likes the garden!") == {
        "cooking",
        "walking",
        "garden",
    }


def test_pairs_with_their_reasons_strongest_first(world):
    group = world.group_a2
    person(group, "Amina", postcode="3072 AB", interests="cooking, walking", language="ar")
    person(group, "Berna", postcode="3072 XY", interests="Cooking and sewing", language="tr")
    person(group, "Cemile", postcode="3079 AA", interests="sewing", language="tr")
    person(group, "Dunya", postcode="3100 AA", interests="chess", language="ar")
    person(group, "Esra", postcode="", interests="", language="tr")
    result = selectors_cocreation.walking_buddies(group=group)
    # Turkish is preferred by 3 of 5 (more than half): it says nothing about a pair.
    # Arabic (2 of 5) does.
    assert [(names(p), reasons(p), p.strength) for p in result.pairs] == [
        # both in 3072 (3) + both like cooking (2)
        (("Amina", "Berna"), [("close", "3072"), ("interest", "cooking")], 5),
        # 3072 and 3079 are 7 apart: nearby (2) + both like sewing (2)
        (("Berna", "Cemile"), [("nearby", "3072-3079"), ("interest", "sewing")], 4),
        (("Amina", "Cemile"), [("nearby", "3072-3079")], 2),
        # 3100 is 28 away from 3072: not nearby; Arabic shared (1)
        (("Amina", "Dunya"), [("language", "ar")], 1),
    ]
    assert [p.full_name for p in result.unmatched] == ["Esra"]
    assert result.without_postcode == 1
    texts = [r.text for r in result.pairs[0].reasons]
    assert texts == ["both in 3072", "both like cooking"]
    assert result.pairs[1].reasons[0].text == "nearby: 3072 and 3079"
    assert result.pairs[3].reasons[0].text == "both prefer Arabic"


def test_only_current_participants_of_the_group(world):
    group = world.group_a2
    person(group, "Here", postcode="3072 AB")
    left = ParticipantFactory(group=group, full_name="Left", postcode="3072 AB", status="left")
    EnrolmentFactory(
        participant=left,
        group=group,
        joined_on=dt.date(2024, 1, 1),
        left_on=dt.date(2025, 1, 1),
        leave_reason="moved",
    )
    ParticipantFactory(group=group, full_name="Candidate", postcode="3072 AB")  # not enrolled
    person(world.group_a1, "Elsewhere", postcode="3072 AB")
    result = selectors_cocreation.walking_buddies(group=group)
    assert result.pairs == []
    assert [p.full_name for p in result.unmatched] == ["Here"]


def test_nobody_or_one_person(world):
    assert selectors_cocreation.walking_buddies(group=world.group_b1).pairs == []
    empty = selectors_cocreation.walking_buddies(group=world.group_a2)
    assert (empty.pairs, empty.unmatched, empty.without_postcode) == ([], [], 0)


@pytest.mark.parametrize("n", [3, 30])
def test_walking_buddies_is_one_query(world, n, django_assert_num_queries):
    for i in range(n):
        person(world.group_a2, f"P{i:02d}", postcode=f"{3000 + i} AB", interests="walking")
    with django_assert_num_queries(1):
        # 1. the current participants of the group
        result = selectors_cocreation.walking_buddies(group=world.group_a2)
    assert len(result.pairs) == n * (n - 1) // 2
