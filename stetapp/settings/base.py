"""Settings shared by every environment.

Values that differ between machines come from the environment (django-environ); see
`.env.example` and docs/deployment.md. Environment modules (local, test, production)
import this one and change only what differs.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from ..logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "stetapp",
    "groups",
    "funding",
    "participants",
    "meetings",
    "reporting",
    "privacy",
    "synthetic",
]

MIDDLEWARE = [
    "stetapp.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stetapp.middleware.ScopeMemoMiddleware",
    "stetapp.middleware.SessionLifetimeMiddleware",
    "stetapp.middleware.UserLanguageMiddleware",
    "stetapp.middleware.RequireMFAMiddleware",
    "stetapp.middleware.NoStoreWhenSignedInMiddleware",
    "stetapp.middleware.RefusedRequestLogMiddleware",
    "privacy.access_log.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "stetapp.urls"
WSGI_APPLICATION = "stetapp.wsgi.application"
ASGI_APPLICATION = "stetapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stetapp.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL (production, CI) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL binds the parameters itself and a connection keeps a statement prepared
# from its second use: a page's queries are planned once per connection, not on every
# request (docs/decisions.md, decision 69). Switch off behind a pooler that cannot keep
# prepared statements (PgBouncer in transaction mode before 1.21).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "STETAPP_DB_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
# SQLite (the demo's and the default tests' database): a transaction takes the write lock
# when it begins and waits up to 20 s for another's. A deferred one that has read first
# fails at once ("database is locked") when another request writes at the same time:
# a phone syncing attendance taps beside the sheet's own saves (docs/decisions.md, 80).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "stetapp.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# Password-reset and invitation links stay valid for three days (Django's default, set
# here so it is visible); an invitation can be sent again from the people page.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- allauth -------------------------------------------------------------------------
ACCOUNT_ADAPTER = "stetapp.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Sign-in rate limits (allauth keeps the counters in the cache, so production needs a
# shared cache): 5 failed sign-ins per 5 minutes per account, 20 per minute per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
}

# --- second factor (issue 15, item 5; docs/deployment.md "Two-factor sign-in") -----------
# Passkeys (WebAuthn, through the `fido2` package) are the easy way; an authenticator app
# (TOTP) is the alternative; recovery codes are the way back in when both are lost.
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_TOTP_ISSUER = "stetapp"
# A passkey is the second step after the password (passkey-only sign-in stays off: the
# sign-in page and its rate limits are built around e-mail and password).
MFA_PASSKEY_LOGIN_ENABLED = False
# The phone or laptop must check it is its owner (fingerprint, face or PIN) when it can.
MFA_WEBAUTHN_USER_VERIFICATION = "preferred"
# Roles whose members must set up a second factor before using the application: the one
# setting per role (codes as in groups/roles.py). Off here (development); production sets
# its default in settings/production.py; the environment overrides both.
STETAPP_MFA_REQUIRED_ROLES = env.list("STETAPP_MFA_REQUIRED_ROLES", default=[])
STETAPP_MFA_REQUIRED_FOR_STAFF = env.bool("STETAPP_MFA_REQUIRED_FOR_STAFF", default=False)
# --- end of the second-factor block ------------------------------------------------------

# Behind a reverse proxy, how many proxies to trust for the client address that allauth's
# per-address rate limits use: the address that many entries from the right of
# X-Forwarded-For (entries further left are the client's own claim and are ignored).
# 0: use REMOTE_ADDR. Development has no proxy; production defaults to 1 (docs/deployment.md).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# A password reset asked for an address without an account sends nothing: allauth would
# otherwise mail "you have no account" to any address someone types in.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# --- sessions ------------------------------------------------------------------------
# 30 minutes idle, 12 hours in all (docs/deployment.md, sessions); enforced server-side by
# stetapp.middleware.SessionLifetimeMiddleware, the cookie age is the outer bound.
STETAPP_SESSION_IDLE_SECONDS = 30 * 60
STETAPP_SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_AGE = STETAPP_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "stetapp.views.csrf_failure"

# --- language and time ---------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# stetapp's named date formats on top of Django's (stetapp.dates): lower-case Dutch months.
FORMAT_MODULE_PATH = ["stetapp.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded receipts: never under a served directory; streamed after the access check.
STETAPP_PRIVATE_MEDIA_ROOT = env.path(
    "STETAPP_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media"
)
STETAPP_RECEIPT_MAX_BYTES = 5 * 1024 * 1024
# An image receipt is decoded in full to check it; larger photos are refused before that
# (a 50-megapixel photo takes about 150 MB of memory while it is checked).
STETAPP_RECEIPT_MAX_PIXELS = 50_000_000
# A personal calendar feed link works this many days after it was made or renewed.
STETAPP_CALENDAR_FEED_DAYS = 180
# The programme dashboard's figures are kept this many seconds per programme, filter and
# language (reporting/selectors_dashboard.py, cached_dashboard); 0 builds them each time.
# The coordinator's home overview and group list keep theirs at most as long, and on
# PostgreSQL only while the groups' tables are unchanged (docs/decisions.md, 81).
STETAPP_DASHBOARD_CACHE_SECONDS = 300
# The body of a grant's report page is kept this many seconds per grant, period,
# language and data fingerprint (reporting/report_page.py); 0 builds it each time.
STETAPP_REPORT_PAGE_CACHE_SECONDS = 300

# /readyz fails when the oldest task waiting in the queue has waited longer than this
# (the workers are behind or stopped; docs/deployment.md, "Health and readiness").
STETAPP_READYZ_MAX_TASK_AGE_SECONDS = env.int("STETAPP_READYZ_MAX_TASK_AGE_SECONDS", default=600)

# Expensive downloads (PDFs, workbooks, exports, report ZIPs, asking for a report batch):
# this many per user per window, all pages together (stetapp/limits.py); 0 switches the
# limit off. The counters live in the shared cache.
STETAPP_DOWNLOAD_LIMIT = env.int("STETAPP_DOWNLOAD_LIMIT", default=10)
STETAPP_DOWNLOAD_WINDOW_SECONDS = env.int("STETAPP_DOWNLOAD_WINDOW_SECONDS", default=60)

# The scheduler (`manage.py scheduler`, stetapp/jobs.py) deletes finished task results
# older than this many days.
STETAPP_TASK_RESULTS_KEEP_DAYS = env.int("STETAPP_TASK_RESULTS_KEEP_DAYS", default=14)

# --- forms ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Uploaded spreadsheets are read in memory; nothing larger than this is accepted.
STETAPP_IMPORT_MAX_BYTES = 5 * 1024 * 1024
STETAPP_IMPORT_MAX_ROWS = 5000
# Budgets checked before the work they bound (stetapp/tabular.py): columns per row, and
# what an .xlsx (a zip of XML) may unpack to.
STETAPP_IMPORT_MAX_COLUMNS = 100
STETAPP_IMPORT_MAX_UNPACKED_BYTES = 16 * 1024 * 1024

# --- e-mail --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="stetapp <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- cache ---------------------------------------------------------------------------
# Room for the programme dashboard kept in pages (reporting/selectors_dashboard.py: about
# 230 entries for one programme of 10,000 groups, per language and filter); Django's
# default of 300 entries would throw pages out while they are written.
CACHE_MAX_ENTRIES = 20_000
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
    }
}

# --- security headers ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# --- logging: no personal data, only what happened and where --------------------------
# One handler to stdout with the request id and the scrub filter (stetapp/logs.py); the
# security events of stetapp/security_log.py always pass. Production writes JSON lines.
LOGGING = logging_config(json_lines=False, level="WARNING")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Background work (reports for many grants at once) through Django's Tasks API. The
# database backend makes PostgreSQL the queue; `python manage.py db_worker` runs the
# tasks (docker-compose has a worker service). STETAPP_TASKS_IMMEDIATE=true runs every
# task at once inside the request instead, as development and the tests do.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.bool("STETAPP_TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
