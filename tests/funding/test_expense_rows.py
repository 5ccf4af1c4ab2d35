"""One row of the expense list ({% expense_row %}, funding/templatetags/expense_rows.py):
the cells a row shows, the receipt's link, the decision buttons with the CSRF token for
who may decide, and every value escaped."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from funding.models import Expense
from groups.models import Group
from stetapp.templatetags.tables import table_columns

COLS = table_columns(
    date="Date",
    group="Group <g>",
    description="Description",
    category="Category",
    amount="Amount",
    status="Status",
    receipt="Receipt",
)


def _row(expense: Expense, *, can_decide: bool, language: str = "en") -> str:
    template = Template("{% load expense_rows %}{% expense_row row cols %}")
    context = Context(
        {
            "row": {"expense": expense, "can_decide": can_decide},
            "cols": COLS,
            "csrf_token": "tok<en>",
        }
    )
    with translation.override(language):
        return template.render(context)


def _expense(**fields) -> Expense:
    expense = Expense(
        pk=12,
        spent_on=dt.date(2026, 5, 14),
        description="Tea & <cake> for the group's first meeting in the library hall",
        category="activities",
        amount=Decimal("12.50"),
        status="submitted",
        **fields,
    )
    expense.group = Group(name="Group <A>")
    return expense


def test_a_row_shows_every_cell_escaped():
    row = _row(_expense(), can_decide=False)
    assert row.startswith('<tr><td class="text-nowrap">14 May 2026</td>')
    assert '<td data-label="Group &lt;g&gt;">Group &lt;A&gt;</td>' in row
    assert "Tea &amp; &lt;cake&gt; for the group&#x27;s first meeting" in row
    assert "€" in row and "12.50" in row
    assert '<span class="badge expense-status status-submitted">Submitted</span>' in row
    assert '<span class="text-body-secondary">none</span>' in row
    assert "<form" not in row
    assert row.endswith('<td data-label=""></td></tr>')


def test_a_receipt_is_a_link_named_by_its_date():
    row = _row(_expense(receipt="receipts/r.jpg"), can_decide=False)
    assert (
        '<a href="/expenses/12/receipt/">Receipt'
        '<span class="visually-hidden"> 14 May 2026</span></a>'
    ) in row


def test_who_may_decide_gets_both_buttons_with_the_token():
    row = _row(_expense(), can_decide=True)
    assert '<form method="post" action="/expenses/12/decide/" class="d-flex gap-2">' in row
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok&lt;en&gt;">' in row
    about = "Tea &amp; &lt;cake&gt; for the group&#x27;s first meet…"
    hidden = f'<span class="visually-hidden"> {about}</span>'
    assert f'value="approve" class="btn btn-success">Approve{hidden}' in row
    assert f'value="reject" class="btn btn-outline-danger">Reject{hidden}' in row


def test_a_row_in_dutch():
    row = _row(_expense(receipt="receipts/r.jpg"), can_decide=True, language="nl")
    assert "14 mei 2026" in row
    assert "€ 12,50" in row or "12,50" in row
    assert ">Approve<" not in row and ">Receipt<" not in row


def test_rows_of_one_list_each_show_their_own_category_and_status():
    # What the rows repeat is made once per list; what differs stays per row.
    template = Template(
        "{% load expense_rows %}{% for row in rows %}{% expense_row row cols %}{% endfor %}"
    )
    first = _expense()
    second = _expense(receipt="receipts/r.jpg")
    second.pk, second.category, second.status = 13, "outings", "approved"
    rows = [{"expense": e, "can_decide": True} for e in (first, second, first)]
    context = Context({"rows": rows, "cols": COLS, "csrf_token": "tok"})
    with translation.override("en"):
        html = template.render(context)
    lines = html.split("</tr>")[:3]
    assert 'status-submitted">Submitted<' in lines[0]
    assert ">Activities and materials<" in lines[0]
    assert 'status-approved">Approved<' in lines[1]
    assert ">Outings and transport<" in lines[1]
    assert lines[2] == lines[0]
    assert '<span class="text-body-secondary">none</span>' in lines[0]
    assert '/expenses/13/receipt/">Receipt' in lines[1]
    assert html.count('name="csrfmiddlewaretoken" value="tok"') == 3
    assert html.count('data-label="Group &lt;g&gt;"') == 3
