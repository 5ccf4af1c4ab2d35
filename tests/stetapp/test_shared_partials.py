"""List pages draw their filter panel and pagination, and import pages their upload form,
with one partial each (templates/partials/filter_panel.html, pagination.html,
import_upload.html): a copy in a page would drift."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(
    ("marker", "partial"),
    [
        ('class="pagination', "partials/pagination.html"),
        ("filter-panel", "partials/filter_panel.html"),
        ("errorlist-rows", "partials/import_upload.html"),
    ],
)
def test_only_the_partial_draws_it(marker, partial):
    copies = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if marker in path.read_text(encoding="utf-8")
    )
    assert copies == [partial]


def test_every_paginated_list_uses_both_partials():
    lists = [
        path
        for path in TEMPLATES.rglob("*_list.html")
        if "page.paginator" in path.read_text(encoding="utf-8")
        or "partials/pagination.html" in path.read_text(encoding="utf-8")
    ]
    assert len(lists) >= 5
    for path in lists:
        text = path.read_text(encoding="utf-8")
        assert '{% include "partials/pagination.html" %}' in text, path.name
        assert '"partials/filter_panel.html"' in text, path.name
