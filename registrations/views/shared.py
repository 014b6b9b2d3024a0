"""What the registrations pages share: finding the event or the registration a page is about,
the personal pages' headers, and rate limits."""

import hashlib
import re
from functools import wraps

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers

from events.models import Event, Organiser, rows

from ..models import OutboundEmail, Question, Registration, RegistrationSettings
from ..services import locking, together

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


def event_for_registering(request, slug: str) -> tuple[Event, list[Question]]:
    """The event of a registration form, as ``get_visible_event`` gives it, and its current
    questions.

    The public's form is read on every registration: its event, organiser and settings, and
    its questions, are read by written-out queries in one round trip (``events.models.rows``),
    where compiling the ORM's took longer than the database took to answer. Staff, who may
    also open their own drafts, read it through ``get_visible_event``.
    """
    if request.user.is_authenticated and request.user.is_staff:
        event = get_visible_event(request, slug)
        return event, list(event.questions.current())
    listed = ", ".join(["%s"] * len(Event.LISTED_STATUSES))
    # A form sent is read with the event's counts and ids for the registration, so that its
    # place can be decided before the event's lock is taken (``services.register``).
    seen_columns, seen_join = locking.seen_select("e") if request.method == "POST" else ("", "")
    taking_ids = together.new_ids(Registration, OutboundEmail) if seen_columns else None
    found, asked, *ids = together.read_together(
        [
            (
                f"SELECT {rows.columns(Event, 'e')}, {rows.columns(Organiser, 'o')}, "  # noqa: S608
                f"{rows.columns(RegistrationSettings, 's')}{seen_columns} "
                f"FROM {Event._meta.db_table} e "
                f"JOIN {Organiser._meta.db_table} o ON o.id = e.organiser_id "
                f"LEFT JOIN {RegistrationSettings._meta.db_table} s ON s.event_id = e.id "
                f"{seen_join} WHERE e.slug = %s AND e.status IN ({listed})",
                [slug, *Event.LISTED_STATUSES],
            ),
            (
                f"SELECT {rows.columns(Question, 'q')} FROM {Question._meta.db_table} q "  # noqa: S608
                f"JOIN {Event._meta.db_table} e ON e.id = q.event_id "
                f"WHERE e.slug = %s AND e.status IN ({listed}) AND q.archived_at IS NULL "
                "ORDER BY q.position, q.id",  # Question's ordering
                [slug, *Event.LISTED_STATUSES],
            ),
            *([taking_ids] if taking_ids else []),
        ]
    )
    if not found:
        raise Http404("No such event")
    event_values, organiser_values, settings_values, seen_values = rows.split(
        found[0], Event, Organiser, RegistrationSettings, rest=True
    )
    event = rows.instance(Event, event_values)
    event.seen = locking.seen(event, seen_values, ids[0][0] if ids else None)
    event.organiser = rows.instance(Organiser, organiser_values)
    # An event without settings of its own has none (``RegistrationSettings.for_event``).
    own_settings = None
    if settings_values[0] is not None:
        own_settings = rows.instance(RegistrationSettings, settings_values)
    Event.registration_settings.related.set_cached_value(event, own_settings)
    return event.in_language(), [rows.instance(Question, values) for values in asked]


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
