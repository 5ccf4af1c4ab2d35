"""`make load` and its CI smoke (load/run.py; docs/deployment.md, "Load and capacity"):
production settings, served over plain HTTP on the loopback interface.

The load users are scripts, not browsers behind the TLS proxy, so three things differ from
production and nothing else: no redirect to HTTPS and cookies without the Secure flag
(there is no TLS on loopback); the client's address is the connection's own, not a
proxy's header (each simulated user connects from its own 127.0.0.x address); and no
second factor is asked at sign-in (the pages are measured, not the sign-in ceremony).
"""

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
ALLAUTH_TRUSTED_PROXY_COUNT = 0
STETAPP_MFA_REQUIRED_ROLES = []
STETAPP_MFA_REQUIRED_FOR_STAFF = False
