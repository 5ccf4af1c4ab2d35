"""Error pages show no data and no stack trace (T19)."""

import re

import pytest
from django.test import Client
from django.urls import reverse


def _without_tokens(response) -> str:
    """The page without its CSRF token and the requested path (the language form's
    `next`), which differ between any two requests."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'name="next" value="[^"]+"', "", body)


@pytest.mark.allow_server_error
@pytest.mark.urls("tests.stetapp.urls_boom")
def test_500_page_is_generic(world, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["lead_a"])
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "secret-canary-participant-name" not in body
    assert "Traceback" not in body
    assert world.users["lead_a"].email not in body
    assert "Something went wrong" in body or "Er ging iets mis" in body


def test_missing_and_forbidden_objects_look_the_same(world):
    client = world.client_for("facilitator_b1")
    forbidden = client.get(reverse("group_detail", kwargs={"pk": world.group_a1.pk}))
    missing = client.get(reverse("group_detail", kwargs={"pk": 999999}))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_tokens(forbidden) == _without_tokens(missing)
    assert "Group A1" not in forbidden.content.decode()


def test_404_page_uses_the_site_layout_and_no_data(world):
    response = world.client_for("lead_a").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_403_page_is_friendly(world):
    response = world.client_for("funder").get(reverse("group_list"))
    assert response.status_code == 403
    assert "You may not do this" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("nl", "Deze pagina is verlopen"), ("en", "This page has expired")]
)
def test_a_refused_security_token_says_so_and_marks_the_answer(world, language, title):
    # A sync or a form sent with a token that no longer holds: the user reads what
    # happened in their language, and a script tells it apart from a refusal by role.
    user = world.users["facilitator_a1"]
    user.language = language
    user.save(update_fields=["language"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("home"))  # the user's language takes effect on their first request
    url = reverse("attendance_sync", args=[world.meeting_a1.pk])
    refused = client.post(url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN="x" * 64)
    assert refused.status_code == 403
    assert refused["X-CSRF-Failure"] == "1"
    body = refused.content.decode()
    assert title in body
    assert "CSRF" not in body and "Traceback" not in body
    by_role = world.client_for("funder").get(reverse("group_list"))
    assert by_role.status_code == 403
    assert not by_role.has_header("X-CSRF-Failure")
