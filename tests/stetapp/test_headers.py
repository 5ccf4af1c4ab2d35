"""Security headers on every kind of page (T2, the parts that hold in any environment)."""

import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize("url_name", ["account_login", "home", "group_list"])
def test_security_headers(world, url_name):
    response = world.client_for("lead_a").get(reverse(url_name))
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(world):
    client = world.client_for("lead_a")
    for url in [
        reverse("home"),
        reverse("group_list"),
        reverse("account_login"),
        reverse("group_detail", kwargs={"pk": world.group_a1.pk}),
    ]:
        body = client.get(url).content.decode()
        assert "<script>" not in body
        assert "style=" not in body
        assert " on" + "click=" not in body
        for chunk in body.split("<script")[1:]:
            assert chunk.lstrip().startswith("src=")


def test_assets_are_served_locally(world):
    body = world.client_for("lead_a").get(reverse("home")).content.decode()
    assert "https://" not in body.split("<body")[0]
    # Every address the page loads or links is local. (Not a search of the whole page for
    # "cdn": the random CSRF token contains those letters now and then.)
    addresses = re.findall(r'\b(?:src|href|action)="([^"]*)"', body)
    assert addresses
    assert [a for a in addresses if "cdn" in a.lower() or "//" in a] == []
