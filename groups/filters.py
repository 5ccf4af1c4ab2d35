import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from stetapp.forms import LightSelect, PkChoiceField

from .communities import CodedCommunities, typed_as
from .models import Composition, Group, GroupStatus
from .selectors import ListKeeping, community_texts, group_list_choices


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

    def __init__(self, *args, user, keeping: ListKeeping | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped by the user's groups, like the list; kept for a programme's scope
        # (groups/selectors.py, group_list_choices).
        self.user = user
        offered, self._texts, self.choices_kept = group_list_choices(user=user, keeping=keeping)
        # The coding of the visible groups' communities: their organisation's list, or
        # the shared codes when they are of several organisations (groups/communities.py).
        self.coding: CodedCommunities = offered.coding
        self.filters["community"].extra["choices"] = [
            (code, capfirst(self.coding.label(code))) for code in offered.codes
        ]
        for name, choices in (
            ("status", GroupStatus.choices),
            ("composition", Composition.choices),
        ):
            self.filters[name].extra["choices"] = [(v, capfirst(label)) for v, label in choices]
        # The form is made here, with the choices above. A national programme's thousand
        # organisations and hundreds of cities are offered without copying or
        # normalising them pair by pair (stetapp/forms.py).
        for name, rows in (("city", offered.cities), ("organisation", offered.organisations)):
            field = PkChoiceField(label=self.filters[name].label)
            field.offer(rows.copy)
            self.form.fields[name] = field
        for each in self.form.fields.values():
            each.widget.attrs["class"] = "form-select"

    def filter_community(self, queryset, name, value):
        return queryset.filter(typed_as(self.texts_of(value)))

    def texts_of(self, code: str) -> list[tuple[int | None, str]]:
        """The (coding organisation, typed text) pairs the user's groups code as
        `code`: what a community filter finds."""
        if self._texts is None:  # the choices came from the cache
            self._texts = community_texts(user=self.user, coding=self.coding)
        return self._texts.get(code, [])

    def understood(self) -> dict[str, str] | None:
        """The filters set, as the form understood them, when the request wrote each
        the way the form would (`?city=7`, not `?city=007`): what the page may keep
        its filter panel and its groups' order under, with as many versions as there
        are real views. None when the form refused a value or read one differently."""
        if not self.is_bound:
            return {}
        if not self.form.is_valid():
            return None
        data = self.data or {}
        understood = {}
        for name in self.filters:
            value = self.form.cleaned_data.get(name)
            if value in (None, ""):
                if data.get(name):
                    return None
                continue
            if str(data.get(name)) != str(value):
                return None
            understood[name] = str(value)
        return understood

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set (the filter panel opens when any is)."""
        data = self.data or {}
        return sum(1 for name in self.filters if data.get(name))
