"""Each groups form and the service it feeds name the same fields (one field list per
form/service pair, shared by the form's Meta.fields and the service), so a field added to
a form cannot be dropped or refused by its service."""

import inspect

import pytest

from groups import services
from groups.forms import GroupForm, OrganisationForm, ProgrammeForm, VenueForm
from groups.models import Group

pytestmark = pytest.mark.django_db


def _parameters(function, *leave_out):
    names = inspect.signature(function).parameters
    return {name for name in names if name not in leave_out}


def test_group_create_form_and_service_fields(world):
    form = GroupForm(user=world.users["lead_a"])
    assert set(form.fields) == set(services.GROUP_FIELDS) == _parameters(services.group_create)


def test_group_edit_form_and_group_update_fields(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    form = GroupForm(instance=group, user=world.users["lead_a"])
    assert set(form.fields) == set(services.GROUP_UPDATE_FIELDS)
    assert _parameters(services.group_update, "group") == set(services.GROUP_UPDATE_FIELDS)


def test_venue_form_and_services_fields(world):
    form = VenueForm(organisation=world.org_a)
    assert set(form.fields) == set(services.VENUE_FIELDS)
    assert _parameters(services.venue_create, "organisation") == set(services.VENUE_FIELDS)
    assert _parameters(services.venue_update, "venue") == set(services.VENUE_FIELDS)


def test_organisation_form_and_organisation_update_fields():
    form = OrganisationForm()
    assert set(form.fields) - {"logo", "remove_logo"} == set(services.ORGANISATION_FIELDS)
    parameters = _parameters(services.organisation_update, "organisation")
    assert parameters == set(services.ORGANISATION_FIELDS)


def test_programme_form_and_programme_create_fields():
    assert list(ProgrammeForm().fields) == list(services.PROGRAMME_FIELDS)
    assert _parameters(services.programme_create) == set(services.PROGRAMME_FIELDS)
