"""The participants' section of the group page (composed in `pages/`): the group's size
and, for its keepers, its make-up. Counts and charts only, never a name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from groups.access import GROUP_KEEPERS, GROUP_WORKERS
from groups.models import Group
from stetapp.charts import Chart, bar_chart

from . import selectors


def _composition_charts(composition: selectors.Composition) -> list[Chart]:
    return [
        bar_chart(chart_id=f"composition-{key}", title=title, items=items)
        for key, title, items in (
            ("gender", _("Gender"), composition.by_gender),
            ("age", _("Age"), composition.by_age),
            ("community", _("Community"), composition.by_community),
            ("language", _("Preferred language"), composition.by_language),
        )
        if items
    ]


def people_section(*, group: Group, standing: frozenset[str]) -> dict[str, Any]:
    """The group's size against the 12–15 guidance with its warnings; the make-up by
    gender, age, background and language for the lead and the group's facilitators only
    (for volunteers and coordinators a breakdown of one small group could single someone
    out); whether the user may export the list and see the recruitment funnel."""
    composition = None
    if standing & GROUP_KEEPERS:
        composition = selectors.group_composition(group=group)
        size = composition.size
        warnings = composition.warnings
    else:
        size = selectors.group_size(group=group)
        warnings = selectors.size_warnings(size)
    return {
        "size": size,
        "size_min": selectors.GROUP_SIZE_MIN,
        "size_max": selectors.GROUP_SIZE_MAX,
        "composition_warnings": warnings,
        "composition_charts": _composition_charts(composition) if composition else None,
        "can_export": bool(standing & GROUP_WORKERS),
        "can_see_funnel": bool(standing & selectors.FUNNEL_READERS),
    }
