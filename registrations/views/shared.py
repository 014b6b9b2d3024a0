"""What the registrations pages share: finding the event or the registration a page is about,
the personal pages' headers, and rate limits."""

import hashlib
import re
from functools import wraps

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers

from events.models import Event

from ..models import Registration

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def personal_page(view):
    """For pages whose address holds a personal link's token, a bearer secret: browsers and
    proxies keep no copy, and no request from the page carries the address in its Referer,
    not even to this site, whose logs would keep it.

    Only the site's origin is sent ("strict-origin"). "no-referrer" would do as much for the
    token, but browsers then send the page's own forms with "Origin: null", which the CSRF
    protection refuses.
    """

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return answer


def get_visible_event(request, slug: str) -> Event:
    event = get_object_or_404(
        Event.objects.visible_to(request.user).select_related("organiser", "registration_settings"),
        slug=slug,
    )
    return event.in_language()


def get_registration(token: str) -> Registration:
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404("Malformed token")
    return get_object_or_404(
        Registration.objects.select_related(
            "event", "event__organiser", "event__registration_settings"
        ),
        token=token,
    )


def within_limit(kind: str, value: str, limit: int) -> bool:
    """Count one more request of ``kind`` from ``value`` this hour; False past ``limit``."""
    key = f"limit:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"
    # Counted first: once an address has a count this hour, that is all a request costs.
    for _attempt in range(2):
        try:
            return cache.incr(key) <= limit
        except ValueError:  # no count yet this hour: the first request starts it
            if cache.add(key, 1, timeout=3600):
                return True
    # Started and expired again between each step: the first of a new count.
    cache.set(key, 1, timeout=3600)
    return True
