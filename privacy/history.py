"""The change history of personal data (issue 11, item 1; decision 52).

Every create, update and delete of a record in `TRACKED` leaves a `privacy.models.Change`
row in the same transaction: who (the signed-in user of the request, or `acting_as` in a
task or command), when, which record, which fields, old and new values. A field that the
register (privacy.register) marks as special-category data or as a secret keeps no value:
its history says only that it changed.

No ORM write path escapes:

- `Model.save()`, `create()`, `get_or_create()`, `update_or_create()`: post_save, compared
  with the values the instance was loaded with (post_init keeps them; no extra query);
- `Model.delete()`, `QuerySet.delete()` and cascades: post_delete (Django's collector
  sends it per row because a receiver listens);
- `QuerySet.update()`, `bulk_create()`, `bulk_update()`: `HistoryQuerySet`, which every
  tracked model's manager is built on (tests/privacy/test_history.py checks that);
- many-to-many links (meeting and idea organisers, a volunteer's groups): m2m_changed;
- what Django's collector writes without a signal when a record is deleted — its link
  rows and the `on_delete=SET_NULL` references to it: pre_delete, before they change.

What it costs: one INSERT per write (a bulk write: one SELECT before, one after, one
INSERT), never one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete

from stetapp.logs import current_request, get_request_id

from .models import Change, ChangeAction
from .register import masked_fields

# The records whose writes are kept, and the attribute that says whose (participant) data
# a row is (None: not one participant's record).
TRACKED: dict[str, str | None] = {
    "participants.Participant": "pk",
    "participants.Consent": "participant_id",
    "participants.Intake": "participant_id",
    "participants.Enrolment": "participant_id",
    "meetings.Attendance": "participant_id",
    "meetings.FollowUpCall": "participant_id",
    "meetings.Meeting": None,
    "meetings.Idea": "proposed_by_id",
    "reporting.Story": "storyteller_id",
    "reporting.Administration": "participant_id",
    "reporting.Observation": None,
    "funding.Volunteer": None,
    "funding.VolunteerHours": None,
    "funding.AllowancePayment": None,
    "funding.Expense": None,
    "groups.Membership": None,
    "stetapp.User": None,
}

# Bookkeeping that changes with every write and tells nothing about the person.
UNTRACKED_FIELDS = frozenset({"version", "updated_at", "marked_at"})

_SNAPSHOT = "_history_loaded"
_actor: ContextVar[int | None] = ContextVar("privacy_actor", default=None)


def is_tracked(model: type[models.Model]) -> bool:
    return model._meta.label in TRACKED


def tracked_models() -> Iterator[type[models.Model]]:
    for label in TRACKED:
        yield apps.get_model(label)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the writes inside to `user` (a task, a command, a scheduled job)."""
    token = _actor.set(getattr(user, "pk", user))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor_id() -> int | None:
    forced = _actor.get()
    if forced is not None:
        return forced
    user = getattr(current_request(), "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


# --- values ----------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A stored value as JSON: dates as ISO text, amounts as text, files by name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return str(value)


@cache
def _columns(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The model's kept columns: worked out once per model, because `_loaded` runs for
    every tracked row any page loads."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in UNTRACKED_FIELDS
    )


@cache
def _column_names(model: type[models.Model]) -> frozenset[str]:
    return frozenset(f.attname for f in _columns(model))


def _loaded(instance: models.Model) -> dict[str, Any]:
    values = instance.__dict__
    return {name: values[name] for name in values.keys() & _column_names(type(instance))}


def _participant_of(model: type[models.Model], values: dict[str, Any], pk: Any) -> int | None:
    attribute = TRACKED[model._meta.label]
    if attribute is None:
        return None
    if attribute == "pk":
        return pk
    return values.get(attribute)


def _entry(
    model: type[models.Model],
    *,
    pk: Any,
    action: str,
    fields: dict[str, Any],
    participant_id: int | None,
) -> Change:
    return Change(
        actor_id=current_actor_id(),
        request_id=get_request_id() or "",
        model=model._meta.label,
        object_id=str(pk),
        participant_id=participant_id,
        action=action,
        fields=fields,
    )


def _diff(
    model: type[models.Model], before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    masked = masked_fields(model)
    changed: dict[str, Any] = {}
    for field in _columns(model):
        if field.attname not in after or field.attname not in before:
            continue
        old, new = jsonable(before[field.attname]), jsonable(after[field.attname])
        if old != new:
            changed[field.name] = None if field.name in masked else [old, new]
    return changed


def _as_created(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    masked = masked_fields(model)
    fields: dict[str, Any] = {}
    for field in _columns(model):
        value = jsonable(values.get(field.attname))
        if value in (None, "", [], {}):
            continue
        fields[field.name] = None if field.name in masked else [None, value]
    return fields


def _as_deleted(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: None if pair is None else [pair[1], None]
        for name, pair in _as_created(model, values).items()
    }


def _save(entries: Sequence[Change], using: str | None) -> None:
    if entries:
        Change.objects.using(using or "default").bulk_create(entries)


# --- signal receivers ------------------------------------------------------------------


def _remember_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance.__dict__[_SNAPSHOT] = _loaded(instance)


def _record_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    raw: bool = False,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    if raw:
        return
    after = _loaded(instance)
    if created:
        fields = _as_created(sender, after)
        action = ChangeAction.CREATED
    else:
        fields = _diff(sender, instance.__dict__.get(_SNAPSHOT, {}), after)
        action = ChangeAction.UPDATED
    instance.__dict__[_SNAPSHOT] = after
    if fields:
        participant = _participant_of(sender, after, instance.pk)
        _save(
            [
                _entry(
                    sender, pk=instance.pk, action=action, fields=fields, participant_id=participant
                )
            ],
            using,
        )


def _record_delete(
    sender: type[models.Model], instance: models.Model, using: str | None = None, **kwargs: Any
) -> None:
    values = instance.__dict__.get(_SNAPSHOT) or _loaded(instance)
    participant = _participant_of(sender, values, instance.pk)
    _save(
        [
            _entry(
                sender,
                pk=instance.pk,
                action=ChangeAction.DELETED,
                fields=_as_deleted(sender, values),
                participant_id=participant,
            )
        ],
        using,
    )


def _order(pk: Any) -> tuple[int, Any]:
    """A key that sorts numbers as numbers and anything else as text, after them."""
    return (0, pk) if isinstance(pk, int) else (1, str(pk))


def _record_links(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    model: type[models.Model],
    pk_set: set[Any] | None,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    """A many-to-many link added or removed: one row per linked record, on the side that
    declares the field; a link to a participant is filed under that participant."""
    if action == "pre_clear":
        field = _link_field(sender)
        owner_column = field.m2m_column_name() if not reverse else field.m2m_reverse_name()
        other_column = field.m2m_reverse_name() if not reverse else field.m2m_column_name()
        instance.__dict__[f"_history_clear_{sender._meta.label}"] = set(
            sender._default_manager.using(using)
            .filter(**{owner_column: instance.pk})
            .values_list(other_column, flat=True)
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop(f"_history_clear_{sender._meta.label}", set())
    if not pk_set:
        return
    field = _link_field(sender)
    pairs = [(other, instance.pk) if reverse else (instance.pk, other) for other in pk_set]
    _save(_link_entries(field, pairs, "+" if action == "post_add" else "-"), using)


def _link_entries(
    field: models.ManyToManyField, pairs: Iterable[tuple[Any, Any]], sign: str
) -> list[Change]:
    """One history row per (owner, linked record) pair, on the side that declares the
    field; a link to a participant is filed under that participant."""
    owner_model = field.model
    participant_side = getattr(field.related_model, "_meta", None)
    entries = []
    # In number order (9 before 10), whatever order the set gives them in.
    for owner_pk, target_pk in sorted(pairs, key=lambda p: (_order(p[0]), _order(p[1]))):
        participant = (
            target_pk
            if participant_side and participant_side.label == "participants.Participant"
            else _participant_of(owner_model, {}, owner_pk)
        )
        entries.append(
            _entry(
                owner_model,
                pk=owner_pk,
                action=ChangeAction.UPDATED,
                fields={field.name: {sign: [target_pk]}},
                participant_id=participant,
            )
        )
    return entries


def _record_links_cascade(
    sender: type[models.Model], instance: models.Model, using: str | None = None, **kwargs: Any
) -> None:
    """A record on either side of a tracked link is being deleted: Django's collector
    deletes the link rows without any signal (they are auto-created models), so their
    removal is recorded here, before they go. One query per deleted record."""
    for through, column in _CASCADES.get(sender, ()):
        field = _link_field(through)
        pairs = (
            through._base_manager.using(using)
            .filter(**{column: instance.pk})
            .values_list(field.m2m_column_name(), field.m2m_reverse_name())
        )
        _save(_link_entries(field, pairs, "-"), using)


def _record_nulled(
    sender: type[models.Model], instance: models.Model, using: str | None = None, **kwargs: Any
) -> None:
    """A record that tracked records point at with `on_delete=SET_NULL` is being deleted:
    Django's collector empties those links with a bare UPDATE (no signal, no queryset), so
    the change is recorded here, before. One query per such link of the deleted record."""
    for link in _NULLED.get(sender, ()):
        model = link.model
        attribute = TRACKED[model._meta.label]
        names = ["pk"] + ([attribute] if attribute not in (None, "pk") else [])
        rows = model._base_manager.using(using).filter(**{link.attname: instance.pk})
        masked = link.name in masked_fields(model)
        _save(
            [
                _entry(
                    model,
                    pk=row["pk"],
                    action=ChangeAction.UPDATED,
                    fields={link.name: None if masked else [jsonable(instance.pk), None]},
                    participant_id=_participant_of(model, row, row["pk"]),
                )
                for row in rows.values(*names)
            ],
            using,
        )


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a stored field")
    return field.attname


def _link_field(through: type[models.Model]) -> models.ManyToManyField:
    return _LINKS[through]


_LINKS: dict[type[models.Model], models.ManyToManyField] = {}
# For a model on either side of a tracked link: the link tables, and the column of each
# that points at it.
_CASCADES: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {}
# For a model that tracked records point at with on_delete=SET_NULL: those links.
_NULLED: dict[type[models.Model], list[models.ForeignKey]] = {}


def connect() -> None:
    """Connect the receivers for every tracked model (privacy.apps.PrivacyConfig.ready)."""
    _NULLED.clear()
    _CASCADES.clear()
    for model in tracked_models():
        uid = f"privacy-history-{model._meta.label}"
        post_init.connect(_remember_loaded, sender=model, dispatch_uid=uid)
        post_save.connect(_record_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_delete, sender=model, dispatch_uid=uid)
        for link in model._meta.concrete_fields:
            if (
                isinstance(link, models.ForeignKey)
                and link.remote_field.on_delete is models.SET_NULL
                and isinstance(link.related_model, type)
            ):
                target = link.related_model
                _NULLED.setdefault(target, []).append(link)
                pre_delete.connect(
                    _record_nulled, sender=target, dispatch_uid=f"privacy-nulled-{target}"
                )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not isinstance(through, type):
                continue
            _LINKS[through] = field
            m2m_changed.connect(_record_links, sender=through, dispatch_uid=f"{uid}-{field.name}")
            for side, column in (
                (field.model, field.m2m_column_name()),
                (field.related_model, field.m2m_reverse_name()),
            ):
                if not isinstance(side, type):
                    continue
                _CASCADES.setdefault(side, []).append((through, column))
                pre_delete.connect(
                    _record_links_cascade, sender=side, dispatch_uid=f"privacy-links-{side}"
                )


# --- bulk writes -----------------------------------------------------------------------


class HistoryQuerySet(models.QuerySet):
    """The queryset of every tracked model: `update()`, `bulk_create()` and
    `bulk_update()` record their changes like a save does."""

    def update(self, **kwargs: Any) -> int:
        if not is_tracked(self.model):
            return super().update(**kwargs)
        model = self.model
        names = _attnames(model, kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            before = {row["pk"]: row for row in self.values("pk", *names)}
            count = super().update(**kwargs)
            if before:
                after = model._base_manager.using(self.db).filter(pk__in=list(before))
                _save(
                    _updates(model, before, {r["pk"]: r for r in after.values("pk", *names)}),
                    self.db,
                )
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        fields = list(fields)
        if not is_tracked(self.model) or not objs:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        model = self.model
        names = _attnames(model, dict.fromkeys(fields))
        with transaction.atomic(using=self.db, savepoint=False):
            pks = [obj.pk for obj in objs]
            before = {
                row["pk"]: row
                for row in model._base_manager.using(self.db)
                .filter(pk__in=pks)
                .values("pk", *names)
            }
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            after = {obj.pk: {"pk": obj.pk, **_loaded(obj)} for obj in objs}
            _save(_updates(model, before, after), self.db)
        return count

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        if not is_tracked(self.model) or not objs:
            return super().bulk_create(objs, *args, **kwargs)
        model = self.model
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if kwargs.get("update_conflicts"):
                raise NotImplementedError("update_conflicts is not recorded in the history")
            rows: list[Any] = [obj for obj in created if obj.pk is not None]
            if len(rows) < len(created):
                rows += _found_after_ignore(model, [o for o in created if o.pk is None], self.db)
            entries = []
            for obj in rows:
                values = _loaded(obj)
                obj.__dict__[_SNAPSHOT] = values
                entries.append(
                    _entry(
                        model,
                        pk=obj.pk,
                        action=ChangeAction.CREATED,
                        fields=_as_created(model, values),
                        participant_id=_participant_of(model, values, obj.pk),
                    )
                )
            _save(entries, self.db)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


def _attnames(model: type[models.Model], names: dict[str, Any]) -> list[str]:
    attnames = {_attname(model, name) for name in names}
    attribute = TRACKED[model._meta.label]
    if attribute and attribute != "pk":
        attnames.add(attribute)
    return sorted(attnames)


def _updates(
    model: type[models.Model], before: dict[Any, dict[str, Any]], after: dict[Any, dict[str, Any]]
) -> list[Change]:
    entries = []
    for pk, old in before.items():
        new = after.get(pk)
        if new is None:
            continue
        fields = _diff(model, old, new)
        if fields:
            entries.append(
                _entry(
                    model,
                    pk=pk,
                    action=ChangeAction.UPDATED,
                    fields=fields,
                    participant_id=_participant_of(model, new, pk),
                )
            )
    return entries


def _found_after_ignore(
    model: type[models.Model], objs: list[models.Model], using: str | None
) -> list[models.Model]:
    """After `bulk_create(ignore_conflicts=True)` the database returns no ids. The rows
    inserted are the ones that now hold exactly the values we sent (a row that was there
    before differs at least in when it was marked); the others were not created, and the
    history does not claim they were."""
    columns = [f for f in _columns(model) if f.attname in objs[0].__dict__]
    wanted = {tuple(jsonable(obj.__dict__[f.attname]) for f in columns): obj for obj in objs}
    key = _unique_fields(model)
    lookup = {f"{name}__in": {getattr(obj, name) for obj in objs} for name in key}
    found = []
    rows = model._base_manager.using(using).filter(**lookup)
    for row in rows.values("pk", *[f.attname for f in columns]):
        signature = tuple(jsonable(row[f.attname]) for f in columns)
        obj = wanted.get(signature)
        if obj is not None:
            obj.pk = row["pk"]
            found.append(obj)
    return found


def _unique_fields(model: type[models.Model]) -> list[str]:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            return [_attname(model, name) for name in constraint.fields]
    raise NotImplementedError(f"{model._meta.label}: ignore_conflicts needs a unique constraint")
