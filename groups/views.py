"""Group, venue, organisation and people pages. Every view: access rule → scoped fetch →
form → service → redirect or render."""

import copy
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stetapp.access import SITE_ADMIN, access, get_visible_or_404, roles, user_roles
from stetapp.forms import apply_validation_error
from stetapp.pagination import KeysFirstPaginator
from stetapp.submission import submission_once

from . import selectors, services, services_communities
from .access import (
    Need,
    group_get_for_user,
    group_ids_for,
    rule_for,
)
from .communities import CodedCommunities, community_list, default_labels
from .filters import GroupFilter
from .forms import (
    CommunityCategoryForm,
    GroupForm,
    ImportForm,
    InviteForm,
    OrganisationFilterForm,
    OrganisationForm,
    OrganisationImportForm,
    ProgrammeForm,
    SecondFactorResetForm,
    VenueForm,
)
from .importers import ImportFileError, import_groups, import_organisations
from .models import Membership, Organisation, Programme, Role

LEADS = roles(Role.PROJECT_LEAD)
LEADS_AND_COORDINATORS = roles(Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR)
COORDINATORS = roles(Role.PROGRAMME_COORDINATOR)
GROUP_VIEWERS = rule_for(Need.READ)


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


# --- groups --------------------------------------------------------------------------


class _ShownGroups:
    """A page of the group list, each group with the community its line shows: the
    typed text for those who work in it, the coded label for the rest. Read when its
    lines are drawn, not before: a page whose lines are kept reads no group."""

    def __init__(self, page: Any, *, worked: frozenset[int], coding: CodedCommunities) -> None:
        self.page = page
        self.worked = worked
        self.coding = coding

    def __iter__(self) -> Iterator[Any]:
        for group in self.page:
            group.shown_community = (
                group.community
                if group.pk in self.worked
                else self.coding.coded(group.organisation_id, group.community)
            )
            yield group


