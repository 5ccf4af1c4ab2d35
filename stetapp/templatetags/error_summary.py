"""`{% error_summary %}`: at the top of every page, the errors of the forms that failed to
save (templates/partials/error_summary.html, included once by templates/base.html).

It looks through the page's context for bound forms and formsets with errors, so every
form page gets the summary without asking for it. Each error is listed with the field it
belongs to and links to that field's id; a form's own (non-field) errors link to its
first visible field; a formset's own errors are listed without a link. A row of a formset
is named after the model ("Budget line 2, Quantity"). static/js/app.js focuses the summary
when the page loads and, on a click, unfolds a folded row and focuses the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    message: str
    field: str  # what the error is about, "" for the form as a whole
    target: str  # the id of the field to go to, "" for none


def _form_errors(form: BaseForm, row: str = "") -> list[SummaryError]:
    if not form.errors:
        return []
    visible = list(form.visible_fields())
    first = visible[0].id_for_label if visible else ""
    errors = [
        SummaryError(message=str(message), field=row, target=first)
        for message in form.non_field_errors()
    ]
    for bound in visible:
        for message in bound.errors:
            label = str(bound.label or capfirst(bound.name))
            field = _("%(row)s, %(field)s") % {"row": row, "field": label} if row else label
            target = bound.id_for_label
            errors.append(SummaryError(message=str(message), field=field, target=target))
    for bound in form.hidden_fields():
        errors.extend(SummaryError(message=str(m), field=row, target="") for m in bound.errors)
    return errors


def _formset_errors(formset: BaseFormSet) -> list[SummaryError]:
    model = getattr(formset, "model", None)
    name = capfirst(model._meta.verbose_name) if model is not None else _("Row")
    errors = [SummaryError(message=str(m), field="", target="") for m in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        row = _("%(name)s %(number)d") % {"name": name, "number": number}
        errors.extend(_form_errors(form, row))
    return errors


def summary_errors(values: Mapping[Any, Any]) -> list[SummaryError]:
    """The errors of the bound forms and formsets among `values`, in their order."""
    seen: set[int] = set()
    errors: list[SummaryError] = []
    for value in values.values():
        if id(value) in seen or not getattr(value, "is_bound", False):
            continue
        seen.add(id(value))
        if isinstance(value, BaseFormSet):
            errors.extend(_formset_errors(value))
        elif isinstance(value, BaseForm):
            errors.extend(_form_errors(value))
    return errors


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict[str, Any]:
    return {"summary_errors": summary_errors(context.flatten())}
