"""Each meetings form and the service it feeds name the same fields, so the views may
pass the form's cleaned data as keywords and a field added to a form cannot be dropped
by its service (one field list per form/service pair, in meetings/services_*.py)."""

import inspect

import pytest

from meetings import services_cocreation, services_planning
from meetings.forms_cocreation import STAFF, IdeaForm
from meetings.forms_planning import CalendarEventEditForm, CalendarEventForm, MeetingRecordForm
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _parameters(function, *leave_out):
    names = inspect.signature(function).parameters
    return {name for name in names if name not in leave_out}


def test_meeting_record_form_and_service_fields(world):
    form = MeetingRecordForm(meeting=MeetingFactory(group=world.group_a1))
    parameters = _parameters(services_planning.meeting_record, "meeting", "recorded_by")
    assert set(form.fields) == parameters
    assert parameters == {*services_planning.RECORD_FIELDS, "themes", "organisers", "version"}


def test_calendar_event_forms_and_service_fields():
    parameters = _parameters(services_planning.calendar_event_save, "organisation", "event")
    assert set(CalendarEventEditForm().fields) == parameters
    assert parameters == set(services_planning.CALENDAR_EVENT_FIELDS)
    assert set(CalendarEventForm().fields) == parameters - {"dismissed"}


def test_idea_form_gives_idea_save_its_fields(world):
    user = world.users["facilitator_a1"]
    form = IdeaForm(
        {"title": "Picknick", "source": "meeting", "proposer": STAFF, "status": "idea"},
        group=world.group_a1,
        user=user,
    )
    assert form.is_valid(), form.errors
    parameters = _parameters(services_cocreation.idea_save, "group", "idea")
    assert parameters == {*services_cocreation.IDEA_FIELDS, "organisers"}
    assert set(form.service_fields()) == parameters
