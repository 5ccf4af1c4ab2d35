"""Measurement pages: the group's overview, the instruments it uses, and one questionnaire
(create, detail, edit). Scoring itself is tested in test_scoring.py; here the pages show
what the scoring computes, keep bad input out and keep personal scores to group staff."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import Administration, MeasurementPlan
from stetapp.dates import short_datetime
from tests.factories import Role, UserFactory, grant_role, participant_in

NOT_LONELY = ["no", "yes", "yes", "no", "yes", "no"]  # every item scores 0
LONELY = ["yes", "no", "no", "yes", "no", "yes"]  # every item scores 1


def djg(total: int) -> list[str]:
    """DJG answers whose first `total` items count as lonely (total = `total`)."""
    return LONELY[:total] + NOT_LONELY[total:]


def administer(participant, group, *, instrument="djg6", timepoint="baseline", answers=None):
    return Administration.objects.create(
        participant=participant,
        group=group,
        instrument=instrument,
        mode="interview",
        timepoint=timepoint,
        administered_on=dt.date(2026, 3, 1) if timepoint == "baseline" else dt.date(2026, 9, 1),
        answers=answers if answers is not None else djg(0),
    )


@pytest.fixture
def warm():
    def _warm(client: Client, url: str) -> None:
        assert client.get(url).status_code == 200

    return _warm


def group_url(world):
    return reverse("measurement_group", args=[world.group_a1.pk])


def create_url(world, **params):
    url = reverse("administration_create", args=[world.group_a1.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def djg_post(world, answers, **overrides):
    data = {
        "instrument": "djg6",
        "participant": world.participant_a1.pk,
        "timepoint": "follow_up",
        "mode": "interview",
        "language": "tr",
        "administered_on": "2026-09-15",
    }
    for number, answer in enumerate(answers, start=1):
        data[f"item_{number}"] = "none" if answer is None else answer
    data.update(overrides)
    return data


def who5_post(world, answers, **overrides):
    data = djg_post(world, [], instrument="who5", timepoint="baseline", mode="self")
    for number, answer in enumerate(answers, start=1):
        data[f"item_{number}"] = "none" if answer is None else str(answer)
    data.update(overrides)
    return data


# --- the group's measurement page -------------------------------------------------------


def test_without_a_plan_measuring_is_optional(world):
    response = world.client_for("facilitator_a1").get(group_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This group does not measure" in body
    assert "Measuring is optional." in body
    # The questionnaire already filled in stays visible, marked as no longer in use.
    assert "The group no longer uses this instrument." in body


def test_plan_turns_instruments_on_and_off(world):
    client = world.client_for("lead_a")
    url = reverse("measurement_plan", args=[world.group_a1.pk])
    response = client.post(url, {"instruments": ["who5", "djg6"]})
    assert response.status_code == 302
    assert response.url == group_url(world)
    assert MeasurementPlan.objects.get(group=world.group_a1).instruments == ["djg6", "who5"]
    body = client.get(group_url(world)).content.decode()
    assert "The group&#x27;s instruments are saved." in body or "instruments are saved" in body
    assert "This group does not measure" not in body
    assert "WHO-5 well-being index" in body

    client.post(url, {})
    assert MeasurementPlan.objects.get(group=world.group_a1).instruments == []


def test_plan_refuses_unknown_instruments(world):
    client = world.client_for("facilitator_a1")
    url = reverse("measurement_plan", args=[world.group_a1.pk])
    response = client.post(url, {"instruments": ["ucla3"]}, follow=True)
    assert "Choose from the instruments in the list." in response.content.decode()
    assert not MeasurementPlan.objects.filter(group=world.group_a1).exists()


def test_plan_is_post_only(world):
    url = reverse("measurement_plan", args=[world.group_a1.pk])
    assert world.client_for("lead_a").get(url).status_code == 405


def test_page_lists_participants_with_their_scores(world):
    MeasurementPlan.objects.create(group=world.group_a1, instruments=["djg6", "who5"])
    participant_in(world.group_a1, full_name="Hasan Kaya")
    administer(world.participant_a1, world.group_a1, instrument="who5", answers=[2, 2, 2, 2, 2])
    response = world.client_for("facilitator_a1").get(group_url(world))
    body = response.content.decode()
    djg_section, who5_section = response.context["sections"]
    assert [row["participant"].full_name for row in djg_section["rows"]] == [
        "Ayse Demir",
        "Hasan Kaya",
    ]
    # administration_a1: yes, no, no, more or less, yes, no -> 1+1+1+1+0+0
    assert "total 4 of 6 · moderately lonely" in body
    assert "emotional 2 · social 2" in body
    # WHO-5: 5 × 2 = 10 raw, × 4 = 40, at or below the cut-off of 50.
    assert "40 / 100" in body
    assert "50 or lower" in body
    # Missing questionnaires link to a prefilled form.
    assert "missing" in body
    new = reverse("administration_create", args=[world.group_a1.pk])
    assert f"{new}?instrument=djg6&amp;participant={world.participant_a1.pk}" in body
    # Citations and terms of use.
    assert "De Jong Gierveld, J., &amp; Van Tilburg, T. G. (2006)" in body
    assert "never to diagnose one person" in body
    assert "Topp, C. W." in body
    assert "style=" not in body


def test_participant_who_left_is_marked(world):
    from participants.models import Enrolment

    MeasurementPlan.objects.create(group=world.group_a1, instruments=["djg6"])
    Enrolment.objects.filter(participant=world.participant_a1).update(
        left_on=dt.date(2026, 4, 1), leave_reason="moved"
    )
    body = world.client_for("lead_a").get(group_url(world)).content.decode()
    assert "Ayse Demir" in body
    assert "left the group" in body


def _pairs(world, count):
    """`count` participants with a DJG baseline and follow-up (participant_a1 has the
    baseline of the world, total 4, and gets a follow-up of 2 as the first pair)."""
    baselines = [5, 3, 6, 2]
    follow_ups = [3, 3, 4, 1]
    administer(world.participant_a1, world.group_a1, timepoint="follow_up", answers=djg(2))
    for n in range(count - 1):
        person = participant_in(world.group_a1, full_name=f"Pair {n}")
        administer(person, world.group_a1, answers=djg(baselines[n]))
        administer(person, world.group_a1, timepoint="follow_up", answers=djg(follow_ups[n]))


def test_group_result_hidden_below_five_pairs(world):
    MeasurementPlan.objects.create(group=world.group_a1, instruments=["djg6"])
    _pairs(world, 4)
    # Someone with only a baseline is not a pair.
    administer(participant_in(world.group_a1, full_name="Only Baseline"), world.group_a1)
    response = world.client_for("lead_a").get(group_url(world))
    body = response.content.decode()
    assert response.context["sections"][0]["result"].pairs == 4
    assert "4 participants have both a baseline and a follow-up." in body
    assert "A group result is shown from 5 on." in body
    assert "Average at baseline" not in body


def test_group_result_shown_at_five_pairs(world):
    MeasurementPlan.objects.create(group=world.group_a1, instruments=["djg6"])
    _pairs(world, 5)
    response = world.client_for("lead_a").get(group_url(world))
    body = response.content.decode()
    result = response.context["sections"][0]["result"]
    assert result.pairs == 5
    # Baselines 4, 5, 3, 6, 2 -> 20 / 5 = 4.0; follow-ups 2, 3, 3, 4, 1 -> 13 / 5 = 2.6.
    assert str(result.baseline_mean) == "4.0"
    assert str(result.follow_up_mean) == "2.6"
    assert "Average at baseline" in body
    assert "4.0" in body
    assert "2.6" in body
    assert "\u22121.4" in body  # the minus sign of stetapp.money.signed


@pytest.fixture(params=[1, 8], ids=["1 participant", "8 more participants"])
def measured(request, world):
    MeasurementPlan.objects.create(group=world.group_a1, instruments=["djg6", "who5"])
    for n in range(request.param - 1):
        person = participant_in(world.group_a1, full_name=f"Person {n}")
        administer(person, world.group_a1)
        administer(person, world.group_a1, timepoint="follow_up")
        administer(person, world.group_a1, instrument="who5", answers=[3, 3, 3, 3, 3])
    return request.param


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
def test_query_count(world, measured, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    warm(client, group_url(world))
    with django_assert_num_queries(10 if persona == "lead_a" else 9):
        # (lead_a: + the lead's scope, the groups of their organisations:
        # Participant.objects.visible_to, decision 83)
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (the
        #    user's roles in it come from 3.: facilitator or project lead?)
        # 5. the group's measurement plan
        # 6. the participants: current members and anyone with a questionnaire here
        # 7. the group's questionnaires
        # 8. the group result (reporting.selectors.measurement_results)
        response = client.get(group_url(world))
    assert len(response.context["sections"][0]["rows"]) == measured


# --- one questionnaire: create ----------------------------------------------------------


def test_create_form_shows_the_items_and_the_interview_answers(world):
    response = world.client_for("facilitator_a1").get(
        create_url(world, instrument="djg6", participant=world.participant_a1.pk)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "I experience a general sense of emptiness" in body
    assert "I often feel rejected" in body
    assert "more or less" in body
    assert "no answer" in body
    assert "yes!" not in body  # three options for an interview
    assert response.context["form"]["participant"].value() == world.participant_a1.pk


def test_create_form_shows_five_options_for_self_completion(world):
    response = world.client_for("facilitator_a1").get(create_url(world, mode="self"))
    body = response.content.decode()
    assert "yes!" in body
    assert "no!" in body
    assert response.context["form"]["mode"].value() == "self"


def test_create_form_in_dutch_shows_the_dutch_wording(world):
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    body = world.client_for("facilitator_a1").get(create_url(world)).content.decode()
    assert "Ik ervaar een leegte om me heen" in body
    assert "min of meer" in body


def test_who5_form_shows_the_english_wording_with_a_note(world):
    body = world.client_for("lead_a").get(create_url(world, instrument="who5")).content.decode()
    assert "I have felt cheerful and in good spirits" in body
    assert "All of the time" in body
    assert "At no time" in body
    assert "official wording in that language must be added" in body


def test_create_djg_questionnaire(world):
    client = world.client_for("facilitator_a1")
    answers = ["no", "more_or_less", "yes", "no", "yes", None]
    response = client.post(create_url(world), djg_post(world, answers))
    administration = Administration.objects.get(
        participant=world.participant_a1, instrument="djg6", timepoint="follow_up"
    )
    assert response.status_code == 302
    assert response.url == reverse("administration_detail", args=[administration.pk])
    assert administration.answers == answers  # raw codes, None for "no answer"
    assert administration.group == world.group_a1
    assert administration.administered_by == world.users["facilitator_a1"]
    assert administration.language == "tr"
    assert administration.administered_on == dt.date(2026, 9, 15)
    assert administration.version == 1  # the edit counter (optimistic locking)
    assert administration.instrument_version == "6-item, 2006"


def test_create_who5_questionnaire_stores_integers(world):
    client = world.client_for("lead_a")
    response = client.post(create_url(world), who5_post(world, [5, 4, 3, 0, 1]))
    assert response.status_code == 302
    administration = Administration.objects.get(instrument="who5")
    assert administration.answers == [5, 4, 3, 0, 1]
    assert administration.mode == "self"


def test_five_option_answers_are_accepted(world):
    client = world.client_for("facilitator_a1")
    answers = ["yes_strong", "no_strong", "yes", "no", "more_or_less", "no"]
    response = client.post(create_url(world), djg_post(world, answers, mode="self"))
    assert response.status_code == 302
    assert Administration.objects.get(timepoint="follow_up").answers == answers


@pytest.mark.parametrize(
    ("instrument", "bad"),
    [("djg6", "maybe"), ("djg6", "3"), ("who5", "6"), ("who5", "yes"), ("who5", "-1")],
)
def test_invalid_codes_are_refused(world, instrument, bad):
    client = world.client_for("facilitator_a1")
    if instrument == "djg6":
        data = djg_post(world, ["no", bad, "yes", "no", "yes", "no"])
    else:
        data = who5_post(world, [5, bad, 3, 2, 1])
    before = Administration.objects.count()
    response = client.post(create_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors["item_2"]
    assert Administration.objects.count() == before


def test_every_item_needs_an_answer_or_no_answer(world):
    data = djg_post(world, ["no", "yes", "yes", "no", "yes", "no"])
    del data["item_3"]
    response = world.client_for("facilitator_a1").post(create_url(world), data)
    assert response.status_code == 200
    assert "Choose an answer, or “no answer” when it was not given." in response.content.decode()


def test_empty_post_shows_errors(world):
    response = world.client_for("lead_a").post(create_url(world), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Administration.objects.count() == 1


def test_duplicate_time_point_is_a_form_error(world):
    client = world.client_for("facilitator_a1")
    data = djg_post(world, NOT_LONELY, timepoint="baseline")  # administration_a1 exists
    response = client.post(create_url(world), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["timepoint"]
    assert "already has a questionnaire for this instrument" in errors[0]
    assert Administration.objects.filter(participant=world.participant_a1).count() == 1
    # The other instrument at the same time point is fine.
    assert client.post(create_url(world), who5_post(world, [1, 1, 1, 1, 1])).status_code == 302


def test_date_in_the_future_is_refused(world):
    data = djg_post(world, NOT_LONELY, administered_on="2999-01-01")
    response = world.client_for("facilitator_a1").post(create_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors["administered_on"]


def test_participant_of_another_group_cannot_be_chosen(world):
    data = djg_post(world, NOT_LONELY, participant=world.participant_b1.pk)
    response = world.client_for("lead_a").post(create_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors["participant"]
    assert "Ruth Kromo" not in response.content.decode()


# --- detail: scores match hand-computed values --------------------------------------------


def test_detail_djg_with_one_missing_item(world):
    # 1 yes (emotional) 1 · 2 missing · 3 no (social) 1 · 4 no (emotional) 0 ·
    # 5 more or less (social) 1 · 6 yes (emotional) 1 -> total over five items 4;
    # emotional 1 + 0 + 1 = 2; social has a missing item -> no score.
    administration = administer(
        world.participant_a1,
        world.group_a1,
        timepoint="follow_up",
        answers=["yes", None, "no", "no", "more_or_less", "yes"],
    )
    response = world.client_for("facilitator_a1").get(
        reverse("administration_detail", args=[administration.pk])
    )
    body = response.content.decode()
    result = response.context["result"]
    assert (result.total, result.emotional, result.social) == (4, 2, None)
    assert '<dd class="col-5" id="score-total">4</dd>' in body
    assert '<dd class="col-5" id="score-emotional">2</dd>' in body
    assert '<dd class="col-5" id="score-social">–</dd>' in body
    assert "moderately lonely" in body
    assert "One item was not answered. The total counts the other five items" in body
    assert "There are plenty of people I can lean on when I have problems" in body
    assert "<code>more_or_less</code>" in body
    assert [item["score"] for item in response.context["items"]] == [1, None, 1, 0, 1, 1]
    assert "De Jong Gierveld, J., &amp; Van Tilburg, T. G. (2006)" in body
    assert reverse("administration_edit", args=[administration.pk]) in body


def test_detail_djg_with_two_missing_items_has_no_total(world):
    administration = administer(
        world.participant_a1,
        world.group_a1,
        timepoint="follow_up",
        answers=[None, "yes", "yes", "no", "yes", None],
    )
    response = world.client_for("lead_a").get(
        reverse("administration_detail", args=[administration.pk])
    )
    result = response.context["result"]
    assert (result.total, result.emotional, result.social) == (None, None, 0)
    assert "2 items were not answered." in response.content.decode()


def test_detail_who5(world):
    # 3 + 4 + 2 + 5 + 1 = 15 raw, × 4 = 60: above the cut-off of 50.
    administration = administer(
        world.participant_a1, world.group_a1, instrument="who5", answers=[3, 4, 2, 5, 1]
    )
    response = world.client_for("facilitator_a1").get(
        reverse("administration_detail", args=[administration.pk])
    )
    body = response.content.decode()
    assert '<dd class="col-5" id="score-raw">15</dd>' in body
    assert '<dd class="col-5" id="score-percentage">60</dd>' in body
    assert "50 or lower</span>" not in body
    assert "I woke up feeling fresh and rested" in body
    assert "More than half of the time" in body  # the label of 3
    assert "Topp, C. W." in body


def test_detail_who5_with_a_missing_item_has_no_score(world):
    administration = administer(
        world.participant_a1, world.group_a1, instrument="who5", answers=[3, None, 2, 5, 1]
    )
    response = world.client_for("lead_a").get(
        reverse("administration_detail", args=[administration.pk])
    )
    assert response.context["result"].percentage is None
    assert "The WHO-5 has no rule for missing items" in response.content.decode()


def test_detail_with_answers_that_do_not_fit(world):
    administration = administer(
        world.participant_a1, world.group_a1, timepoint="follow_up", answers=["bad"] * 6
    )
    url = reverse("administration_detail", args=[administration.pk])
    response = world.client_for("lead_a").get(url)
    assert response.status_code == 200
    assert "The stored answers do not fit this questionnaire" in response.content.decode()
    overview = world.client_for("lead_a").get(group_url(world))
    assert overview.status_code == 200


# --- edit --------------------------------------------------------------------------------


def test_edit_form_is_prefilled(world):
    url = reverse("administration_edit", args=[world.administration_a1.pk])
    form = world.client_for("facilitator_a1").get(url).context["form"]
    assert form["participant"].value() == world.participant_a1.pk
    assert form["timepoint"].value() == "baseline"
    assert form["item_1"].value() == "yes"
    assert form["item_4"].value() == "more_or_less"


def test_edit_changes_the_answers(world):
    url = reverse("administration_edit", args=[world.administration_a1.pk])
    data = djg_post(world, NOT_LONELY, timepoint="baseline", mode="interview", version=1)
    response = world.client_for("lead_a").post(url, data)
    assert response.status_code == 302
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.answers == NOT_LONELY
    assert world.administration_a1.scores.total == 0
    assert world.administration_a1.instrument == "djg6"


def test_edit_keeps_the_instrument(world):
    url = reverse("administration_edit", args=[world.administration_a1.pk])
    data = who5_post(world, [1, 1, 1, 1, 1])  # posted as WHO-5: items do not fit the DJG
    response = world.client_for("lead_a").post(url, data)
    assert response.status_code == 200
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.instrument == "djg6"


def test_edit_into_a_taken_time_point_is_a_form_error(world):
    follow_up = administer(world.participant_a1, world.group_a1, timepoint="follow_up")
    url = reverse("administration_edit", args=[follow_up.pk])
    data = djg_post(world, NOT_LONELY, timepoint="baseline", version=1)
    response = world.client_for("facilitator_a1").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["timepoint"]


def test_edit_empty_post_shows_errors(world):
    url = reverse("administration_edit", args=[world.administration_a1.pk])
    response = world.client_for("facilitator_a1").post(url, {})
    assert response.status_code == 200
    assert response.context["form"].errors


def edit_url(administration):
    return reverse("administration_edit", args=[administration.pk])


def test_edit_form_carries_the_version(world):
    response = world.client_for("facilitator_a1").get(edit_url(world.administration_a1))
    assert response.context["form"]["version"].value() == 1
    assert 'name="version" value="1"' in response.content.decode()


def test_an_edit_raises_the_version(world):
    data = djg_post(world, NOT_LONELY, timepoint="baseline", version=1)
    response = world.client_for("facilitator_a1").post(edit_url(world.administration_a1), data)
    assert response.status_code == 302
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.version == 2


def test_a_stale_edit_keeps_the_answers_and_shows_the_saved_values(world):
    """Two people open the same questionnaire; the first saves; the second save is refused
    with their answers kept and the first save shown; saving again then works."""
    first = world.client_for("facilitator_a1")
    second = world.client_for("lead_a")
    url = edit_url(world.administration_a1)
    first_version = first.get(url).context["form"]["version"].value()
    second_version = second.get(url).context["form"]["version"].value()
    assert first_version == second_version == 1

    first_answers = ["no", "yes", "yes", "no", "yes", "no"]
    saved = first.post(
        url,
        djg_post(world, first_answers, timepoint="baseline", language="nl", version=first_version),
    )
    assert saved.status_code == 302

    second_answers = ["yes", "no", "no", "yes", "no", None]
    mine = djg_post(
        world,
        second_answers,
        timepoint="baseline",
        language="ar",
        administered_on="2026-02-03",
        version=second_version,
    )
    response = second.post(url, mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this questionnaire while you were editing it" in body
    # Who saved and when, and nothing else: no answer, no participant (decision 46).
    world.administration_a1.refresh_from_db()
    when = short_datetime(world.administration_a1.updated_at)
    assert [str(m) for m in response.context["messages"]] == [
        "Someone else saved this questionnaire while you were editing it. Your answers are "
        "not saved yet: they are still in the form below. Compare them with the saved "
        f"values and press Save again. Last saved on {when} by {world.users['facilitator_a1']}."
    ]
    form = response.context["form"]
    assert form["item_1"].value() == "yes"
    assert form["item_6"].value() == "none"
    assert form["language"].value() == "ar"
    assert form["administered_on"].value() == "2026-02-03"
    assert str(form["version"].value()) == "2"
    assert 'name="version" value="2"' in body
    assert "Saved values that differ from yours" in body
    conflict = dict(response.context["conflict"])
    assert conflict["Language it was asked in"] == "Dutch"
    assert "Date" in conflict
    assert "Participant" not in conflict and "Time point" not in conflict
    items = [(label, value) for label, value in response.context["conflict"] if label[0].isdigit()]
    assert [label.split(".")[0] for label, _value in items] == ["1", "2", "3", "4", "5", "6"]
    assert items[0][1] == "no"  # what the first person saved for item 1
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.answers == first_answers
    assert world.administration_a1.language == "nl"
    assert world.administration_a1.version == 2

    again = second.post(url, {**mine, "version": form["version"].value()})
    assert again.status_code == 302
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.answers == second_answers
    assert world.administration_a1.language == "ar"
    assert world.administration_a1.administered_on == dt.date(2026, 2, 3)
    assert world.administration_a1.version == 3


def test_a_stale_edit_with_the_same_values_says_so(world):
    client = world.client_for("facilitator_a1")
    url = edit_url(world.administration_a1)
    data = djg_post(world, NOT_LONELY, timepoint="baseline", version=1)
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["conflict"] == []
    assert "The other save has the same values as yours." in response.content.decode()


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "2.5"])
def test_a_missing_or_bad_version_is_refused_without_saving(world, version):
    data = djg_post(world, NOT_LONELY, timepoint="baseline")
    if version is not None:
        data["version"] = version
    response = world.client_for("facilitator_a1").post(edit_url(world.administration_a1), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert "This form is out of date, so it was not saved." in response.content.decode()
    assert form["item_1"].value() == "no"
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.answers == ["yes", "no", "no", "more_or_less", "yes", "no"]
    assert world.administration_a1.version == 1


@pytest.mark.parametrize("version", ["5", "9" * 30])
def test_a_version_from_the_future_is_a_conflict(world, version):
    data = djg_post(world, NOT_LONELY, timepoint="baseline", version=version)
    response = world.client_for("facilitator_a1").post(edit_url(world.administration_a1), data)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    world.administration_a1.refresh_from_db()
    assert world.administration_a1.version == 1


def test_creating_needs_no_version(world):
    response = world.client_for("facilitator_a1").get(create_url(world))
    assert "version" not in response.context["form"].fields
    assert 'name="version"' not in response.content.decode()


# --- access -------------------------------------------------------------------------------


def _urls(world):
    pk = world.administration_a1.pk
    return [
        group_url(world),
        create_url(world),
        reverse("administration_detail", args=[pk]),
        reverse("administration_edit", args=[pk]),
    ]


def test_facilitator_of_another_group_gets_404(world):
    client = world.client_for("facilitator_b1")
    for url in _urls(world):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_no_staff_role_gets_403(world, persona):
    client = world.client_for(persona)
    for url in _urls(world):
        assert client.get(url).status_code == 403, url


def test_lead_of_another_organisation_gets_404(world):
    lead_b = UserFactory(email="lead.b@example.org")
    grant_role(lead_b, Role.PROJECT_LEAD, world.org_b)
    client = Client()
    client.force_login(lead_b)
    for url in _urls(world):
        assert client.get(url).status_code == 404, url


def test_volunteer_of_the_group_who_facilitates_elsewhere_gets_403(world):
    # Sees group A1 as a volunteer, may not see its scores.
    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    client = world.client_for("volunteer_a1")
    assert client.get(group_url(world)).status_code == 403
    detail = reverse("administration_detail", args=[world.administration_a1.pk])
    assert client.get(detail).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(group_url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
