"""The row helpers of stetapp/markup.py give what Django's own give: `escaped` as
`conditional_escape`, `object_url` as `reverse`."""

import pytest
from django.template import Context
from django.urls import reverse, set_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from stetapp.markup import escaped, object_url


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "quotes \" and ' and <tags> & ampersands",
        mark_safe("<em>kept</em>"),
        gettext_lazy("Receipt"),
        7,
        None,
        "",
    ],
)
def test_escaped_is_conditional_escape(value):
    assert escaped(value) == conditional_escape(value)


@pytest.mark.parametrize("pk", [1, 42, 918_273_645, 10**12])
@pytest.mark.parametrize("name", ["participant_detail", "expense_receipt", "expense_decide"])
def test_object_url_is_reverse(name, pk):
    assert object_url(Context(), name, pk) == reverse(name, args=[pk])


def test_object_url_reverses_once_per_rendering():
    context = Context()
    object_url(context, "participant_detail", 1)
    # A later address in the same rendering is written from the kept parts.
    context.render_context["stetapp.markup.object_url:participant_detail"] = ("/x/", "/")
    assert object_url(context, "participant_detail", 5) == "/x/5/"
    assert object_url(Context(), "participant_detail", 5) == reverse("participant_detail", args=[5])


def test_object_url_keeps_the_script_prefix():
    try:
        set_script_prefix("/stet/")
        url = object_url(Context(), "participant_detail", 3)
        assert url.startswith("/stet/") and url == reverse("participant_detail", args=[3])
    finally:
        set_script_prefix("/")
