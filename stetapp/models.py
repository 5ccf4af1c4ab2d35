"""The user model: people sign in with their e-mail address."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.history import HistoryQuerySet


class UserManager(BaseUserManager.from_queryset(HistoryQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    is_staff = models.BooleanField(
        _("site administrator"),
        default=False,
        help_text=_("May sign in to the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def invitation_pending(self) -> bool:
        """True until the person has set a password through their invitation link."""
        return not self.has_usable_password()


class Submission(models.Model):
    """A create form's one-time token, used once (stetapp/submission.py).

    The first request with a token inserts this row in the same transaction as the record
    it creates; a repeat (a double click, a resent form, a parallel request that waited on
    the unique index) finds the row and is sent to `url`, the page of what was created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The form's token together with a digest of the values sent (uuid5), never the values.
    token = models.UUIDField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_user_token_unique")
        ]

    def __str__(self):
        return str(self.token)


class ScheduledJob(models.Model):
    """The last run of one periodic job (stetapp/scheduler.py), shared by every scheduler.

    A scheduler claims a due job with one conditional UPDATE of `last_started_at`, so of
    several schedulers (or ticks) at the same moment exactly one runs it
    (docs/decisions.md, "One scheduler command, a row per job").
    """

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    # None until the first run has finished.
    last_succeeded = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
