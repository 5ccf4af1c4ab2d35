"""The import pages in the browser (issue 12, item 7): a coordinator imports
organisations; the pages, also with row errors shown, have nothing serious for axe at
phone and desktop size."""

import pytest
from django.urls import reverse

from groups.models import Organisation
from tests.e2e.helpers import SIZES, assert_clean, blocking_violations, sign_in, size_name

pytestmark = pytest.mark.e2e

GOOD = "naam;gemeente;kvk-nummer;schoolregio\nStichting Samen Den Haag;Den Haag;12345678;zuid\n"
BAD = GOOD + "Buurtwerk Bosch;Den Bosh;;\n"


def _upload(page, content: str) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": "organisaties.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("form:has(input[type=file]) button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", SIZES)
def test_coordinator_imports_organisations(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    coordinator = world.users["coordinator"]
    coordinator.language = "nl"
    coordinator.save(update_fields=["language"])
    sign_in(watched, coordinator.email)
    problems = []

    page.goto(watched.url("group_import"))
    problems += blocking_violations(page, "group import")

    page.goto(watched.url("organisation_list"))
    import_url = reverse("organisation_import", args=[world.programme.pk])
    page.locator(f'a[href="{import_url}"]').click()
    page.wait_for_url(watched.url("organisation_import", world.programme.pk))
    problems += blocking_violations(page, "organisation import")

    _upload(page, BAD)
    errors = page.locator(".errorlist-rows li").all_inner_texts()
    assert errors == ["regel 3: onbekende gemeente “Den Bosh”; bedoelde je: Den Bosch?"]
    problems += blocking_violations(page, "organisation import with errors")
    watched.screenshot(f"organisation-import-errors-{size}")
    assert not Organisation.objects.filter(name="Stichting Samen Den Haag").exists()

    _upload(page, GOOD)
    page.wait_for_url(watched.url("organisation_list"))
    assert "1 organisatie geïmporteerd." in page.content()
    assert world.programme.organisations.filter(name="Stichting Samen Den Haag").exists()
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)
