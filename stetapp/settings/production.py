"""Production: every secret from the environment, HTTPS only, a shared cache.

Fails loudly when DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS are missing. See
docs/deployment.md for every variable.
"""

from django.core.exceptions import ImproperlyConfigured

from ..logs import logging_config
from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Database connections are kept open and reused for up to a minute instead of opened per
# request (a PostgreSQL connection costs a few milliseconds and a server process); a kept
# connection is checked before reuse, so one the server closed is replaced instead of
# failing the request (docs/decisions.md, "Persistent database connections").
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Everyone who sees special-category data (health notes, religion) must use a second
# factor: facilitators, project leads, programme coordinators; and the privacy officer,
# who reads the organisation's access log (decision 61). Volunteers and funders may set
# one up; add "volunteer" or "funder" here (or in the environment) to require it.
STETAPP_MFA_REQUIRED_ROLES = env.list(
    "STETAPP_MFA_REQUIRED_ROLES",
    default=["facilitator", "project_lead", "programme_coordinator", "privacy_officer"],
)

STETAPP_MFA_REQUIRED_FOR_STAFF = env.bool("STETAPP_MFA_REQUIRED_FOR_STAFF", default=True)

# The app runs behind one TLS-terminating proxy (SECURE_PROXY_SSL_HEADER below trusts it
# too), which appends the client's address to X-Forwarded-For. Without this every client
# would share the proxy's address for the per-address sign-in limits, and one person's
# failed sign-ins would block everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

# HTTPS everywhere; the load balancer sets X-Forwarded-Proto. Health probes may use
# plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# A cache shared by every app server: allauth keeps sign-in rate limits and TOTP replay
# protection there. Redis when REDIS_URL is set, otherwise the database cache table
# (created by `manage.py createcachetable`).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "stetapp_cache",
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)

# JSON lines to stdout, each with its request id; security events included
# (docs/deployment.md, "Logs").
LOGGING = logging_config(json_lines=True, level=env("DJANGO_LOG_LEVEL", default="INFO"))

# Error reports to Sentry (or GlitchTip), only when SENTRY_DSN is set; every event is
# scrubbed like the logs (stetapp/sentry.py; docs/deployment.md, "Error reports").
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ..sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
    )
