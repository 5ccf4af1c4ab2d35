"""Pages of long sorted lists whose rows join other tables.

`Paginator` slices the list's query: `… JOIN … ORDER BY … LIMIT 50 OFFSET n`, and
PostgreSQL joins every row of the list before it sorts them to keep fifty. For a
coordinator's group list that is a national programme's 10,000 groups joined with their
organisation, city and venue for each page. `KeysFirstPaginator` finds the page's keys
by sorting only what the order needs and then reads those rows with their joins, in one
query (`WHERE pk IN (SELECT pk … ORDER BY … LIMIT 50 OFFSET n) ORDER BY …`;
docs/decisions.md, decision 79).

Where the list's keys in their order are known already (kept while the tables are
unchanged, decision 81), it is given them: its count is theirs, and a page reads its
fifty rows by their keys without sorting or counting the list.

Where the list's sections are known instead (the rows sharing a value of the first
column it is sorted by, one section after another, each with its number of rows, as
PostgreSQL keeps a programme's groups counted by city: decision 85), its count is
theirs, and a page sorts only the rows of the sections it falls in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class KeysFirstPaginator(Paginator):
    """A `Paginator` of a sorted queryset (the order must be total or the keys' order
    decides ties, as a slice would) that reads a page as its keys first."""

    object_list: QuerySet[Any]

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        keys: Sequence[int] | None = None,
        sections: "Sections | None" = None,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        # The list's keys in its order, when known: the same list, without its query.
        self.keys = keys
        self.sections = sections

    @cached_property
    def count(self) -> int:
        if self.keys is not None:
            return len(self.keys)
        if self.sections is not None:
            return sum(size for _values, size in self.sections.sizes)
        return super().count

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.keys is not None:
            return Page(self.object_list.filter(pk__in=self.keys[bottom:top]), number, self)
        rows = self.object_list
        if self.sections is not None:
            rows, bottom, top = self.sections.narrow(rows, bottom, top)
        keys = rows.values("pk")[bottom:top]
        return Page(self.object_list.filter(pk__in=keys), number, self)


@dataclass(frozen=True)
class Sections:
    """A sorted list as sections one after another: the rows whose `field` is one of a
    section's values, and how many there are, in the list's order."""

    field: str
    sizes: Sequence[tuple[Sequence[Any], int]]

    def narrow(self, rows: QuerySet[Any], bottom: int, top: int) -> tuple[QuerySet[Any], int, int]:
        """The rows of the sections that rows `bottom` to `top` of the list fall in, and
        where those rows lie among them."""
        values: list[Any] = []
        before = 0  # rows in the sections wholly before the page
        position = 0
        for section, size in self.sizes:
            end = position + size
            if end <= bottom:
                before = end
            elif position < top:
                values.extend(section)
            else:
                break
            position = end
        return rows.filter(**{f"{self.field}__in": values}), bottom - before, top - before
