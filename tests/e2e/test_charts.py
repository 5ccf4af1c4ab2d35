"""Issue 12, item 2: charts read well at every width. On the group page, the fund report
page and the budget against actual page, a chart's labels render at about the body text
size and no chart is taller than the screen, at phone and desktop width; axe finds
nothing serious there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.helpers import SIZES, assert_clean, blocking_violations, sign_in, size_name
from tests.e2e.test_dashboard_page import _recent_meetings
from tests.factories import BudgetLineFactory, ExpenseFactory, MeetingFactory

pytestmark = pytest.mark.e2e

# Per chart on the page: the rendered size of its labels in CSS px (an SVG <text> by its
# font size times the SVG's scale on screen; an HTML label by its computed font size), the
# body font size and the chart's height on screen.
MEASURE = """() => {
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  return Array.from(document.querySelectorAll("main figure")).filter(
    (figure) => figure.querySelector("svg")
  ).map((figure) => {
    const sizes = Array.from(figure.querySelectorAll("svg text, .chart-label")).map((el) => {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (el instanceof SVGElement) {
        const m = el.getScreenCTM();
        return size * Math.hypot(m.a, m.b);
      }
      return size;
    });
    return {
      id: figure.querySelector("[id]") ? figure.querySelector("[id]").id : "",
      body: body,
      labels: sizes,
      height: figure.getBoundingClientRect().height,
    };
  });
}"""


def _chart_data(world):
    """Twelve held meetings of group A1 in the grant's year with attendance marked, and
    budget lines of application A with approved spending in two of them."""
    from meetings.models import Attendance

    today = timezone.localdate()
    for index in range(12):
        meeting = MeetingFactory(
            group=world.group_a1, day=today - dt.timedelta(days=14 * (12 - index))
        )
        for n in range(5 + index):
            Attendance.objects.create(meeting=meeting, guest_name=f"P{n}", status="present")
        Attendance.objects.create(meeting=meeting, guest_name="A", status="absent")
    for category, cost in (("activities", "300.00"), ("outings", "600.00"), ("catering", "80")):
        BudgetLineFactory(
            application=world.application_a,
            category=category,
            description=category,
            quantity=Decimal("1"),
            unit_cost=Decimal(cost),
        )
    ExpenseFactory(
        group=world.group_a1,
        submitted_by=world.users["lead_a"],
        grant=world.grant_a,
        category="catering",
        amount=Decimal("120.00"),
        status="approved",
    )


def _measure(watched, viewport, pages, capsys):
    page = watched.page
    size = size_name(viewport)
    problems, figures = [], []
    for label, url in pages.items():
        page.goto(url)
        charts = page.evaluate(MEASURE)
        assert charts, f"{label}: no chart"
        for chart in charts:
            smallest, largest = min(chart["labels"]), max(chart["labels"])
            ratio = (smallest / chart["body"], largest / chart["body"])
            figures.append(
                f"{size} {label} {chart['id']}: labels {smallest:.1f}–{largest:.1f} px "
                f"(body {chart['body']:.0f}), chart {chart['height']:.0f} px high"
            )
            if ratio[0] < 0.8 or ratio[1] > 1.3:
                problems.append(f"{label} {chart['id']}: labels {ratio[0]:.2f}–{ratio[1]:.2f}×")
            if chart["height"] > viewport["height"]:
                problems.append(f"{label} {chart['id']}: {chart['height']:.0f} px high")
        problems += blocking_violations(page, label)
        watched.screenshot(f"charts-{label.replace(' ', '-')}-{size}")
    with capsys.disabled():
        print("\n" + "\n".join(figures))
    return problems


@pytest.mark.parametrize("viewport", SIZES)
def test_chart_text_is_body_size_and_charts_fit_the_screen(open_page, world, viewport, capsys):
    _chart_data(world)
    watched = open_page(viewport)
    sign_in(watched, world.users["lead_a"].email)
    pages = {
        "group": watched.url("group_detail", world.group_a1.pk),
        "fund report": watched.url("grant_report", world.grant_a.pk),
        "budget against actual": watched.url("budget_actual", world.application_a.pk),
    }
    problems = _measure(watched, viewport, pages, capsys)
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_dashboard_line_chart_text_is_body_size(open_page, world, viewport, capsys):
    _recent_meetings(world)
    watched = open_page(viewport)
    sign_in(watched, world.users["coordinator"].email)
    pages = {"dashboard": watched.url("programme_dashboard", world.programme.pk)}
    problems = _measure(watched, viewport, pages, capsys)
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