@access(GROUP_VIEWERS)
@require_GET
def group_list(request):
    user = request.user
    # What a programme's list keeps, at the version of its tables (decision 81).
    keeping = selectors.group_list_keeping(user=user)
    group_filter = GroupFilter(
        request.GET or None,
        queryset=selectors.group_list_for_user(user=user),
        user=user,
        keeping=keeping,
    )
    understood = group_filter.understood()
    keys = selectors.group_list_keys(keeping=keeping, groups=group_filter.qs, filters=understood)
    # Without kept keys, a programme's list counted and sectioned by city from what
    # PostgreSQL keeps counted (decision 85).
    sections = (
        selectors.group_list_sections(
            user=user,
            filters=understood,
            community=group_filter.texts_of(understood["community"])
            if understood and "community" in understood
            else (),
        )
        if keys is None
        else None
    )
    # The page's groups found first, then read with their joins (stetapp/pagination.py).
    page = KeysFirstPaginator(group_filter.qs, 50, keys=keys, sections=sections).get_page(
        request.GET.get("page")
    )
    # The typed community for those who work in a group; the coded one for the rest
    # (coordinators, funders: groups/communities.py).
    # (From the scope the list was filtered by: no query of its own.)
    worked = frozenset(group_ids_for(user, need=Need.WORK))
    query = request.GET.copy()
    query.pop("page", None)
    # What a programme's list keeps of its HTML, at the version of its tables, per
    # language and understood filters (templates/groups/group_list.html): its filter
    # panel (a national programme's thousand organisations and hundreds of cities) and,
    # for those who work in none of its groups (only the coded communities show), each
    # page's lines, so that a kept look reads none of its groups (decision 82).
    kept = keeping is not None and keeping.version is not None and understood is not None
    ctx = {
        "filter": group_filter,
        "page": page,
        "groups": _ShownGroups(page, worked=worked, coding=group_filter.coding),
        "query": query.urlencode(),
        "can_create": Role.PROJECT_LEAD in user_roles(user),
        "can_import": bool(user_roles(user) & {Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR}),
        "panel_seconds": keeping.seconds if kept and group_filter.choices_kept else 0,
        "lines_seconds": keeping.seconds if keys is not None and not worked else 0,
        "kept_key": (
            f"{keeping.scope}:{keeping.version}:{sorted((understood or {}).items())}"
            if keeping is not None
            else ""
        ),
    }
    return render(request, "groups/group_list.html", ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def group_create(request):
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
            return redirect("group_detail", pk=group.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@access(LEADS)
@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.MANAGE)
    form = GroupForm(request.POST or None, instance=copy.copy(group), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("group_detail", pk=group.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@access(LEADS_AND_COORDINATORS)
@require_http_methods(["GET", "POST"])
@submission_once
def group_import(request):
    """Upload a CSV/XLSX of groups; all rows or none."""
    user = request.user
    allowed = Organisation.objects.managed_by(user) | Organisation.objects.filter(
        programmes__in=Programme.objects.visible_to(user)
    )
    # Bound on every POST, so an empty submission shows "this field is required".
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    result = None
    file_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte over the limit is enough for import_groups to refuse the file;
            # never read a huge upload into memory.
            result = import_groups(
                data=upload.read(settings.STETAPP_IMPORT_MAX_BYTES + 1),
                filename=upload.name,
                organisations=allowed.distinct(),
            )
        except ImportFileError as exc:
            file_error = str(exc)
        else:
            if result.ok:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext("%(count)d group imported.", "%(count)d groups imported.", count)
                    % {"count": count},
                )
                return redirect("group_list")
    ctx = {"form": form, "result": result, "file_error": file_error}
    return render(request, "groups/group_import.html", ctx)


# --- organisations and venues --------------------------------------------------------


@access(LEADS_AND_COORDINATORS)
@require_GET
def organisation_list(request):
    user = request.user
    filter_form = OrganisationFilterForm(request.GET or None)
    name = filter_form.cleaned_data["name"] if filter_form.is_valid() else ""
    page = selectors.organisations_page(user=user, number=request.GET.get("page"), name=name)
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": filter_form,
        "query": query.urlencode(),
        "page": page,
        "organisations": page.object_list,
        "programmes": list(Programme.objects.visible_to(user)),
    }
    return render(request, "groups/organisation_list.html", ctx)


@access(LEADS_AND_COORDINATORS)
@require_GET
def organisation_detail(request, pk):
    user = request.user
    organisation = selectors.organisation_get_for_user(user=user, pk=pk)
    leads = Organisation.objects.managed_by(user).filter(pk=organisation.pk).exists()
    ctx = {
        "organisation": organisation,
        "groups": organisation.stet_groups.select_related("city").order_by("name"),
        "venues": organisation.venues.select_related("city").order_by("name"),
        "is_lead": leads,
    }
    return render(request, "groups/organisation_detail.html", ctx)


@access(SITE_ADMIN)
@require_http_methods(["GET", "POST"])
@submission_once
def programme_create(request):
    """A site administrator starts a programme; next they invite its first coordinator
    on the programme's people page."""
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Programme “%(name)s” created. Invite its first coordinator here.")
                % {"name": programme.name},
            )
            return redirect("programme_people", pk=programme.pk)
    return render(request, "groups/programme_form.html", {"form": form})


