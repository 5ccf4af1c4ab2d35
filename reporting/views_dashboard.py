"""The programme dashboard: for the programme's coordinators, aggregates only.

Access: the rule lets programme coordinators in; the programme is loaded through
`Programme.objects.visible_to`, so a coordinator of another programme gets a 404. The page
and its workbook (?format=xlsx) show counts, rates and group names, never a participant or
a volunteer by name (reporting/selectors_dashboard.py).
"""

from http import HTTPStatus
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from groups.models import Programme, Role
from stetapp.access import access, get_visible_or_404, roles
from stetapp.exports import workbook_response
from stetapp.forms import PkChoiceField
from stetapp.limits import download_limit

from . import selectors_dashboard as selectors
from . import services_dashboard

COORDINATORS = roles(Role.PROGRAMME_COORDINATOR)


class DashboardFilterForm(forms.Form):
    """Optional filters: one of the programme's organisations, one of its groups' cities
    (`choices`: a selectors.FilterChoices, or something that reads as one when asked)."""

    # A programme can have a thousand organisations: LightSelect writes them cheaply.
    organisation = PkChoiceField(label=gettext_lazy("organisation"))
    city = PkChoiceField(label=gettext_lazy("city"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(lambda: choices.organisations)
        self.fields["city"].offer(lambda: choices.cities)
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
    trend, groups at risk (both lists selectors.PAGE_SIZE groups a page) and reach
    (as many organisations a page); ?format=xlsx returns the same tables as a workbook,
    with every group. A cached look reads only the pages shown
    (selectors.cached_dashboard).
    A fixed number of queries (tests/reporting/test_dashboard.py)."""
    programme = get_visible_or_404(Programme.objects.all(), user=request.user, pk=pk)
    filters = {key: request.GET[key] for key in ("organisation", "city") if key in request.GET}
    # Read from the cache when the filter is checked or drawn, or the figures are built.
    # A filtered look builds from its own groups: it does not read the whole scope for
    # the choices either.
    choices = SimpleLazyObject(
        lambda: selectors.cached_filter_choices(programme, with_scope=not filters)
    )
    form = DashboardFilterForm(filters or None, choices=choices)
    organisation_id = city_id = None
    if form.is_bound and form.is_valid():
        organisation_id = form.cleaned_data["organisation"]
        city_id = form.cleaned_data["city"]
    lists = ("norm", "risk", "reach")
    if request.GET.get("format") == "xlsx":
        # A download may take its time: built here when not cached.
        data = selectors.cached_dashboard(
            programme, organisation_id=organisation_id, city_id=city_id, choices=choices
        )
        stem = f"{programme.name} {_('dashboard')} {timezone.localdate().isoformat()}"
        return workbook_response(filename_stem=stem, sheets=selectors.dashboard_sheets(data))

    # The page's addresses are built from what it understood, never echoed from the
    # request: the valid filters and the page number of each list. So the HTML kept
    # under them (below) has as many versions as there are real views, whatever else an
    # address carries.
    understood = {
        key: str(value)
        for key, value in (("organisation", organisation_id), ("city", city_id))
        if value is not None
    }
    found = selectors.dashboard_for_page(
        programme, organisation_id=organisation_id, city_id=city_id, choices=choices
    )
    if found is None:
        # Too large to build in this request: built in the background (decision 73).
        services_dashboard.prepare_dashboard(
            programme=programme, organisation_id=organisation_id, city_id=city_id
        )
        found = selectors.kept_dashboard(
            programme, organisation_id=organisation_id, city_id=city_id
        )
    # The preparing page asks again every few seconds (htmx): once the figures are
    # there it is told to load itself again, and then shows them.
    polling = request.headers.get("HX-Request") == "true"
    if found is None:
        failed = selectors.build_failed(programme, organisation_id=organisation_id, city_id=city_id)
        ctx = {
            "programme": programme,
            "failed": failed,
            "poll_url": f"{request.path}?{urlencode(understood)}" if understood else request.path,
        }
        template = (
            "reporting/_dashboard_preparing.html"
            if polling
            else "reporting/programme_dashboard_preparing.html"
        )
        return render(request, template, ctx, status=HTTPStatus.ACCEPTED)
    if polling:
        return HttpResponse(headers={"HX-Refresh": "true"})
    data = found
    pages = {
        name: Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
        for name, rows in zip(lists, (data.norm_rows, data.at_risk, data.reach.rows), strict=True)
    }
    ctx = {
        "programme": programme,
        "form": form,
        "dashboard": data,
        "export_query": urlencode({**understood, "format": "xlsx"}),
        # The page's HTML is kept as long as its figures, under their version: a cached
        # look renders none of the tables (no personal data is on the page). Not when
        # the filter was refused: its errors are drawn for this request only.
        "fragment_seconds": (
            settings.STETAPP_DASHBOARD_CACHE_SECONDS
            if data.version and not (form.is_bound and form.errors)
            else 0
        ),
    }
    for name, page in pages.items():
        others = {
            f"{other}_page": pages[other].number
            for other in lists
            if other != name and pages[other].number > 1
        }
        ctx[f"{name}_page"] = page
        ctx[f"{name}_query"] = urlencode({**understood, **others})
    return render(request, "reporting/programme_dashboard.html", ctx)
