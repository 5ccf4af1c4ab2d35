"""Each reporting form and the service it feeds name the same fields (one field list per
form/service pair, in reporting/services_*.py), so a field added to a form cannot be
dropped or refused by its service."""

import inspect

import pytest

from funding.models import FundingApplication
from reporting import services_continuation, services_evidence
from reporting.forms_continuation import ContinuationPlanForm, ContinuationStepForm
from reporting.forms_evidence import StoryForm
from reporting.models import ContinuationPlan

pytestmark = pytest.mark.django_db


def _parameters(function, *leave_out):
    names = inspect.signature(function).parameters
    return {name for name in names if name not in leave_out}


def test_story_form_gives_story_save_its_fields(world):
    data = {
        "storyteller": "",
        "domain": "growth",
        "title": "I speak up now",
        "text": "In the group I learnt to say what I think.",
        "language": "nl",
        "significance": "She feels heard again.",
        "collected_on": "2026-04-02",
        "consent_scope": "internal",
    }
    form = StoryForm(data, group=world.group_a1, user=world.users["facilitator_a1"])
    assert form.is_valid(), form.errors
    parameters = _parameters(services_evidence.story_save, "group", "by", "story", "version")
    assert set(form.service_fields()) == set(services_evidence.STORY_FIELDS) == parameters


def test_continuation_forms_and_service_fields(world):
    form = ContinuationPlanForm(
        instance=ContinuationPlan(group=world.group_a1),
        applications=FundingApplication.objects.none(),
    )
    parameters = _parameters(
        services_continuation.continuation_plan_save,
        "group",
        "by",
        "visible_applications",
        "steps",
    )
    assert set(form.fields) == {
        *services_continuation.PLAN_FIELDS,
        "version",
        "follow_up_applications",
    }
    assert parameters == {*services_continuation.PLAN_FIELDS, "version", "applications"}
    step_fields = set(ContinuationStepForm().fields)
    assert step_fields == set(services_continuation.STEP_FIELDS)
    assert step_fields <= set(services_continuation.StepEdit.__dataclass_fields__)
