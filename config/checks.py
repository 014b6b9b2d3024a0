"""System checks that refuse settings unsafe for production (with DEBUG off)."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}


@checks.register(checks.Tags.caches)
def cache_shared_by_processes(app_configs, **kwargs):
    """Rate limits count in the cache: a cache of each process lets each process count alone."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            "CACHE_URL is a cache of each process (locmem://): every web process would count "
            "rate limits on its own.",
            hint="Leave CACHE_URL unset for the database cache that `migrate` creates, or set "
            "redis://… when several machines serve the site.",
            id="turnout.E001",
        )
    ]
