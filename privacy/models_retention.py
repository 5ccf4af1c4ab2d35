"""An organisation's own retention periods (docs/privacy.md, "Retention"; decision 64).

A blank period means the default of privacy.retention.DEFAULT_MONTHS: an organisation
that never opens the form keeps the defaults, and a default changed later reaches it.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# At least a month, at most ten years: a typo of 0 or 999 months is refused.
MONTHS = [MinValueValidator(1), MaxValueValidator(120)]


def _months(label, help_text):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=MONTHS, help_text=help_text
    )


class RetentionPolicy(models.Model):
    organisation = models.OneToOneField(
        "groups.Organisation",
        on_delete=models.CASCADE,
        related_name="retention_policy",
        verbose_name=_("organisation"),
    )
    left_months = _months(
        _("people who left, in months"),
        _("Counted from leaving, or from the end of the last grant period that counts them."),
    )
    never_joined_months = _months(
        _("people who never joined, in months"), _("Counted from the last contact.")
    )
    intake_months = _months(
        _("intake notes of people who never joined, in months"),
        _("Counted from the intake conversation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention periods")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return f"{self._meta.verbose_name} · {self.organisation_id}"
