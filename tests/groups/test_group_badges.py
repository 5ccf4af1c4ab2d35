"""The group status badge (groups/templatetags/group_badges.py): the status in its class
for the colour, its label in the user's language, escaped."""

import pytest
from django.template import Context, Template
from django.utils import translation

from groups.models import Group, GroupStatus


def _badge(status: str, language: str) -> str:
    template = Template("{% load group_badges %}{% group_status_badge group %}")
    with translation.override(language):
        return template.render(Context({"group": Group(status=status)}))


@pytest.mark.parametrize("status", GroupStatus.values)
def test_the_badge_of_each_status(status):
    label = str(GroupStatus(status).label)
    expected = label[0].upper() + label[1:]
    assert _badge(status, "en") == (
        f'<span class="badge status-badge status-{status}">{expected}</span>'
    )


def test_the_label_is_in_the_users_language():
    assert _badge("running", "en").endswith(">Running</span>")
    dutch = _badge("running", "nl")
    assert ">Running<" not in dutch and dutch.startswith('<span class="badge status-badge')


def test_an_unknown_status_is_escaped():
    assert "&lt;b&gt;" in _badge("<b>", "en")


def test_a_badge_kept_in_one_language_never_shows_in_another():
    english = _badge("running", "en")
    dutch = _badge("running", "nl")
    assert english != dutch
    assert _badge("running", "en") == english  # kept, and still English
    assert _badge("running", "nl") == dutch


def test_an_unknown_status_is_not_kept():
    from groups.templatetags.group_badges import _BADGES

    _badge("<b>", "en")
    assert not any(status == "<b>" for status, _language in _BADGES)
