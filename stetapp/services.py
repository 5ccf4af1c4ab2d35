"""Write helpers every app's services may share (docs/decisions.md, decision 33).

`model_update` is the one "set these fields, full_clean, save(update_fields=…)" loop:
services that update an existing row with the fields a form validated call it with their
own field list (the same constant as the form's Meta.fields) instead of copying the loop.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class _Unset(enum.Enum):
    UNSET = "UNSET"


# The default of an update service's keyword arguments: "not given, leave as it is"
# (None is a value a field may be set to).
UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments a caller gave: `values` without those left UNSET. An update
    service with explicit keyword parameters passes this to model_update as `data`."""
    return {name: value for name, value in values.items() if value is not UNSET}


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], strip: bool = True
) -> tuple[M, bool]:
    """Set those of `fields` that `data` holds on `instance`, validate it (full_clean) and
    save only the fields whose value changed (save(update_fields=…)); returns the instance
    and whether anything changed. Text is stripped unless strip=False. Keys of `data` that
    are not in `fields` are ignored, so a form with more fields cannot widen a service.
    Many-to-many fields are not set here: the service sets them after the save. Raises
    ValidationError from full_clean; saves nothing then and leaves the instance as it was."""
    before: dict[str, Any] = {}
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if strip and isinstance(value, str):
            value = value.strip()
        if getattr(instance, name) != value:
            before[name] = getattr(instance, name)
            setattr(instance, name, value)
    changed = list(before)
    if not changed:
        return instance, False
    try:
        instance.full_clean()
    except Exception:
        for name, value in before.items():
            setattr(instance, name, value)
        raise
    update_fields = list(changed)
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return instance, True


__all__ = ["UNSET", "Unset", "given", "model_update"]
