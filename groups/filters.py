import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import City, Composition, Group, GroupStatus, Organisation


class GroupFilter(django_filters.FilterSet):
    """Filters for the group list. Choices are limited to what the user can see."""

    city = django_filters.ModelChoiceFilter(
        label=_("city"), queryset=City.objects.none(), empty_label=_("All")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("organisation"), queryset=Organisation.objects.none(), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=GroupStatus.choices, empty_label=_("All")
    )
    composition = django_filters.ChoiceFilter(
        label=_("composition"), choices=Composition.choices, empty_label=_("All")
    )
    community = django_filters.ChoiceFilter(label=_("community"), choices=[], empty_label=_("All"))

    class Meta:
        model = Group
        fields = ["city", "organisation", "status", "composition", "community"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Group.objects.visible_to(user)
        self.filters["city"].queryset = City.objects.filter(
            pk__in=visible.values("city_id")
        ).order_by("name")
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=visible.values("organisation_id")
        ).order_by("name")
        communities = visible.order_by("community").values_list("community", flat=True).distinct()
        self.filters["community"].extra["choices"] = [(c, c) for c in communities]
        for name, choices in (
            ("status", GroupStatus.choices),
            ("composition", Composition.choices),
        ):
            self.filters[name].extra["choices"] = [(v, capfirst(label)) for v, label in choices]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def active_count(self) -> int:
        """How many filters the visitor has set (the filter panel opens when any is)."""
        data = self.data or {}
        return sum(1 for name in self.filters if data.get(name))
