"""The error summary at the top of a page whose form failed to save
(stetapp.templatetags.error_summary, templates/partials/error_summary.html): every error
with its field and a link to it, the form's own errors too, nothing when all is well."""

import re

from django import forms
from django.urls import reverse
from django.utils import translation

from stetapp.templatetags.error_summary import summary_errors
from tests.funding.test_budget_edit import OWN, TEA, _data


class _PeriodForm(forms.Form):
    name = forms.CharField(label="Name", max_length=5)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    start = forms.DateField(label="Start")
    end = forms.DateField(label="End")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data


_Rows = forms.formset_factory(_PeriodForm, extra=0, max_num=1, validate_max=True)


def _summary(html: str) -> str:
    found = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S)
    return found.group(0) if found else ""


def test_field_and_form_errors_in_field_order_with_links():
    form = _PeriodForm({"name": "too long", "start": "2026-05-01", "end": "2026-04-01"})
    unbound = _PeriodForm()
    errors = summary_errors({"unbound": unbound, "form": form, "again": form})
    assert [(e.field, e.target) for e in errors] == [
        ("", "id_name"),  # the form's own error goes to its first field
        ("Name", "id_name"),
    ]
    assert errors[0].message == "The period ends before it starts."


def test_formset_rows_are_numbered_and_its_own_errors_have_no_link():
    row = {"name": "ok", "start": "2026-05-01", "end": "2026-06-01"}
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    data.update({f"form-0-{k}": v for k, v in row.items()})
    data.update({f"form-1-{k}": v for k, v in {**row, "start": ""}.items()})
    with translation.override("en"):
        errors = summary_errors({"rows": _Rows(data)})
    assert [(e.field, e.target) for e in errors] == [
        ("", ""),  # "Please submit at most 1 form."
        ("Row 2, Start", "id_form-1-start"),
    ]


def test_a_failed_budget_save_shows_the_summary_and_unfolds_the_line(world):
    url = reverse("budget_edit", args=[world.application_a.pk])
    bad = {**TEA, "unit_cost": "-1"}
    response = world.client_for("lead_a").post(url, _data(world, [bad], [OWN]))
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_budget-1-unit_cost"' in summary
    assert "Budget line 2, " in summary
    assert 'id="id_budget-1-unit_cost"' in html
    # The summary comes first in <main>; the line in error is open, the valid one folded.
    assert html.index("data-error-summary") < html.index("<h1")
    folds = re.findall(r"<details class=\"line-fold[^>]*>", html)
    assert " open" not in folds[0] and " open" in folds[1]


def test_no_summary_without_errors(world):
    url = reverse("budget_edit", args=[world.application_a.pk])
    html = world.client_for("lead_a").get(url).content.decode()
    assert "data-error-summary" not in html
    saved_line = re.findall(r"<details class=\"line-fold[^>]*>", html)[0]
    assert " open" not in saved_line
