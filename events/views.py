from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from registrations.models import registration_counts, with_registration_counts
from registrations.services import refusal_message

from . import calendar
from .models import Event, Topic


def visible_events(request):
    """Published and cancelled events; organisers also see their own drafts, to preview them."""
    events = Event.objects.listed()
    if request.user.is_authenticated and request.user.is_staff:
        events = events | Event.objects.filter(
            pk__in=Event.objects.organised_by_member(request.user).values("pk")
        )
    return events


def get_visible_event(request, slug: str) -> Event:
    return get_object_or_404(visible_events(request).select_related("organiser"), slug=slug)


def registration_summary(event: Event, counts: dict[str, int], now=None) -> dict:
    """What the event page, the form and status.json say about registration."""
    now = now or timezone.now()
    state = event.registration_state(
        confirmed=counts["confirmed"], waitlisted=counts["waitlisted"], now=now
    )
    can_register = state in (Event.RegistrationState.OPEN, Event.RegistrationState.WAITLIST)
    return {
        "state": state,
        "can_register": can_register,
        "places_left": event.places_left(confirmed=counts["confirmed"]),
        "message": ""
        if can_register or state == Event.RegistrationState.EXTERNAL
        else refusal_message(event, state, now),
        "confirmed": counts["confirmed"],
        "waitlisted": counts["waitlisted"],
    }


def _listed(queryset):
    return with_registration_counts(queryset).select_related("organiser").prefetch_related("topics")


@require_GET
def event_list(request):
    now = timezone.now()
    events = Event.objects.listed()
    # The topics people can filter by: those of events the public sees.
    topics = list(Topic.objects.filter(events__in=events.values("pk")).distinct())
    topic_slug = request.GET.get("topic", "")
    active_topic = next((topic for topic in topics if topic.slug == topic_slug), None)
    if topic_slug:
        # An unknown topic matches nothing: the page says so instead of failing.
        events = events.filter(topics__slug=topic_slug)
    upcoming = list(_listed(events.upcoming(now)))
    past = list(_listed(events.past(now))[:50])
    for event in upcoming:
        event.registration = registration_summary(
            event, {"confirmed": event.confirmed_count, "waitlisted": event.waitlisted_count}, now
        )
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "topics": topics,
            "topic_slug": topic_slug,
            "active_topic": active_topic,
        },
    )


@require_GET
def event_detail(request, slug):
    """The event page. Visitors without cookies share a copy that is at most
    EVENT_PAGE_CACHE_SECONDS old: a popular event's page stays fast while places go."""
    seconds = settings.EVENT_PAGE_CACHE_SECONDS
    if seconds and not request.COOKIES:
        # Anyone with a cookie may see something personal (a message, a draft preview).
        shared = cache_page(seconds, key_prefix="event-page")(vary_on_cookie(_event_page))
        return shared(request, slug)
    return _event_page(request, slug)


def _event_page(request, slug):
    event = get_visible_event(request, slug)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "registration": registration_summary(event, registration_counts(event)),
        },
    )


@require_GET
def event_status(request, slug):
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    summary = registration_summary(event, registration_counts(event))
    response = JsonResponse(
        {
            "slug": event.slug,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "capacity": event.capacity,
            "confirmed": summary["confirmed"],
            "places_left": summary["places_left"],
            "waitlisted": summary["waitlisted"],
            "registration": summary["state"],
        }
    )
    # Public figures that the organisation's website reads from its own pages; no cookies
    # are involved, so any site may read them.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": str(error.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.listed(), slug=slug)
    return _calendar_response(calendar.feed([event]), f"{event.slug}.ics")


@require_GET
def events_ics(request):
    return _calendar_response(calendar.feed(Event.objects.published().upcoming()), "events.ics")
