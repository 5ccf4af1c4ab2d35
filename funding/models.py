"""Phase 1: funds (the grants, applications and budgets follow in the funding issue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Funds are a shared catalogue: every signed-in user may read them."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()

    def represented_by(self, user):
        """Funds on whose behalf the user reads reports (the funder role)."""
        from groups.models import Role

        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.FUNDER)


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]

    def __str__(self):
        return self.name
