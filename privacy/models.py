"""The two append-only logs of issue 11: the change history of personal data and the
access log of reads (docs/privacy.md). Rows are only ever inserted: the application has no
code path that changes or deletes them except the erasure of one person (decision 52),
and on PostgreSQL a trigger refuses UPDATE and DELETE outside that path (migration 0003).

Neither log refers to users or participants by foreign key: a log row outlives the
account and the record it mentions, and a foreign key would make the database update the
row (SET NULL) or delete it (CASCADE) when they go.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("changed")
    DELETED = "deleted", _("deleted")


class Change(models.Model):
    """One create, update or delete of a record that holds personal data.

    `fields` maps each field that changed to `[old, new]`; a special-category field (see
    privacy.register) maps to None: the history says that it changed, never what it said.
    For a many-to-many link, the value lists the ids added (`+`) or removed (`-`)."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor_id = models.BigIntegerField(_("by (account number)"), null=True, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    model = models.CharField(_("record type"), max_length=64)
    object_id = models.CharField(_("record number"), max_length=64)
    participant_id = models.BigIntegerField(_("participant number"), null=True, blank=True)
    action = models.CharField(_("what"), max_length=8, choices=ChangeAction.choices)
    fields = models.JSONField(_("fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(fields=["participant_id", "-at"], name="change_participant_at"),
            models.Index(fields=["model", "object_id"], name="change_record"),
            models.Index(fields=["actor_id", "-at"], name="change_actor_at"),
        ]

    def __str__(self):
        return f"{self.model} {self.object_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    EXPORT = "export", _("exported")
    PDF = "pdf", _("PDF")
    PRINT = "print", _("printed")
    REFUSED = "refused", _("refused")
    LOG = "log", _("read the logs")


class Access(models.Model):
    """One participant's data shown (or refused) in one request: a page listing fifteen
    people writes fifteen rows, in one INSERT. A refused request, or reading the logs,
    writes one row without a participant."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor_id = models.BigIntegerField(_("by (account number)"), null=True, blank=True)
    roles = models.CharField(_("roles"), max_length=200, blank=True)
    scope = models.CharField(_("scope"), max_length=500, blank=True)
    action = models.CharField(_("what"), max_length=8, choices=AccessAction.choices)
    view = models.CharField(_("page"), max_length=100, blank=True)
    target = models.CharField(_("record"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(_("answer"), default=200)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    participant_id = models.BigIntegerField(_("participant number"), null=True, blank=True)

    class Meta:
        verbose_name = _("access")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["participant_id", "-at"], name="access_participant_at"),
            models.Index(fields=["actor_id", "-at"], name="access_actor_at"),
            models.Index(fields=["-at"], name="access_at"),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.action} {self.view} {self.at:%Y-%m-%d %H:%M}"


# The erasure's ledger and requests live in their own module (decision 63).
from .models_erasure import Erasure, ErasureRequest  # noqa: E402

# An organisation's retention periods live in their own module (decision 64).
from .models_retention import RetentionPolicy  # noqa: E402

__all__ = [
    "Access",
    "AccessAction",
    "Change",
    "ChangeAction",
    "Erasure",
    "ErasureRequest",
    "RetentionPolicy",
]
