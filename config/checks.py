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


@checks.register()
def email_sent_in_production(app_configs, **kwargs):
    """Without EMAIL_HOST, email is printed: fine for a demo, a silent loss in production."""
    console = settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    if settings.DEBUG or not console or settings.EMAIL_TO_CONSOLE:
        return []
    return [
        checks.Error(
            "EMAIL_HOST is not set: the worker would print every email, personal links "
            "included, to its output and mark it sent.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to send "
            "email, or EMAIL_TO_CONSOLE=1 if printing it is what you want.",
            id="turnout.E002",
        )
    ]
