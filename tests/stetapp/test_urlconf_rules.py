"""Every view in the URLconf declares its access rule (architecture.md, access control)."""

from django.urls import get_resolver

from stetapp.access import declared_rule
from tests.helpers import all_patterns, walk


def test_every_view_declares_an_access_rule():
    undeclared = [
        f"{route} -> {pattern.callback.__module__}.{pattern.callback.__name__}"
        for route, pattern, namespace in walk(get_resolver().url_patterns)
        if declared_rule(pattern.callback, namespace) is None
    ]
    assert undeclared == []


def test_our_views_declare_rules_themselves():
    """Third-party module rules may not cover our own code."""
    ours = [
        (route, pattern)
        for route, pattern in all_patterns()
        if pattern.callback.__module__.split(".")[0]
        in {"stetapp", "groups", "funding", "participants", "meetings", "reporting", "pages"}
    ]
    assert len(ours) >= 15
    missing = [route for route, pattern in ours if not hasattr(pattern.callback, "access_rule")]
    assert missing == []


def test_an_undecorated_view_is_caught():
    def naked(request):  # pragma: no cover - never called
        return None

    naked.__module__ = "groups.views"
    assert declared_rule(naked) is None
