"""The funnel status pill (participants/templatetags/participant_badges.py): a colour
per status, the status's label in the user's language, escaped."""

import pytest
from django.template import Context, Template
from django.utils import translation

from participants.models import FunnelStatus, Participant

pytestmark = pytest.mark.django_db

EXPECTED = {
    "contacted": ("text-bg-light border", "Contacted"),
    "intake_planned": ("text-bg-info", "Intake planned"),
    "intake_done": ("text-bg-primary", "Intake done"),
    "joined": ("text-bg-success", "Joined"),
    "waiting_list": ("text-bg-warning", "Waiting list"),
    "declined": ("text-bg-secondary", "Declined"),
    "referred": ("text-bg-secondary", "Referred elsewhere"),
}


def _badge(status: str, language: str) -> str:
    template = Template("{% load participant_badges %}{% status_badge participant %}")
    with translation.override(language):
        return template.render(Context({"participant": Participant(status=status)}))


def test_every_status_has_a_row_here():
    assert set(EXPECTED) == set(FunnelStatus.values)


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_the_pill_of_each_status(status):
    classes, english = EXPECTED[status]
    assert _badge(status, "en") == f'<span class="badge rounded-pill {classes}">{english}</span>'


def test_the_label_is_in_the_users_language():
    dutch = _badge("joined", "nl")
    assert "text-bg-success" in dutch
    assert ">Joined<" not in dutch
    with translation.override("nl"):
        label = str(FunnelStatus.JOINED.label)
    assert f">{label[0].upper()}{label[1:]}<" in dutch


def test_an_unknown_status_is_light_and_escaped():
    assert _badge("<b>odd</b>", "en") == (
        '<span class="badge rounded-pill text-bg-light border">&lt;b&gt;odd&lt;/b&gt;</span>'
    )
