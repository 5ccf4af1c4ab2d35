"""The erasure of a person (AVG art. 17; docs/privacy.md, "Erasure"; decision 63).

`ErasureRequest` is the four-eyes workflow: a project lead records a request, a second
person approves it (privacy.erasure.may_approve), and the approval runs the erasure.
`Erasure` is the ledger: one row per erased participant, numbers and dates only, so that
`manage.py replay_erasures` can erase them again after a backup is restored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """One erased participant. Its negative number (`reference`) replaces the
    participant's number in the access log and the change history: the rows still say
    that they were about one person, not about whom."""

    participant_id = models.BigIntegerField(_("participant number"), unique=True)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    actor_id = models.BigIntegerField(_("by (account number)"), null=True, blank=True)
    request_id = models.BigIntegerField(_("request number"), null=True, blank=True)
    # A code ("request", "retention"), never free text: the ledger holds no personal data.
    reason = models.CharField(_("reason"), max_length=40)
    keep_scores = models.BooleanField(_("questionnaire scores kept"), default=False)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["erased_at", "pk"]

    def __str__(self):
        return f"erasure {self.pk}: participant {self.participant_id}"

    @property
    def reference(self) -> int:
        return -self.pk


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    LETTER = "letter", _("by letter")
    EMAIL = "email", _("by e-mail")
    REPRESENTATIVE = "representative", _("through a representative or family member")


class RequestScope(models.TextChoices):
    ALL = "all", _("everything about the person")
    KEEP_SCORES = (
        "keep_scores",
        _("everything about the person; questionnaire answers stay as anonymous scores"),
    )


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    CARRIED_OUT = "carried_out", _("approved and carried out")
    REJECTED = "rejected", _("rejected")


class ErasureRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RequestStatus.PENDING)


class ErasureRequest(models.Model):
    """A request to erase one participant, recorded by one person and decided by
    another. It holds no text: how it came in and its scope are choices."""

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("participant"),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    channel = models.CharField(_("how it came in"), max_length=16, choices=RequestChannel.choices)
    scope = models.CharField(_("scope"), max_length=12, choices=RequestScope.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    requested_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["received_on", "pk"]
        constraints = [
            # A request sent twice, or by two leads at once, is one request.
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(status="pending"),
                name="erasure_request_one_pending",
            )
        ]

    def __str__(self):
        return f"erasure request {self.pk}: participant {self.participant_id}"

    @property
    def keep_scores(self) -> bool:
        return self.scope == RequestScope.KEEP_SCORES
