"""System checks that keep production settings honest."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The default cache is per process.",
                hint="Set REDIS_URL or use the database cache: allauth keeps sign-in rate "
                "limits and two-factor replay protection in the cache.",
                id="stetapp.W001",
            )
        ]
    return []


@register(deploy=True)
def trusted_proxy_check(app_configs, **kwargs):
    """Behind the proxy every request comes from the proxy's address: with no proxy
    trusted, the per-address sign-in limit counts all clients as one (docs/deployment.md,
    The reverse proxy)."""
    if getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) < 1 and not getattr(
        settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None
    ):
        return [
            Warning(
                "No reverse proxy is trusted for the client address.",
                hint="Set ALLAUTH_TRUSTED_PROXY_COUNT to the number of proxies in front of "
                "the app (1 for one nginx): otherwise one client's failed sign-ins block "
                "everyone's.",
                id="stetapp.W002",
            )
        ]
    return []
