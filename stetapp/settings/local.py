"""Development and demo: SQLite by default, debug on, e-mails to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-key-not-for-production")

# Background tasks run at once, inside the request (set STETAPP_TASKS_IMMEDIATE=false and
# run `python manage.py db_worker` to try the real queue).
if env.bool("STETAPP_TASKS_IMMEDIATE", default=True):
    TASKS["default"]["BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"  # noqa: F405
