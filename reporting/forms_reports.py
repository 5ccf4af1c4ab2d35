"""The period of a fund report and its written summary (reporting/views_reports.py)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

# Dates outside these years are refused: nobody reports on them, and the arithmetic on
# the edges of the calendar (year 1, year 9999) would overflow.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportPeriodForm(forms.Form):
    """From and until (both days included). Read from the query string, so a report's
    address says which period it covers."""

    start = forms.DateField(label=_("from"), widget=DateInput())
    end = forms.DateField(label=_("until"), widget=DateInput())

    def _in_range(self, name):
        day = self.cleaned_data[name]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            )
        return day

    def clean_start(self):
        return self._in_range("start")

    def clean_end(self):
        return self._in_range("end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period lies before its start."))
        return cleaned


class ReportSummaryForm(ReportPeriodForm):
    """The project lead's summary and contact line of the report over one period (the
    period rides along in hidden fields: the one the page shows)."""

    text = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few paragraphs in your own words: what the groups did, what changed, what is "
            "next. It is printed at the top of the PDF. Never a participant's name."
        ),
    )
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        max_length=200,
        help_text=_("Who the funder can contact about this report: a name and e-mail address."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].widget = forms.HiddenInput()
        self.fields["end"].widget = forms.HiddenInput()