@access(COORDINATORS)
@require_http_methods(["GET", "POST"])
@submission_once
def organisation_create(request, programme_pk):
    programme = get_visible_or_404(Programme.objects, user=request.user, pk=programme_pk)
    posted = request.method == "POST"
    form = OrganisationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            organisation = services.organisation_create(
                programme=programme, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            services.organisation_set_logo(
                organisation=organisation, upload=form.cleaned_data.get("logo"), remove=False
            )
            messages.success(request, _("Organisation added to the programme."))
            return redirect("organisation_detail", pk=organisation.pk)
    ctx = {"form": form, "programme": programme, "organisation": None}
    return render(request, "groups/organisation_form.html", ctx)


@access(COORDINATORS)
@require_http_methods(["GET", "POST"])
@submission_once
def organisation_import(request, programme_pk):
    """Upload a CSV/XLSX of organisations for a programme; all rows or none. Who may add
    one organisation to the programme (organisation_create) may import them."""
    programme = get_visible_or_404(Programme.objects, user=request.user, pk=programme_pk)
    posted = request.method == "POST"
    form = OrganisationImportForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    result = None
    file_error = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte over the limit is enough to refuse the file; never read more.
            result = import_organisations(
                data=upload.read(settings.STETAPP_IMPORT_MAX_BYTES + 1),
                filename=upload.name,
                programme=programme,
            )
        except ImportFileError as exc:
            file_error = str(exc)
        else:
            if result.ok:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d organisation imported.",
                        "%(count)d organisations imported.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("organisation_list")
    ctx = {"form": form, "result": result, "file_error": file_error, "programme": programme}
    return render(request, "groups/organisation_import.html", ctx)


@access(LEADS_AND_COORDINATORS)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    # The form works on a copy, so the page keeps showing the saved name until it is saved.
    posted = request.method == "POST"
    form = OrganisationForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=copy.copy(organisation),
    )
    if posted and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            services.organisation_set_logo(
                organisation=organisation,
                upload=form.cleaned_data.get("logo"),
                remove=form.cleaned_data.get("remove_logo", False),
            )
            messages.success(request, _("Changes saved."))
            return redirect("organisation_detail", pk=organisation.pk)
    ctx = {"form": form, "organisation": organisation, "programme": None}
    return render(request, "groups/organisation_form.html", ctx)


