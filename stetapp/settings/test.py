"""Test settings: fast hashing, e-mails in memory, a private cache per process."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STETAPP_MFA_REQUIRED_ROLES = []
STETAPP_MFA_REQUIRED_FOR_STAFF = False
# Tests change data and look at the dashboard again at once; the cache is tested on its
# own (tests/reporting/test_dashboard_scale.py).
STETAPP_DASHBOARD_CACHE_SECONDS = 0
# Likewise the report page's body: a test that changes a row it wrote in the same
# transaction leaves the row's version as it was (tests/reporting/test_report_page.py
# turns it on and writes in savepoints, as requests do).
STETAPP_REPORT_PAGE_CACHE_SECONDS = 0

# On SQLite the test database is a file (ignored by git), not memory, so that pytest's
# --reuse-db (in pyproject.toml) keeps it between runs instead of migrating afresh each
# time; `--create-db` rebuilds it (after switching to a branch with other migrations).
# PostgreSQL keeps Django's own test database (test_<name>).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405

# Receipts uploaded by tests go to a throw-away folder.
import tempfile  # noqa: E402

STETAPP_PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="stetapp-private-")

# Background tasks run at once; tests of the queue switch to the database backend.
TASKS["default"]["BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"  # noqa: F405

# The permission matrix and the export tests download far more than a person would in a
# minute; tests/stetapp/test_download_limits.py sets the real limit itself.
STETAPP_DOWNLOAD_LIMIT = 0
