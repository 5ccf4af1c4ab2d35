"""tests/template_coverage.py: what counts as a rendered template (docs/decisions.md 49)."""

from django.template import engines

from tests import template_coverage


def test_an_included_project_template_is_recorded_and_a_string_template_is_not():
    template_coverage._rendered.discard("partials/pagination.html")
    template = engines["django"].from_string(
        '{% include "partials/pagination.html" %}<!-- from a string -->'
    )
    template.render({})
    assert "partials/pagination.html" in template_coverage._rendered
    assert not any("unknown" in name for name in template_coverage._rendered)


def test_a_library_template_is_not_recorded():
    before = set(template_coverage._rendered)
    engines["django"].get_template("account/messages/logged_out.txt").render({})  # allauth's
    assert template_coverage._rendered == before


def test_the_exemptions_name_existing_files_with_a_reason():
    files = template_coverage.template_files()
    assert "base.html" in files
    for name, reason in template_coverage.EXEMPT.items():
        assert name in files
        assert reason.strip()