def _led_organisation(user, pk) -> Organisation:
    """An organisation the user leads; 404 if out of sight, 403 if only coordinated."""
    organisation = selectors.organisation_get_for_user(user=user, pk=pk)
    if not Organisation.objects.managed_by(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    return organisation


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def venue_create(request, organisation_pk):
    organisation = _led_organisation(request.user, organisation_pk)
    form = VenueForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            # A duplicate name: the form cannot check it, `organisation` is not a field.
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Venue added."))
            return redirect("organisation_detail", pk=organisation.pk)
    ctx = {"form": form, "organisation": organisation, "venue": None}
    return render(request, "groups/venue_form.html", ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
def venue_edit(request, pk):
    venue = selectors.venue_get_for_user(user=request.user, pk=pk, write=True)
    form = VenueForm(
        request.POST or None, instance=copy.copy(venue), organisation=venue.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(venue=venue, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisation_detail", pk=venue.organisation_id)
    ctx = {"form": form, "organisation": venue.organisation, "venue": venue}
    return render(request, "groups/venue_form.html", ctx)


# --- the organisation's list of communities --------------------------------------------


def _communities_page(request, organisation, *, form, status=200):
    """The list with its usage, and the form to add one: three queries after access."""
    categories = community_list(organisation.pk)
    usage = services_communities.community_usage(organisation=organisation, categories=categories)
    rows = [
        {"category": category, "usage": usage.get(category.code, services_communities.Usage())}
        for category in categories.in_order()
    ]
    ctx = {"organisation": organisation, "rows": rows, "form": form}
    return render(request, "groups/organisation_communities.html", ctx, status=status)


@access(LEADS)
@require_GET
def organisation_communities(request, pk):
    """The organisation's categories of communities: what funders see of a typed
    community (groups/communities.py). The project lead keeps the list."""
    organisation = _led_organisation(request.user, pk)
    return _communities_page(request, organisation, form=CommunityCategoryForm())


@access(LEADS)
@require_POST
@submission_once
def community_category_create(request, pk):
    organisation = _led_organisation(request.user, pk)
    form = CommunityCategoryForm(request.POST)
    if form.is_valid():
        try:
            category = services_communities.community_category_add(
                organisation=organisation,
                code=form.cleaned_data["code"],
                label_nl=form.cleaned_data["label_nl"],
                label_en=form.cleaned_data["label_en"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Category “%(code)s” added.") % {"code": category.code})
            return redirect("organisation_communities", pk=organisation.pk)
    return _communities_page(request, organisation, form=form)


@access(LEADS)
@require_http_methods(["GET", "POST"])
def community_category_edit(request, pk, code):
    organisation = _led_organisation(request.user, pk)
    current = community_list(organisation.pk).categories.get(code)
    if current is None or current.code == "other":
        raise Http404
    if current.version:
        initial_nl, initial_en = current.label_nl, current.label_en
    else:
        initial_nl, initial_en = default_labels(code) if not current.own else ("", "")
    initial = {
        "label_nl": initial_nl,
        "label_en": initial_en,
        "active": current.active,
        "version": current.version,
    }
    form = CommunityCategoryForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services_communities.community_category_update(
                organisation=organisation, code=code, **form.cleaned_data
            )
        except services_communities.ConflictError:
            messages.error(
                request,
                _(
                    "Someone else changed this category while you were editing it. "
                    "This is what it is now; make your change again."
                ),
            )
            return redirect("community_category_edit", pk=organisation.pk, code=code)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisation_communities", pk=organisation.pk)
    ctx = {"organisation": organisation, "category": current, "form": form}
    return render(request, "groups/community_category_form.html", ctx)


# --- people and roles ----------------------------------------------------------------


# How many roles a page of the people and roles page shows.
MEMBERS_PER_PAGE = 50


def _people_page(request, *, template, ctx, form, members, resettable=frozenset()):
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                scope=form.scope(),
                invited_by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s now has the role %(role)s; an e-mail is on its way.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect(request.path)
    # A page of them: a national programme has a project lead per organisation.
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    ctx.update(
        {
            "form": form,
            "page": page,
            "members": page.object_list,
            "resettable": resettable,
            "reset_form": SecondFactorResetForm(),
        }
    )
    return render(request, template, ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def organisation_people(request, pk):
    organisation = _led_organisation(request.user, pk)
    form = InviteForm(request.POST or None, organisation=organisation)
    return _people_page(
        request,
        template="groups/people.html",
        ctx={"organisation": organisation, "programme": None},
        form=form,
        members=selectors.members_of_organisation(organisation=organisation),
        resettable=frozenset(
            Membership.objects.second_factor_resettable_by(request.user)
            .filter(group__organisation=organisation)
            .values_list("pk", flat=True)
        ),
    )


@access(COORDINATORS)
@require_http_methods(["GET", "POST"])
@submission_once
def programme_people(request, pk):
    programme = get_visible_or_404(Programme.objects, user=request.user, pk=pk)
    form = InviteForm(request.POST or None, programme=programme)
    return _people_page(
        request,
        template="groups/people.html",
        ctx={"organisation": None, "programme": programme},
        form=form,
        members=selectors.members_of_programme(programme=programme),
    )


def _manageable_membership(user, pk) -> Membership:
    """A membership the user may revoke or re-invite; 404 for any other."""
    try:
        return Membership.objects.manageable_by(user).select_related("user").get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None


def _back(request):
    """Return to the page the form was posted from, if it is one of ours."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("home")


@access(LEADS_AND_COORDINATORS)
@require_POST
def membership_revoke(request, pk):
    membership = _manageable_membership(request.user, pk)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own role."))
    else:
        services.membership_revoke(membership=membership)
        messages.success(
            request,
            _("The role of %(email)s was removed.") % {"email": membership.user.email},
        )
    return _back(request)


@access(LEADS_AND_COORDINATORS)
@require_POST
def membership_resend(request, pk):
    membership = _manageable_membership(request.user, pk)
    services.invitation_resend(
        membership=membership, invited_by=request.user, base_url=_base_url(request)
    )
    messages.success(request, _("The e-mail was sent again."))
    return _back(request)


@access(LEADS)
@require_POST
def membership_reset_second_factor(request, pk):
    """A project lead removes a facilitator's or volunteer's second factor after checking
    who they are; they set up a new one at their next sign-in."""
    try:
        membership = (
            Membership.objects.second_factor_resettable_by(request.user)
            .select_related("user")
            .get(pk=pk)
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    form = SecondFactorResetForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing was reset: first check who they are, then tick the box and say how."),
        )
        return _back(request)
    services.second_factor_reset(
        membership=membership,
        reset_by=request.user,
        how_checked=form.cleaned_data["how_checked"],
    )
    messages.success(
        request,
        _("The second factor of %(email)s was reset; they set up a new one when they sign in.")
        % {"email": membership.user.email},
    )
    return _back(request)
