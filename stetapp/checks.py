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
