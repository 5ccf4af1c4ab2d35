"""Issue 12, item 4: long forms say what went wrong where the eye is. On a phone, every
form page whose form is more than a screen high shows, after a failed save, an error
summary at the top: focused, each error a link that takes the focus to its field. The
budget page shows its summary first and folds its lines; a line with an error unfolds.
axe finds nothing serious on a page with errors, at phone and desktop width."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    sign_in,
    size_name,
)

pytestmark = pytest.mark.e2e

# Empty every required field of the page's main form (or, in a form without any, make a
# text too long) and send it without the browser's own checks, so that the server
# refuses it.
FAIL_THE_FORM = """() => {
  const forms = Array.from(document.querySelectorAll("main form[method=post]"));
  const form = forms.sort((a, b) => b.offsetHeight - a.offsetHeight)[0];
  form.noValidate = true;
  form.setAttribute("data-failing", "");
  form.querySelectorAll("[required]").forEach((field) => {
    if (field.type === "checkbox" || field.type === "radio") { field.checked = false; }
    else { field.value = ""; }
  });
  const required = form.querySelectorAll("[required]").length;
  if (!required) {
    const field = form.querySelector("input[type=text][maxlength], textarea[maxlength]");
    field.value = "x".repeat(field.maxLength + 1);
  }
  return required;
}"""

FORM_HEIGHT = """() => Math.max(0, ...Array.from(
  document.querySelectorAll("main form[method=post]")).map((f) => f.offsetHeight))"""


# Checked even when they fit on a phone with the test's data: with real data they do not.
ALWAYS = {"budget", "grant", "application"}


def _form_pages(watched, world):
    return {
        "new application": watched.url("application_create"),
        "application": watched.url("application_edit", world.application_a.pk),
        "budget": watched.url("budget_edit", world.application_a.pk),
        "grant": watched.url("grant_edit", world.application_a.pk),
        "expense": watched.url("expense_create"),
        "volunteer": watched.url("volunteer_create"),
        "group": watched.url("group_edit", world.group_a1.pk),
        "new group": watched.url("group_create"),
        "organisation": watched.url("organisation_edit", world.org_a.pk),
        "venue": watched.url("venue_edit", world.venue_a.pk),
        "meeting": watched.url("meeting_create", world.group_a1.pk),
        "series": watched.url("series_create", world.group_a1.pk),
        "record": watched.url("meeting_record", world.meeting_a1.pk),
        "idea": watched.url("idea_create", world.group_a1.pk),
        "participant": watched.url("participant_create"),
        "participant edit": watched.url("participant_edit", world.participant_a1.pk),
        "intake": watched.url("intake_create", world.participant_a1.pk),
        "social service": watched.url("social_service_create"),
        "story": watched.url("story_create", world.group_a1.pk),
        "agreement": watched.url("agreement_edit", world.agreement_a1.pk),
        "questionnaire": watched.url("administration_edit", world.administration_a1.pk),
        "continuation plan": watched.url("continuation_plan", world.group_a1.pk),
        "profile": watched.url("facilitator_profile_edit"),
    }


def _submit(page, form="main form[method=post]"):
    with page.expect_navigation():
        page.locator(f"{form} [type=submit]").last.click()


def test_every_long_form_shows_a_focused_error_summary_on_a_phone(open_page, world, capsys):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    problems, heights = [], []
    for label, url in _form_pages(watched, world).items():
        page.goto(url)
        height = page.evaluate(FORM_HEIGHT)
        heights.append(f"{label}: {height} px")
        if height <= PHONE["height"] and label not in ALWAYS:
            continue
        page.evaluate(FAIL_THE_FORM)
        _submit(page, "form[data-failing]")
        summary = page.locator("[data-error-summary]")
        if summary.count() != 1:
            problems.append(f"{label}: no error summary after a failed save")
            continue
        top = summary.bounding_box()["y"]
        focused = page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        if not focused or top > PHONE["height"]:
            problems.append(f"{label}: summary not focused or not in view ({top:.0f} px)")
        link = summary.locator("a[href^='#']").first
        target = link.get_attribute("href")[1:]
        link.click()
        if page.evaluate("document.activeElement.id") != target:
            problems.append(f"{label}: the link did not focus #{target}")
        elif not page.locator(f"#{target}").is_visible():
            problems.append(f"{label}: #{target} is focused but not visible")
    with capsys.disabled():
        print("\nform heights at 390 px: " + "; ".join(heights))
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_budget_page_summary_first_and_folded_lines(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("budget_edit", world.application_a.pk))
    # The summary (the balance and the saved lines) comes before the form; the saved line
    # is folded.
    saved = page.locator("#saved-heading").bounding_box()["y"]
    assert saved < page.locator("main form[method=post]").bounding_box()["y"]
    line = page.locator("details.line-fold").first
    expect(line).not_to_have_attribute("open", "")
    expect(page.locator("#id_budget-0-quantity")).to_be_hidden()
    problems = blocking_violations(page, "budget")

    # A failed save: the summary on top, the line with the error unfolded.
    line.locator("summary").click()
    page.locator("#id_budget-0-quantity").fill("many")
    _submit(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_budget-0-quantity']")).to_be_visible()
    expect(page.locator("details.line-fold").first).to_have_attribute("open", "")
    problems += blocking_violations(page, "budget with an error")
    watched.screenshot(f"budget-error-summary-{size_name(viewport)}")
    summary.locator("a[href='#id_budget-0-quantity']").click()
    expect(page.locator("#id_budget-0-quantity")).to_be_focused()
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
