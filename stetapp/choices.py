"""A choice's label, looked up instead of rebuilt: `get_FOO_display()` on every model.

Django's generated `get_FOO_display()` rebuilds a dictionary of all the field's choices
on every call, and hashing each translated label means translating it: a list row that
shows a status and a category translates every status and every category label once
per row (about an eighth of the expense list's time, docs/benchmark-log.md).
`install_choice_labels()` puts a method in its place that keeps the dictionary per
field, with the labels still lazy, so a call translates only the one label it returns.
What it returns is what Django's method returns (tests/stetapp/test_choices.py compares
every field with choices, in Dutch and English); a method a model defines itself is
left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_DJANGO_DISPLAY = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def _labels(field: models.Field) -> dict[Any, Any]:
    labels: dict[Any, Any] | None = field.__dict__.get("_stetapp_labels")
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        field.__dict__["_stetapp_labels"] = labels
    return labels


def _display(self: models.Model, *, field: models.Field) -> Any:
    value = getattr(self, field.attname)
    try:
        label = _labels(field).get(value, value)
    except TypeError:  # an unhashable value (a list): Django's own way
        return _DJANGO_DISPLAY(self, field)
    return force_str(label, strings_only=True)


def install_choice_labels(model_classes: Iterable[type[models.Model]] | None = None) -> None:
    """Replace the generated `get_FOO_display` of every field with fixed choices, in
    `model_classes` or else in every installed model."""
    if model_classes is None:
        model_classes = apps.get_models(include_auto_created=True)
    for model in model_classes:
        for field in model._meta.get_fields(include_parents=False):
            if not isinstance(field, models.Field) or not field.choices:
                continue
            if isinstance(field.choices, CallableChoiceIterator):
                continue  # choices worked out per call: keep Django's way
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is _DJANGO_DISPLAY:
                setattr(model, name, partialmethod(_display, field=field))
