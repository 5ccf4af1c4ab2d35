"""stetapp/pagination.py: a page's keys first, then its rows with their joins."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Group
from tests.factories import GroupFactory, city

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    places = [city(code) for code in ("GM0599", "GM0518", "GM0344")]
    for n in range(23):
        # Names repeat across cities: the order needs the city's name, then the name.
        GroupFactory(name=f"Group {n % 8:02d}", city=places[n % 3])
    return Group.objects.select_related("organisation", "city", "venue").order_by(
        "city__name", "name", "pk"
    )


@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_is_the_page_a_slice_gives(groups, orphans):
    from stetapp.pagination import KeysFirstPaginator

    plain, keys_first = (
        Paginator(groups, 5, orphans=orphans),
        KeysFirstPaginator(groups, 5, orphans=orphans),
    )
    assert keys_first.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(keys_first.page(number)) == list(plain.page(number))
    # Out of range: the last page, as Paginator.get_page gives.
    assert list(keys_first.get_page(999)) == list(plain.get_page(999))


def test_a_page_is_one_query_that_sorts_keys_only(groups):
    from stetapp.pagination import KeysFirstPaginator

    page = KeysFirstPaginator(groups, 5).page(2)
    with CaptureQueriesContext(connection) as captured:
        rows = list(page)
    assert len(rows) == 5 and rows[0].city.name and rows[0].organisation.name
    (query,) = captured.captured_queries
    inner = query["sql"].split("IN (SELECT", 1)[1]
    assert "LIMIT 5" in inner and "OFFSET 5" in inner
    # The keys are sorted without the joins only the rows need.
    assert "groups_venue" not in inner and "groups_organisation" not in inner


@pytest.mark.parametrize("orphans", [0, 2])
def test_known_keys_give_the_same_pages_without_counting_or_sorting(groups, orphans):
    """Keys kept in their order (decision 81): the same pages and count, each page one
    query by its keys, with no count and no LIMIT over the list."""
    from stetapp.pagination import KeysFirstPaginator

    keys = list(groups.values_list("pk", flat=True))
    plain = Paginator(groups, 5, orphans=orphans)
    kept = KeysFirstPaginator(groups, 5, orphans=orphans, keys=keys)
    pages = plain.num_pages
    with CaptureQueriesContext(connection) as captured:
        assert kept.count == 23 and kept.num_pages == pages
    assert not captured.captured_queries
    for number in plain.page_range:
        expected = list(plain.page(number))
        with CaptureQueriesContext(connection) as captured:
            assert list(kept.page(number)) == expected
        (query,) = captured.captured_queries
        assert "LIMIT" not in query["sql"] and "COUNT" not in query["sql"]
    assert list(kept.get_page(999)) == list(plain.get_page(999))


@pytest.mark.parametrize("orphans", [0, 2])
@pytest.mark.parametrize("per_page", [2, 5, 8, 50])
def test_known_sections_give_the_same_pages_without_counting(groups, orphans, per_page):
    """Sections per city with their sizes (decision 85): the same pages and count, with
    no count of the list, each page sorting only the rows of the cities it shows."""
    from stetapp.pagination import KeysFirstPaginator, Sections

    sizes: dict[str, tuple[list[int], int]] = {}
    for row in groups:
        ids, size = sizes.get(row.city.name, ([], 0))
        sizes[row.city.name] = (sorted({*ids, row.city_id}), size + 1)
    sections = Sections(field="city_id", sizes=[sizes[name] for name in sorted(sizes)])
    plain = Paginator(groups, per_page, orphans=orphans)
    sectioned = KeysFirstPaginator(groups, per_page, orphans=orphans, sections=sections)
    with CaptureQueriesContext(connection) as captured:
        assert sectioned.count == 23 and sectioned.num_pages == plain.num_pages
    assert not captured.captured_queries
    for number in plain.page_range:
        expected = list(plain.page(number))
        with CaptureQueriesContext(connection) as captured:
            assert list(sectioned.page(number)) == expected
        (query,) = captured.captured_queries
        assert "COUNT" not in query["sql"]
        if not orphans:
            # Only the cities the page shows are sorted.
            bottom = (number - 1) * per_page
            narrowed, _bottom, _top = sections.narrow(groups, bottom, bottom + per_page)
            assert {row.city_id for row in narrowed} == {row.city_id for row in expected}
    assert list(sectioned.get_page(999)) == list(plain.get_page(999))
