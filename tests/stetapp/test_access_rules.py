"""The corners of stetapp/access.py that the URL walk and the permission matrix do not reach.

`make test` keeps this module at 100 % line + branch coverage (tools/coverage_gate.py).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from groups.models import Organisation
from stetapp.access import (
    SIGNED_IN,
    STAFF,
    Rule,
    access,
    declared_rule,
    get_visible_or_404,
    require,
    user_roles,
)
from tests.factories import OrganisationFactory, UserFactory


def test_an_anonymous_user_holds_no_role():
    assert user_roles(AnonymousUser()) == frozenset()


def test_a_rule_reads_as_its_name():
    assert str(Rule("board only")) == "board only"


@pytest.mark.django_db
def test_a_staff_page_refuses_a_signed_in_user_without_the_staff_flag():
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=False)
    with pytest.raises(PermissionDenied):
        STAFF.check(request)


def test_an_htmx_request_after_the_session_ended_reloads_the_sign_in_page_whole():
    view = access(SIGNED_IN)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/fragment/")
    request.user = AnonymousUser()
    request.htmx = True
    response = view(request)
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith("?next=/fragment/")


def test_the_rule_of_a_class_based_view_is_found_on_its_class():
    class Page(View):
        access_rule = STAFF

    assert declared_rule(Page.as_view()) is STAFF


@pytest.mark.django_db
def test_a_write_without_a_writable_scope_is_refused():
    organisation = OrganisationFactory()
    user = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        get_visible_or_404(Organisation.objects, user=user, pk=organisation.pk, write=True)


def test_require_passes_a_true_condition_and_refuses_a_false_one():
    require(True)
    with pytest.raises(PermissionDenied):
        require(False)
