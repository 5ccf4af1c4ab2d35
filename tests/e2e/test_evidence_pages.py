"""Issue 6 in a browser: the evidence pages (stories of change, selection rounds, the
observation log), the questionnaires and the continuation plan with errors, at phone and
desktop size. On every page axe-core finds nothing serious or critical (nor a break of
the page's heading and landmark structure), the Content-Security-Policy blocks nothing
and a phone never scrolls sideways; the forms are also checked after an empty (or wrong)
submission, with their field errors showing.

The facilitator of group A1 visits on a phone, the project lead of organisation A on a
desktop: the two roles that keep this evidence. One page per size, a loop over the URLs.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from groups.models import Role
from reporting.models import (
    Administration,
    ContinuationPlan,
    Observation,
    SelectionRound,
    Story,
)
from tests.e2e.helpers import (
    AXE_OPTIONS,
    BLOCKING,
    DESKTOP,
    PHONE,
    assert_clean,
    sign_in,
    size_name,
)
from tests.factories import grant_role

pytestmark = pytest.mark.e2e

PERSONAS = [
    pytest.param(PHONE, "facilitator_a1", id="phone-facilitator"),
    pytest.param(DESKTOP, "lead_a", id="desktop-lead"),
]

# Besides WCAG's serious and critical problems (the house rule, as in
# tests/e2e/test_accessibility.py), these best-practice rules about a page's structure
# must pass too, whatever their impact: long forms and detail pages are read by heading
# and by landmark.
STRUCTURE_RULES = {"heading-order", "landmark-unique", "empty-heading", "page-has-heading-one"}
AXE_WITH_STRUCTURE = {
    **AXE_OPTIONS,
    "runOnly": {
        "type": "tag",
        "values": [*AXE_OPTIONS["runOnly"]["values"], "best-practice"],
    },
}

# What a form shows after a submission with errors (crispy-forms' Bootstrap 5 markup and
# the questionnaire's own fieldsets).
ERRORS_SHOWN = ".invalid-feedback, .alert-danger, fieldset.border-danger"


@dataclass
class Visit:
    label: str
    url: str
    # After loading: fill in or clear fields before the form is submitted (None: no
    # submission, the page is checked as it loads).
    prepare: Callable | None = None
    submit: bool = False
    only_for: str | None = None  # a persona; None: every persona


def _evidence(world) -> dict:
    """Data beyond the `world` fixture: a story told in another language (with a
    translation) by an anonymous storyteller, a selection round of the whole organisation
    with the feedback given, two log entries, a WHO-5 questionnaire with a missing answer,
    a self-completed loneliness scale, and a second group (A2, no continuation plan yet)
    that the facilitator also runs."""
    facilitator = world.users["facilitator_a1"]
    group = world.group_a1
    grant_role(facilitator, Role.FACILITATOR, world.group_a2)
    story = Story.objects.create(
        group=group,
        storyteller=None,
        domain="wellbeing",
        title="Walking again",
        text="Önce evden çıkmıyordum. Şimdi her hafta yürüyüşe gidiyoruz.",
        language="tr",
        translation="Eerst kwam ik het huis niet uit. Nu wandelen we elke week.",
        significance="She moves more and sleeps better.",
        event_period="since the spring",
        collected_by=facilitator,
        collected_on=dt.date(2026, 5, 20),
        consent_scope="internal",
        verified=True,
    )
    selection = SelectionRound.objects.create(
        organisation=world.org_a,
        group=None,
        level="organisation",
        held_on=dt.date(2026, 6, 15),
        panel="The board and two volunteers",
        selected=story,
        reasons="It shows how the group changes daily life.",
        feedback_given_on=dt.date(2026, 6, 20),
        recorded_by=world.users["lead_a"],
    )
    selection.candidates.add(story, world.story_a1)
    Observation.objects.create(
        group=group,
        kind="observation",
        observed_on=dt.date(2026, 6, 2),
        observed_by=facilitator,
        text="Two participants now walk home together.",
    )
    Observation.objects.create(
        group=group,
        kind="conversation",
        observed_on=dt.date(2026, 6, 9),
        observed_by=facilitator,
        text="A neighbour asked whether she could join.",
    )
    who5 = Administration.objects.create(
        participant=world.participant_a1,
        group=group,
        instrument="who5",
        mode="interview",
        timepoint="baseline",
        language="en",
        administered_on=dt.date(2026, 2, 1),
        administered_by=facilitator,
        answers=[3, 2, None, 4, 1],
    )
    djg_self = Administration.objects.create(
        participant=world.participant_a1,
        group=group,
        instrument="djg6",
        mode="self",
        timepoint="follow_up",
        administered_on=dt.date(2026, 8, 1),
        administered_by=facilitator,
        answers=["yes_strong", "no", "no_strong", "more_or_less", "yes", None],
    )
    return {"story": story, "selection": selection, "who5": who5, "djg_self": djg_self}


def _clear(*selectors: str) -> Callable:
    def prepare(page):
        for selector in selectors:
            page.locator(selector).fill("")

    return prepare


def _plan_with_errors(page):
    """A new step with only a description, and no number of volunteer leads."""
    page.locator("#id_volunteer_leads").fill("")
    total = int(page.locator("#id_steps-TOTAL_FORMS").input_value())
    page.locator(f"#id_steps-{total - 1}-description").fill("Find a new room")


def _visits(watched, world, extra) -> list[Visit]:
    url = watched.url
    group = world.group_a1.pk
    story = world.story_a1.pk
    return [
        Visit("story new", url("story_create", group)),
        Visit("story new, empty", url("story_create", group), submit=True),
        Visit("story", url("story_detail", story)),
        Visit("story, anonymous, translated", url("story_detail", extra["story"].pk)),
        Visit("story edit", url("story_edit", story)),
        Visit(
            "story edit, errors",
            url("story_edit", story),
            prepare=_clear("#id_title", "#id_text", "#id_collected_on"),
            submit=True,
        ),
        Visit("selections", url("selection_list")),
        Visit("selection new", url("selection_create")),
        Visit("selection new, empty", url("selection_create"), submit=True),
        Visit("selection new, from group", url("selection_create") + f"?group={group}"),
        Visit("selection", url("selection_detail", world.selection_a.pk)),
        Visit(
            "selection, organisation",
            url("selection_detail", extra["selection"].pk),
            only_for="lead_a",  # a round of the whole organisation is the lead's
        ),
        Visit("observations", url("observation_list", group)),
        Visit("observations, empty", url("observation_list", group), submit=True),
        Visit("questionnaire new djg6", url("administration_create", group) + "?instrument=djg6"),
        Visit(
            "questionnaire new djg6 self",
            url("administration_create", group) + "?instrument=djg6&mode=self",
        ),
        Visit(
            "questionnaire new djg6, empty",
            url("administration_create", group) + "?instrument=djg6",
            submit=True,
        ),
        Visit("questionnaire new who5", url("administration_create", group) + "?instrument=who5"),
        Visit(
            "questionnaire new who5, empty",
            url("administration_create", group) + "?instrument=who5",
            submit=True,
        ),
        Visit("questionnaire djg6", url("administration_detail", world.administration_a1.pk)),
        Visit("questionnaire djg6 self", url("administration_detail", extra["djg_self"].pk)),
        Visit("questionnaire who5", url("administration_detail", extra["who5"].pk)),
        Visit("questionnaire edit", url("administration_edit", world.administration_a1.pk)),
        Visit("questionnaire edit self", url("administration_edit", extra["djg_self"].pk)),
        Visit("questionnaire edit who5", url("administration_edit", extra["who5"].pk)),
        Visit(
            "continuation, errors",
            url("continuation_plan", group),
            prepare=_plan_with_errors,
            submit=True,
        ),
        Visit("continuation new, empty", url("continuation_plan", world.group_a2.pk), submit=True),
    ]


def _axe_problems(page, label: str) -> list[str]:
    """One line per failing rule: serious or critical, or one of STRUCTURE_RULES."""
    lines = []
    for violation in Axe().run(page, options=AXE_WITH_STRUCTURE).response["violations"]:
        wcag = any(tag.startswith("wcag") for tag in violation["tags"])
        if (wcag and violation["impact"] in BLOCKING) or violation["id"] in STRUCTURE_RULES:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            lines.append(f"{label}: {violation['id']} ({violation['impact']}) at {targets}")
    return lines


def _too_wide(page, label: str, viewport: dict) -> list[str]:
    if viewport != PHONE:
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 1:
        return [f"{label}: {width} px wide at {PHONE['width']} px"]
    return []


def _open(page, visit: Visit) -> list[str]:
    """Load the page (and submit its form); what went wrong, if anything."""
    try:
        response = page.goto(visit.url)
    except PlaywrightError as error:  # e.g. an empty error response
        return [f"{visit.label}: {error.message.splitlines()[0]}"]
    if response.status != 200:
        return [f"{visit.label}: HTTP {response.status}"]
    if not visit.submit:
        return []
    if visit.prepare is not None:
        visit.prepare(page)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main form[method=post][novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    if posted.value.status != 200:
        return [f"{visit.label}: HTTP {posted.value.status} after submitting"]
    if not page.locator(ERRORS_SHOWN).first.is_visible():
        return [f"{visit.label}: no errors shown after submitting"]
    return []


@pytest.mark.parametrize(("viewport", "persona"), PERSONAS)
def test_evidence_pages_are_accessible(open_page, world, viewport, persona):
    extra = _evidence(world)
    assert not ContinuationPlan.objects.filter(group=world.group_a2).exists()
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users[persona].email)
    problems = []
    visits = [v for v in _visits(watched, world, extra) if v.only_for in (None, persona)]
    for visit in visits:
        found = _open(page, visit)
        if not found:
            found = _axe_problems(page, visit.label) + _too_wide(page, visit.label, viewport)
            name = visit.label.replace(",", "").replace(" ", "-")
            watched.screenshot(f"{persona}-{name}-{size}")
        problems += found
    assert problems == [], f"{len(problems)} problems on {len(visits)} pages:\n" + "\n".join(
        problems
    )
    # Nothing was saved by the submissions with errors.
    assert not ContinuationPlan.objects.filter(group=world.group_a2).exists()
    assert Story.objects.filter(group=world.group_a1).count() == 2
    assert_clean(watched)
