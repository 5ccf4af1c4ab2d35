"""Each participants form and the service it feeds name the same fields (one field list
per form/service pair, in participants/services_*.py), so the views may pass the form's
cleaned data as keywords and a field added to a form cannot be dropped by its service."""

import inspect

import pytest

from participants import services_overview, services_records
from participants.forms_overview import SocialServiceForm
from participants.forms_records import IntakeForm, ParticipantEditForm, ParticipantForm
from participants.models import SENSITIVE_FIELD_PURPOSE, Participant

pytestmark = pytest.mark.django_db


def _parameters(function, *leave_out):
    names = inspect.signature(function).parameters
    return {name for name in names if name not in leave_out}


def test_participant_create_form_and_service_fields(world):
    form = ParticipantForm(user=world.users["lead_a"])
    # Religion and health notes need a consent first: the service refuses them
    # (test_services.py), and the registration form does not show them.
    parameters = _parameters(services_records.participant_create, "created_by")
    assert set(form.fields) == parameters - set(SENSITIVE_FIELD_PURPOSE)
    assert parameters == {*services_records.PROFILE_FIELDS, "status"}


def test_participant_edit_form_and_participant_update_fields(world):
    participant = Participant.objects.get(pk=world.participant_a1.pk)
    form = ParticipantEditForm(
        instance=participant,
        user=world.users["lead_a"],
        purposes=set(SENSITIVE_FIELD_PURPOSE.values()),
    )
    assert set(form.fields) == {*services_records.PROFILE_FIELDS, "version"}
    parameters = _parameters(services_records.participant_update, "participant", "by")
    assert parameters == set(form.fields)


def test_intake_form_and_intake_record_fields():
    parameters = _parameters(services_records.intake_record, "participant", "conducted_by")
    assert set(IntakeForm().fields) == set(services_records.INTAKE_FIELDS) == parameters


def test_social_service_form_and_services_fields(world):
    form = SocialServiceForm(user=world.users["lead_a"])
    assert set(form.fields) == _parameters(services_overview.social_service_create)
    assert set(form.fields) == {"organisation", *services_overview.SERVICE_FIELDS}
    service = services_overview.social_service_create(
        organisation=world.org_a,
        name="Buurthuis",
        kind=form.fields["kind"].choices[1][0],
        city=world.org_a.city,
    )
    edit = SocialServiceForm(instance=service, user=world.users["lead_a"])
    parameters = _parameters(services_overview.social_service_update, "service")
    assert set(edit.fields) == set(services_overview.SERVICE_FIELDS) == parameters
