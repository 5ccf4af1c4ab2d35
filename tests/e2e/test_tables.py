"""Every page with a list or report table, per persona, at 390 and 1280 px.

At 390 px (a phone) nothing scrolls sideways: the page is no wider than the screen, and
every table cell and every button lies inside the screen from left to right. The tables
are stacked (static/css/app.css, "Stacked tables"): each row a card, each cell but the
first labelled with its column (data-label). At 1280 px the same tables look like
tables. axe finds nothing serious on any of these pages at either size.
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.e2e.helpers import DESKTOP, PHONE, blocking_violations, sign_in

pytestmark = pytest.mark.e2e


def _pages(world) -> dict[str, list[tuple[str, str, tuple]]]:
    """Per persona: (what, URL name, URL arguments) of each page showing a table."""
    group, participant = world.group_a1.pk, world.participant_a1.pk
    application = world.application_a.pk
    return {
        "facilitator_a1": [
            ("participant list", "participant_list", ()),
            ("participant detail", "participant_detail", (participant,)),
            ("follow-up calls", "follow_up_call_create", (participant,)),
            ("expenses", "expense_list", ()),
            ("stories", "story_list", (group,)),
            ("selection rounds", "selection_list", ()),
            ("questionnaires", "measurement_group", (group,)),
            ("questionnaire", "administration_detail", (world.administration_a1.pk,)),
            ("continuation plan", "continuation_plan", (group,)),
            ("walking buddies", "walking_buddies", (group,)),
        ],
        "lead_a": [
            ("home", "home", ()),
            ("group list", "group_list", ()),
            ("organisation", "organisation_detail", (world.org_a.pk,)),
            ("group import", "group_import", ()),
            ("participant import", "participant_import", ()),
            ("participant list", "participant_list", ()),
            ("participant detail", "participant_detail", (participant,)),
            ("applications", "application_list", ()),
            ("application", "application_detail", (application,)),
            ("budget", "budget_edit", (application,)),
            ("grant", "grant_edit", (application,)),
            ("budget against actual", "budget_actual", (application,)),
            ("expenses", "expense_list", ()),
            ("volunteers", "volunteer_list", ()),
            ("volunteer", "volunteer_detail", (world.volunteer_a.pk,)),
            ("funds", "fund_list", ()),
            ("readiness", "group_readiness", (group,)),
            ("report batches", "report_batch_create", ()),
            ("fund report", "grant_report", (world.grant_a.pk,)),
        ],
        "coordinator": [
            ("home", "home", ()),
            ("organisations", "organisation_list", ()),
            ("dashboard", "programme_dashboard", (world.programme.pk,)),
            ("programme funding", "programme_funding", (world.programme.pk,)),
            ("fund report", "grant_report", (world.grant_a.pk,)),
        ],
        "funder": [
            ("funder grants", "funder_grants", ()),
            ("fund report", "grant_report", (world.grant_a.pk,)),
        ],
    }


def _dutch_with_more_rows(world) -> None:
    """Everyone reads Dutch (the longer labels); rows for the tables the shared world
    leaves empty: a call, a payment, a need, a walking buddy."""
    from funding.models import GrantPayment, NeedSignal
    from meetings.models import FollowUpCall
    from stetapp.models import User
    from tests.factories import participant_in

    User.objects.filter(pk__in=[user.pk for user in world.users.values()]).update(language="nl")

    FollowUpCall.objects.create(
        participant=world.participant_a1,
        called_by=world.users["facilitator_a1"],
        outcome="needs_help",
        notes="Would like a lift to the meetings; asked the neighbourhood team.",
    )
    GrantPayment.objects.create(
        grant=world.grant_a,
        received_on=dt.date(2026, 3, 1),
        amount=Decimal("2500.00"),
        note="First instalment",
    )
    participant_in(world.group_a1, full_name="Fatma Yilmaz", postcode="3072 AC")
    NeedSignal.objects.create(
        group=world.group_a1,
        community="Turkish",
        signs="Women who hardly leave the house since their husbands died.",
        key_figures="The imam's wife; the district nurse.",
        signalled_on=dt.date(2026, 1, 15),
    )


# Per table cell and button outside a visually hidden block: where it sticks out of the
# screen, which cells of a stacked table lack their column label, and how tables look.
_MEASURE = """
(width) => {
  const hidden = (el) => el.closest('.visually-hidden, .visually-hidden-focusable, thead');
  const name = (el) => {
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    const classes = el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `${el.tagName.toLowerCase()}${classes} "${text}"`;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility();
  };
  const outside = [];
  for (const el of document.querySelectorAll('main td, main th, main .btn, main caption')) {
    if (hidden(el) || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > width + 0.5) {
      outside.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
    }
  }
  const tables = [...document.querySelectorAll('main table')].filter((t) => !hidden(t));
  const unstacked = tables.filter((t) => !t.classList.contains('table-stack')).map(name);
  const unlabelled = [];
  for (const t of tables) {
    for (const row of t.querySelectorAll(':scope > tbody > tr, :scope > tfoot > tr')) {
      [...row.children].forEach((cell, i) => {
        if (i > 0 && cell.tagName === 'TD' && !cell.hasAttribute('colspan')
            && !cell.hasAttribute('data-label')) unlabelled.push(name(cell));
      });
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    outside, unstacked, unlabelled,
    tables: tables.length,
    displays: tables.map((t) => getComputedStyle(t).display),
    headers: tables.map((t) => t.tHead ? t.tHead.getBoundingClientRect().height : 0),
  };
}
"""


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a", "coordinator", "funder"])
def test_tables_fit_a_phone_and_stay_tables_on_a_desktop(open_page, world, persona):
    _dutch_with_more_rows(world)
    pages = _pages(world)[persona]
    problems = []
    for viewport in (PHONE, DESKTOP):
        watched = open_page(viewport)
        page = watched.page
        sign_in(watched, world.users[persona].email)
        width = viewport["width"]
        for what, url_name, args in pages:
            label = f"{persona}, {what} at {width} px"
            response = page.goto(watched.url(url_name, *args))
            if response is None or response.status != 200:
                problems.append(f"{label}: status {response and response.status}")
                continue
            found = page.evaluate(_MEASURE, width)
            if found["tables"] == 0:
                problems.append(f"{label}: no table on the page")
            problems += [f"{label}: not stacked: {t}" for t in found["unstacked"]]
            problems += [f"{label}: cell without data-label: {c}" for c in found["unlabelled"]]
            if width == PHONE["width"]:
                if found["scrollWidth"] > width:
                    problems.append(f"{label}: page is {found['scrollWidth']} px wide")
                problems += [f"{label}: outside the screen: {e}" for e in found["outside"]]
                if any(display != "block" for display in found["displays"]):
                    problems.append(f"{label}: tables not stacked: {found['displays']}")
            else:
                if any(display != "table" for display in found["displays"]):
                    problems.append(f"{label}: not shown as tables: {found['displays']}")
                if any(height < 20 for height in found["headers"]):
                    problems.append(f"{label}: a table has no visible header row")
            problems += blocking_violations(page, label)
            watched.screenshot(f"tables-{persona}-{what.replace(' ', '-')}-{width}")
    assert problems == [], "\n".join(problems)
