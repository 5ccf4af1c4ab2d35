"""The periodic jobs of the project core (stetapp/scheduler.py runs them).

Later jobs (reminders, retention) go in the `jobs.py` of their own app, registered the
same way; the scheduler finds every app's `jobs.py`.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from .scheduler import job


@job("clear-sessions", every=timedelta(hours=1))
def clear_sessions() -> None:
    """Delete expired sessions (Django keeps them until someone does)."""
    call_command("clearsessions", verbosity=0)


@job("prune-task-results", every=timedelta(days=1))
def prune_task_results() -> None:
    """Delete finished background-task results older than STETAPP_TASK_RESULTS_KEEP_DAYS
    (django-tasks-db keeps them forever). Nothing to do when tasks run at once."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    if not isinstance(task_backends["default"], DatabaseBackend):
        return
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=settings.STETAPP_TASK_RESULTS_KEEP_DAYS,
        verbosity=0,
    )


@job("prune-submission-tokens", every=timedelta(days=1))
def prune_submission_tokens() -> None:
    """Delete one-time form tokens past their use (stetapp/submission.py keeps them for
    `KEEP`; it removes a user's old ones only when that user sends a form again)."""
    from .models import Submission
    from .submission import KEEP

    Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
