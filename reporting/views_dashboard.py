"""The programme dashboard: for the programme's coordinators, aggregates only.

Access: the rule lets programme coordinators in; the programme is loaded through
`Programme.objects.visible_to`, so a coordinator of another programme gets a 404. The page
and its workbook (?format=xlsx) show counts, rates and group names, never a participant or
a volunteer by name (reporting/selectors_dashboard.py).
"""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from groups.models import Programme, Role
from stetapp.access import access, get_visible_or_404, roles
from stetapp.exports import workbook_response
from stetapp.forms import LightSelect
from stetapp.limits import download_limit

from . import selectors_dashboard as selectors

COORDINATORS = roles(Role.PROGRAMME_COORDINATOR)
# The two per-group lists (against the norm, at risk) show this many groups a page; the
# workbook has them all.
PAGE_SIZE = 50


class DashboardFilterForm(forms.Form):
    """Optional filters: one of the programme's organisations, one of its groups' cities."""

    # A programme can have a thousand organisations: LightSelect writes them cheaply.
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("organisation"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=LightSelect,
    )
    city = forms.TypedChoiceField(
        label=gettext_lazy("city"), required=False, coerce=int, empty_value=None, widget=LightSelect
    )

    def __init__(self, *args, organisations, cities, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["organisation"].choices = everything + [
            (str(pk), name) for pk, name in organisations
        ]
        self.fields["city"].choices = everything + [(str(pk), name) for pk, name in cities]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def active_count(self) -> int:
        data = self.data or {}
        return sum(1 for name in self.fields if data.get(name))


@access(COORDINATORS)
@require_GET
@download_limit(when=lambda request: request.GET.get("format") == "xlsx")
def programme_dashboard(request, pk):
    """Groups by city and status, Table 1, meetings against the norm, the attendance
    trend, groups at risk (both lists PAGE_SIZE groups a page) and reach (PAGE_SIZE
    organisations a page); ?format=xlsx
    returns the same tables as a workbook, with every group.
    A fixed number of queries (tests/reporting/test_dashboard.py)."""
    programme = get_visible_or_404(Programme.objects.all(), user=request.user, pk=pk)
    scope = selectors.cached_programme_scope(programme)
    filters = {key: request.GET[key] for key in ("organisation", "city") if key in request.GET}
    form = DashboardFilterForm(
        filters or None, organisations=scope.organisations, cities=scope.cities
    )
    organisation_id = city_id = None
    if form.is_bound and form.is_valid():
        organisation_id = form.cleaned_data["organisation"]
        city_id = form.cleaned_data["city"]
    data = selectors.cached_dashboard(scope, organisation_id=organisation_id, city_id=city_id)

    if request.GET.get("format") == "xlsx":
        stem = f"{programme.name} {_('dashboard')} {timezone.localdate().isoformat()}"
        return workbook_response(filename_stem=stem, sheets=selectors.dashboard_sheets(data))

    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    ctx = {
        "programme": programme,
        "form": form,
        "dashboard": data,
        "export_query": export_query.urlencode(),
    }
    for name, rows in (
        ("norm", data.norm_rows),
        ("risk", data.at_risk),
        ("reach", data.reach.rows),
    ):
        param = f"{name}_page"
        others = request.GET.copy()
        others.pop(param, None)
        ctx[f"{name}_page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))
        ctx[f"{name}_query"] = others.urlencode()
    return render(request, "reporting/programme_dashboard.html", ctx)
