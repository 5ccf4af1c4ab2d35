"""`{% expense_row row cols %}`: one row of the expense list (templates/funding/
expense_list.html): the date, group, description, category, amount, status pill, the
receipt's link and, for who may decide, the approve and reject buttons.

A tag rather than template markup: the list draws up to 50 rows a page, and the
template engine spent about 60 µs a row resolving the same few values, a third of a
lead's expense list (docs/decisions.md 57). Every value is escaped here."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext

from stetapp.dates import short_date
from stetapp.markup import escaped, object_url
from stetapp.money import euros

register = template.Library()
_CSRF = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def expense_row(context: template.Context, row: dict, cols: dict) -> SafeString:
    """`row` is {"expense": Expense, "can_decide": bool} (funding/views_money.py);
    `cols` the column labels (`{% table_columns %}`), repeated on each cell for the
    stacked phone layout."""
    esc = escaped  # every value below goes through it (stetapp/markup.py)
    expense = row["expense"]
    day = esc(short_date(expense.spent_on))
    if expense.receipt:
        receipt = (
            f'<a href="{esc(object_url(context, "expense_receipt", expense.pk))}">'
            f'{esc(gettext("Receipt"))}<span class="visually-hidden"> {day}</span></a>'
        )
    else:
        receipt = f'<span class="text-body-secondary">{esc(gettext("none"))}</span>'
    decide = ""
    if row["can_decide"]:
        about = esc(Truncator(expense.description).chars(40))
        decide = (
            f'<form method="post" action="{esc(object_url(context, "expense_decide", expense.pk))}"'
            f' class="d-flex gap-2">{_CSRF.render(context)}'
            f'<button type="submit" name="decision" value="approve" class="btn btn-success">'
            f'{esc(gettext("Approve"))}<span class="visually-hidden"> {about}</span></button>'
            f'<button type="submit" name="decision" value="reject"'
            f' class="btn btn-outline-danger">'
            f'{esc(gettext("Reject"))}<span class="visually-hidden"> {about}</span></button>'
            f"</form>"
        )
    status = esc(expense.status)
    return mark_safe(  # noqa: S308 - built of escaped values only
        f'<tr><td class="text-nowrap">{day}</td>'
        f'<td data-label="{esc(cols["group"])}">{esc(expense.group.name)}</td>'
        f'<td data-label="{esc(cols["description"])}" class="text-break">'
        f"{esc(expense.description)}</td>"
        f'<td data-label="{esc(cols["category"])}" class="d-none d-md-table-cell">'
        f"{esc(capfirst(expense.get_category_display()))}</td>"
        f'<td data-label="{esc(cols["amount"])}" class="text-end text-nowrap">'
        f"{esc(euros(expense.amount))}</td>"
        f'<td data-label="{esc(cols["status"])}"><span class="badge expense-status'
        f' status-{status}">{esc(capfirst(expense.get_status_display()))}</span></td>'
        f'<td data-label="{esc(cols["receipt"])}">{receipt}</td>'
        f'<td data-label="">{decide}</td></tr>'
    )
