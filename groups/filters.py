import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from stetapp.forms import LightSelect

from .communities import CodedCommunities, coded_by_list, coding_organisation, typed_as
from .models import City, Composition, Group, GroupStatus, Organisation
from .selectors import visible_groups


class GroupFilter(django_filters.FilterSet):
    """Filters for the group list. Choices are limited to what the user can see."""

    # The choices are (pk, name) pairs read in __init__, not model objects: a drop-down
    # shows names only, and making a model object of each row cost more than the query.
    city = django_filters.ChoiceFilter(
        label=_("city"), choices=[], empty_label=_("All"), widget=LightSelect
    )
    organisation = django_filters.ChoiceFilter(
        label=_("organisation"), choices=[], empty_label=_("All"), widget=LightSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=GroupStatus.choices, empty_label=_("All"), widget=LightSelect
    )
    composition = django_filters.ChoiceFilter(
        label=_("composition"),
        choices=Composition.choices,
        empty_label=_("All"),
        widget=LightSelect,
    )
    # By coded community (groups/communities.py): the typed text is not a choice.
    community = django_filters.ChoiceFilter(
        label=_("community"),
        choices=[],
        empty_label=_("All"),
        widget=LightSelect,
        method="filter_community",
    )

    class Meta:
        model = Group
        fields = ["city", "organisation", "status", "composition", "community"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped by the user's group ids, like the list (groups/selectors.py).
        visible = visible_groups(user=user)
        self.filters["city"].extra["choices"] = list(
            City.objects.filter(pk__in=visible.values("city_id"))
            .order_by("name")
            .values_list("pk", "name")
        )
        self.filters["organisation"].extra["choices"] = list(
            Organisation.objects.filter(pk__in=visible.values("organisation_id"))
            .order_by("name")
            .values_list("pk", "name")
        )
        # The coding of the visible groups' communities: their organisation's list, or
        # the shared codes when they are of several organisations (groups/communities.py).
        # Keyed by `coding_organisation`: a pair per text for the organisations on the
        # defaults, however many groups they have (docs/decisions.md, decision 77).
        pairs = list(
            visible.order_by()
            .annotate(coding_organisation=coding_organisation())
            .values_list("coding_organisation", "community")
            .distinct()
        )
        self.coding: CodedCommunities = coded_by_list(key for key, _text in pairs)
        self._texts: dict[str, list[tuple[int | None, str]]] = {}
        for key, text in pairs:
            self._texts.setdefault(self.coding.code(key, text), []).append((key, text))
        self.filters["community"].extra["choices"] = [
            (code, capfirst(self.coding.label(code)))
            for code in sorted(self._texts, key=self.coding.sort_key)
        ]
        for name, choices in (
            ("status", GroupStatus.choices),
            ("composition", Composition.choices),
        ):
            self.filters[name].extra["choices"] = [(v, capfirst(label)) for v, label in choices]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_community(self, queryset, name, value):
        return queryset.filter(typed_as(self._texts.get(value, [])))

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set (the filter panel opens when any is)."""
        data = self.data or {}
        return sum(1 for name in self.filters if data.get(name))
