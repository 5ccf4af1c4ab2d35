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


# --- a row of the participant list ---------------------------------------------------------


def _row(participant, *, status: bool) -> str:
    from stetapp.templatetags.tables import table_columns

    cols = table_columns(name="Name", phone="Phone <&>", group="Group", status="Status")
    template = Template(
        "{% load participant_badges %}{% participant_row participant cols status=status %}"
    )
    with translation.override("en"):
        return template.render(
            Context({"participant": participant, "cols": cols, "status": status})
        )


def _person(**fields) -> Participant:
    from groups.models import Group

    person = Participant(pk=7, status="joined", **fields)
    person.group = Group(name="Group <A>")
    return person


def test_a_row_links_the_name_and_the_phone_and_escapes_every_value():
    person = _person(full_name="Ayse <b>Demir</b>", phone="06 1111 2222")
    person.full_view = True
    assert _row(person, status=True) == (
        '<tr><th scope="row" class="fw-normal"><a href="/participants/7/">'
        "Ayse &lt;b&gt;Demir&lt;/b&gt;</a></th>"
        '<td data-label="Phone &lt;&amp;&gt;"><a href="tel:0611112222">06 1111 2222</a></td>'
        '<td data-label="Group">Group &lt;A&gt;</td>'
        '<td data-label="Status"><span class="badge rounded-pill text-bg-success">Joined</span>'
        "</td></tr>"
    )


def test_a_row_without_a_phone_or_a_full_view_shows_dashes():
    person = _person(full_name="Ruth", phone="")
    person.full_view = False
    row = _row(person, status=True)
    assert '<td data-label="Phone &lt;&amp;&gt;">—</td>' in row
    assert '<td data-label="Status">—</td>' in row
    assert "badge" not in row


def test_a_row_has_no_status_cell_for_those_who_see_no_status():
    person = _person(full_name="Ruth", phone="")
    row = _row(person, status=False)
    assert row.count("<td") == 2
    assert "Status" not in row


def test_a_pill_kept_for_one_language_is_not_shown_in_another():
    # Pills are made once per status and language (the list draws up to 50 a page).
    english = _badge("waiting_list", "en")
    dutch = _badge("waiting_list", "nl")
    assert english != dutch
    assert _badge("waiting_list", "en") == english
    assert _badge("waiting_list", "nl") == dutch
